"""In-language lexical heads: n-grams, training, storage and where their scores apply."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from flexloop.analyze import training
from flexloop.analyze.features import EMB_DIM, hashed_ngrams
from flexloop.analyze.lexical import LEX_DIM, analyzer_for, counts, words
from flexloop.analyze.training import fit, fit_lexical, load_head

GOOD = ["barangnya bagus banget", "bagus sekali, makasih", "mantap bagus", "pengiriman cepat bagus"]
BAD = ["barang rusak parah", "kecewa rusak", "rusak dan telat", "jelek rusak kecewa"]
MEH = ["paket dikirim besok", "dikirim hari senin", "besok dikirim ya", "paket sampai besok"]
TEXTS = (GOOD + BAD + MEH) * 3
LABELS = ([2] * 4 + [0] * 4 + [1] * 4) * 3


def test_word_grams_and_character_gram_counts() -> None:
    assert words("Barang RUSAK, a 2x!") == ["barang", "rusak", "0x", "barang rusak", "rusak 0x"]
    assert analyzer_for("th") == "char" and analyzer_for("id") == "word"
    x = counts(["bagus bagus", ""], "word")
    assert x.shape == (2, LEX_DIM) and x[0].sum() == 3 and x[1].nnz == 0
    texts = ["ดีมากๆ ดีมาก", "ab", "", "a", "xabx"]
    x = counts(texts, "char")
    for row, text in enumerate(texts):
        grams = [text[i : i + n] for n in range(1, 6) for i in range(len(text) - n + 1)]
        assert x[row].sum() == len(grams)  # every 1-5-gram inside the text, none across texts
        assert x[row].nnz == len(set(grams))  # one column per distinct n-gram (no collisions here)
    shared = set(x[1].indices) & set(x[4].indices)  # "a", "b", "ab" hash alike in both texts
    assert len(shared) == 3


def test_fit_lexical_learns_the_words_and_is_deterministic() -> None:
    y = np.array(LABELS)
    a = fit_lexical("id", TEXTS, y, c=8.0, seed=7)
    b = fit_lexical("id", TEXTS, y, c=8.0, seed=7)
    assert np.array_equal(a.cols, b.cols) and np.array_equal(a.weights, b.weights)
    pred = a.log_proba(["bagus banget", "rusak parah", "dikirim besok", "zzz qqq"]).argmax(axis=1)
    assert pred[:3].tolist() == [2, 0, 1]
    unseen = a.log_proba(["zzz qqq"])
    assert np.allclose(np.exp(unseen).sum(), 1.0)


def test_lexical_heads_are_trained_stored_and_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recipe = dataclasses.replace(
        training.RECIPES["sentiment"], lex_min_rows=10, lang_min_rows=10_000, polarity_scale=0.0
    )
    monkeypatch.setitem(training.RECIPES, "sentiment", recipe)
    names = ["negative", "neutral", "positive"]
    texts = [*TEXTS, "great", "awful", "ok then"]
    labels = [names[i] for i in LABELS] + ["positive", "negative", "neutral"]
    langs = ["id"] * len(TEXTS) + ["en"] * 3
    emb = np.zeros((len(texts), EMB_DIM), np.float32)
    head = fit("sentiment", emb, texts, labels, langs=langs)
    assert list(head.lexical) == ["id"] and head.lex_weight == recipe.lex_weight
    head.save(tmp_path / "m", {})
    again = load_head(tmp_path / "m")
    assert list(again.lexical) == ["id"] and again.lex_weight == head.lex_weight
    probe = ["rusak parah", "rusak parah", "rusak parah"]
    assert np.allclose(again.lexical["id"].log_proba(probe), head.lexical["id"].log_proba(probe), atol=1e-2)
    e = np.zeros((3, EMB_DIM), np.float32)
    g = hashed_ngrams(probe)
    shifted = again.lang_residual(e, ["id", "en", "ms"], probe)
    assert np.abs(shifted[1]).max() == 0.0 and shifted[0].argmax() == 0
    assert np.array_equal(shifted[2], shifted[0])  # Malay posts are read by the Indonesian head
    assert np.array_equal(again.proba(e, g, ["id", "en", "ms"], probe)[1], again.proba(e, g)[1])
