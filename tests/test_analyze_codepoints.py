"""Bulk character n-gram hashing equals hashing each n-gram on its own, and never crosses texts."""

from __future__ import annotations

from flexloop.analyze.codepoints import ngram_hash, ngram_hashes

TEXTS = ["abcd e", "", "xy", "héllo 😜 wörld", "สินค้า", "a"]


def test_bulk_hashes_equal_the_scalar_hash_of_each_ngram_in_order() -> None:
    for n, docs, hashes in ngram_hashes(TEXTS, 5):
        expected = [(d, ngram_hash(t[i : i + n])) for d, t in enumerate(TEXTS) for i in range(len(t) - n + 1)]
        assert list(zip(docs.tolist(), (int(h) for h in hashes), strict=True)) == expected


def test_min_n_skips_shorter_orders_and_hashes_differ_by_order() -> None:
    orders = [n for n, _, _ in ngram_hashes(TEXTS, 4, min_n=3)]
    assert orders == [3, 4]
    assert len({ngram_hash("ab"), ngram_hash("a"), ngram_hash("ba"), ngram_hash("")}) == 4


def test_no_texts_or_too_short_texts_yield_nothing_past_their_length() -> None:
    assert list(ngram_hashes([], 3)) == []
    assert [n for n, _, _ in ngram_hashes(["ab"], 5)] == [1, 2]


def test_hash_values_are_pinned_the_shipped_thai_head_depends_on_them() -> None:
    assert ngram_hash("") == 0
    assert ngram_hash("a") == 17508005127702757215
    assert ngram_hash("สวัส") == 18363612212633150461
    assert ngram_hash("déjà") == 10655534201277468240
