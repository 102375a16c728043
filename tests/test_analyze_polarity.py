"""Polarity lexicon counts: longest phrase wins, negators flip, contrast words mark the verdict's clause."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from flexloop.analyze import polarity, training
from flexloop.analyze.features import EMB_DIM
from flexloop.analyze.langid import SERVED
from flexloop.analyze.polarity import FEATURES, polarity_counts, polarity_features

SMALL = {
    "en": {"positive": ["good", "love*", "not bad"], "negative": ["bad", "awful"], "neutral": ["not only"],
           "negators": ["not", "never"], "contrast": ["but"]},
    "zh": {"positive": ["不错", "好"], "negative": ["错", "慢"], "neutral": ["不但"], "negators": ["不"],
           "contrast": ["但"]},
    "es": {"positive": ["bueno"], "negative": ["malo"], "negators": ["no"], "contrast": ["pero"]},
    "ko": {"positive": ["좋아요"], "negative": [], "negators": ["안"], "contrast": []},
    "fr": {"positive": ["bon"], "negative": [], "neutral": ["bad"], "negators": [], "contrast": []},
}  # fmt: skip


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A tiny lexicon in place of the shipped one."""
    polarity.lexicon.cache_clear()
    monkeypatch.setattr(polarity, "_raw", lambda: SMALL)
    yield
    polarity.lexicon.cache_clear()


def test_counts_positive_and_negative_words(small: None) -> None:
    assert polarity_counts("good phone, awful battery, bad case", "en") == (1, 2, 0, 0)
    assert polarity_counts("I loved it", "en") == (1, 0, 0, 0)  # a stem
    assert polarity_counts("goodness me", "en") == (0, 0, 0, 0)  # whole words only


def test_the_longest_phrase_wins(small: None) -> None:
    assert polarity_counts("not bad at all", "en") == (1, 0, 0, 0)
    assert polarity_counts("质量不错", "zh") == (1, 0, 0, 0)  # "不错" (not bad: good), not "错" (wrong)


def test_overlaps_keep_the_longer_match_even_when_it_starts_later() -> None:
    assert polarity._longest_first([(0, 2, 1), (1, 4, -1), (5, 6, 1)]) == [(1, 4, -1), (5, 6, 1)]


def test_a_negator_flips_the_words_shortly_after_it(small: None) -> None:
    assert polarity_counts("this is not good", "en") == (0, 1, 0, 0)
    assert polarity_counts("not really that good", "en") == (0, 1, 0, 0)
    assert polarity_counts("not what I wanted, the case is so good", "en") == (1, 0, 0, 0)  # too far
    assert polarity_counts("不是很好", "zh") == (0, 1, 0, 0)
    assert polarity_counts("不在乎，挺好", "zh") == (1, 0, 0, 0)  # more than 3 characters before


def test_words_after_the_last_contrast_word_count_again(small: None) -> None:
    assert polarity_counts("good screen but awful battery", "en") == (1, 1, 0, 1)
    assert polarity_counts("质量不错，但是物流太慢", "zh") == (1, 1, 0, 1)


def test_english_mixes_into_every_language_but_other_languages_do_not(small: None) -> None:
    assert polarity_counts("el servicio es bueno, good", "es") == (2, 0, 0, 0)
    assert polarity_counts("bueno", "en") == (0, 0, 0, 0)
    assert polarity_counts("good", "vi") == (0, 0, 0, 0)  # no lexicon for the language: nothing read


def test_features_are_log_counts_in_a_fixed_order(small: None) -> None:
    x = polarity_features(["good but bad", "", "awful awful"], ["en", "en", "en"])
    assert x.shape == (3, len(FEATURES))
    assert np.allclose(x, np.log1p([[1, 1, 0, 1], [0, 0, 0, 0], [0, 2, 0, 0]]))


def test_the_shipped_lexicon_covers_every_served_language() -> None:
    raw = polarity._raw()
    for lang, kinds in raw.items():
        assert set(kinds) <= set(polarity.KINDS), lang
        words = [w for ws in kinds.values() for w in ws]
        assert all(w == w.lower().strip() and w for w in words), lang
        assert not set(kinds["positive"]) & set(kinds["negative"]), lang
    for lang in SERVED:
        lex = polarity.lexicon(lang)
        assert lex is not None and len(lex.cues["positive"]) >= 50 and len(lex.cues["negative"]) >= 50, lang


def test_a_negation_ends_with_its_clause(small: None) -> None:
    assert polarity_counts("not yet, but good", "en") == (1, 0, 1, 0)
    assert polarity_counts("never again. awful", "en") == (0, 1, 0, 0)
    assert polarity_counts("no, malo", "es") == (0, 1, 0, 0)


def test_negators_are_whole_words_where_words_are_spaced(small: None) -> None:
    assert polarity_counts("안 좋아요", "ko") == (0, 1, 0, 0)
    assert polarity_counts("안녕 좋아요", "ko") == (1, 0, 0, 0)  # "안녕" (hello) is not a negation


def test_a_neutral_look_alike_hides_the_words_inside_it(small: None) -> None:
    assert polarity_counts("not only good", "en") == (1, 0, 0, 0)  # "not" is part of "not only"
    assert polarity_counts("不但好，而且不错", "zh") == (2, 0, 0, 0)  # neither "不" nor the contrast "但" counts


def test_an_english_word_a_language_lists_as_neutral_is_not_read_there(small: None) -> None:
    assert polarity_counts("bon bad", "fr") == (1, 0, 0, 0)
    assert polarity_counts("bon good", "fr") == (2, 0, 0, 0)


def test_the_sentiment_head_learns_stores_and_applies_polarity_weights(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recipe = dataclasses.replace(training.RECIPES["sentiment"], lang_min_rows=10_000, lex_min_rows=10_000)
    monkeypatch.setitem(training.RECIPES, "sentiment", recipe)
    texts = ["good", "really good", "so good", "awful", "bad bad", "not good", "ok", "hmm", "fine day"] * 3
    labels = ["positive"] * 3 + ["negative"] * 3 + ["neutral"] * 3
    head = training.fit("sentiment", np.zeros((len(texts), EMB_DIM), np.float32), texts, labels * 3,
                        langs=["en"] * len(texts))  # fmt: skip
    assert head.w_pol is not None
    head.save(tmp_path / "m", {})
    again = training.load_head(tmp_path / "m")
    assert again.w_pol is not None and np.allclose(again.w_pol, head.w_pol)
    probe = ["a good read", "an awful read", "a good read"]
    z = again.lang_residual(np.zeros((3, EMB_DIM), np.float32), ["en", "en", "xx"], probe)
    pos, neg = again.labels.index("positive"), again.labels.index("negative")
    assert z[0].argmax() == pos and z[1].argmax() == neg
    assert np.abs(z[2]).max() == 0.0  # a language without a lexicon: no polarity read


def test_the_shipped_models_were_learned_with_the_shipped_lexicon() -> None:
    import hashlib
    import json

    from flexloop.analyze.model_reader import shipped_model_dir

    sha = hashlib.sha256(polarity.polarity_file().read_bytes()).hexdigest()
    for task in ("sentiment", "complaint"):  # edit the lexicon, then retrain (scripts/train_models.sh)
        card = json.loads((shipped_model_dir(task) / "MODEL.json").read_text())
        assert card["lexicons"][0]["sha256"] == sha, task
        assert training.load_head(shipped_model_dir(task)).w_pol is not None, task
