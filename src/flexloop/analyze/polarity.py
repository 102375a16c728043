"""Polarity lexicon features: positive and negative words counted with negation and contrast in mind.

The counts are the same four numbers in every language, so what the sentiment head learns of them from the
languages it has data for carries to those it has none for (Chinese is read cross-lingually). The lexicon
(data/lexicons/polarity.yaml) is written by the team; phrases match as the keyword reader's cues do.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import ahocorasick
import numpy as np
import yaml

from flexloop.analyze.features import F32
from flexloop.analyze.keyword_reader import Cue, cue_of, fits, lowered

FEATURES = ("positive", "negative", "positive_after_contrast", "negative_after_contrast")
KINDS = ("positive", "negative", "neutral", "negators", "contrast")  # the lists of each language in the YAML
UNSPACED = frozenset({"th", "zh", "ja"})  # scripts written without spaces between words
NEGATION_WORDS = 3  # a negator flips a polarity word up to this many words after it (spaced scripts)
NEGATION_CHARS = 3  # ... or this many characters after it (scripts without spaces)
CLAUSE_END = frozenset(",.;:!?，。；：！？、")  # a negation does not reach past these
Span = tuple[int, int]


@dataclass(frozen=True)
class Lexicon:
    """One language's polarity words, neutral look-alikes ("差不多", "不好意思": they hide the polarity words and
    negators inside them), negators and contrast words (its own and English polarity words), with one
    Aho-Corasick automaton that finds them all in a single pass over a post."""

    lang: str
    cues: dict[str, tuple[Cue, ...]]
    automaton: ahocorasick.Automaton

    def find(self, text: str) -> dict[str, list[Span]]:
        """Each kind's matches in TEXT (lower-cased), word boundaries checked."""
        found: dict[str, list[Span]] = {k: [] for k in KINDS}
        for last, entries in self.automaton.iter(text):
            for kind, cue in entries:
                at = last + 1 - len(cue.phrase)
                if fits(cue, text, at):
                    found[kind].append((at, last + 1))
        return found


def polarity_file() -> Path:
    """Where the package keeps the polarity lexicon."""
    return Path(str(resources.files("flexloop") / "data" / "lexicons" / "polarity.yaml"))


@functools.cache
def _raw() -> dict[str, dict[str, list[str]]]:
    """The lexicon file: language -> kind -> phrases."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 40 ms instead of 210 ms at start-up
    raw = yaml.load(polarity_file().read_text("utf-8"), Loader=loader)
    return {str(k): {str(p): [str(w) for w in ws or []] for p, ws in v.items()} for k, v in raw.items()}


def _whole_word(raw: str, lang: str) -> Cue:
    """A negator or contrast word: a whole word wherever words are spaced (Arabic "ما" and Korean "안" begin other
    words), anywhere in Thai, Chinese and Japanese."""
    phrase = raw.lower().strip()
    bounded = lang not in UNSPACED
    return Cue(phrase, bounded and phrase[:1].isalnum(), bounded and phrase[-1:].isalnum())


def _words(raw: dict[str, dict[str, list[str]]], lang: str, kind: str) -> tuple[Cue, ...]:
    """LANG's words of one kind, then the English ones LANG does not list as neutral."""
    own = raw[lang]
    english = [w for w in raw.get("en", {}).get(kind, []) if w not in own.get("neutral", [])]
    return tuple(dict.fromkeys([*(cue_of(w, lang) for w in own.get(kind, [])), *(cue_of(w, "en") for w in english)]))


@functools.cache
def lexicon(lang: str) -> Lexicon | None:
    """LANG's lexicon with English polarity words mixed in (code-mixing is common) unless LANG lists them as neutral
    (French "pain" is bread); None for a language without one."""
    raw = _raw()
    if lang not in raw:
        return None
    cues = {k: _words(raw, lang, k) for k in ("positive", "negative", "neutral")}
    for kind in ("negators", "contrast"):
        cues[kind] = tuple(_whole_word(w, lang) for w in dict.fromkeys(raw[lang].get(kind, [])))
    by_phrase: dict[str, list[tuple[str, Cue]]] = {}
    for kind, kind_cues in cues.items():
        for cue in kind_cues:
            by_phrase.setdefault(cue.phrase, []).append((kind, cue))
    automaton = ahocorasick.Automaton()
    for phrase, entries in by_phrase.items():
        automaton.add_word(phrase, tuple(entries))
    automaton.make_automaton()
    return Lexicon(lang, cues, automaton)


def _longest_first(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Non-overlapping (start, end, sign) matches, longer ones winning ("不错" over "错", "not bad" over "bad")."""
    kept: list[tuple[int, int, int]] = []
    for s, e, sign in sorted(spans, key=lambda m: (m[0] - m[1], m[0])):
        if all(e <= ks or s >= ke for ks, ke, _ in kept):
            kept.append((s, e, sign))
    return kept


def _outside(spans: list[Span], words: list[tuple[int, int, int]]) -> list[Span]:
    """The SPANS not inside a matched word ("不" in "不错", "但" in "不但")."""
    return [(s, e) for s, e in spans if not any(ws <= s and e <= we for ws, we, _ in words)]


def _negated(start: int, text: str, negators: list[Span], spaced: bool) -> bool:
    """Whether a negator ends shortly before START, in the same clause ("no funciona, qué decepción": the
    second part is not negated)."""
    for _, e in negators:
        gap = text[e:start]
        near = len(gap.split()) < NEGATION_WORDS if spaced else len(gap) < NEGATION_CHARS
        if e <= start and near and not CLAUSE_END.intersection(gap):
            return True
    return False


def polarity_counts(text: str, lang: str) -> tuple[int, int, int, int]:
    """Positive and negative words in TEXT read as LANG (negated ones flipped), overall and after the last contrast
    word ("good screen but the battery is awful": the verdict follows "but")."""
    lex = lexicon(lang)
    if lex is None:
        return 0, 0, 0, 0
    low = lowered(text)
    found = lex.find(low)
    signs = {"positive": 1, "negative": -1, "neutral": 0}
    words = _longest_first([(s, e, sign) for kind, sign in signs.items() for s, e in found[kind]])
    if not any(sign for _, _, sign in words):
        return 0, 0, 0, 0
    negators, contrasts = (_outside(found[k], words) for k in ("negators", "contrast"))
    turn = max((s for s, _ in contrasts), default=-1)
    spaced = lang not in UNSPACED
    pos = neg = pos_after = neg_after = 0
    for s, _, sign in words:
        if not sign:
            continue
        positive = (sign > 0) != _negated(s, low, negators, spaced)
        after = s > turn >= 0
        pos, neg = pos + positive, neg + (not positive)
        pos_after, neg_after = pos_after + (positive and after), neg_after + (not positive and after)
    return pos, neg, pos_after, neg_after


def polarity_features(texts: Sequence[str], langs: Sequence[str]) -> F32:
    """One row of `FEATURES` per text: log(1 + count) of each."""
    counts = [polarity_counts(t, lang) for t, lang in zip(texts, langs, strict=True)]
    return np.log1p(np.asarray(counts, dtype=np.float32).reshape(len(texts), len(FEATURES)))
