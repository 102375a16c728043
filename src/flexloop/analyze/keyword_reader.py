"""The keyword reader: multilingual cue lexicons (data/lexicons/cues.yaml) for every head, deterministic."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import yaml

from flexloop.analyze.langid import LanguageIdentifier
from flexloop.analyze.safety import is_safety_risk
from flexloop.analyze.text import TextLabels, without_tags
from flexloop.domain.vocab import Intent, IssueType, Sentiment

# Concepts in priority order: the first that matches names the issue of a complaint.
COMPLAINT_ISSUES = (
    ("lost_or_damaged", IssueType.LOST_OR_DAMAGED, Intent.COMPLAINT),
    ("delay", IssueType.LOGISTICS_DELAY, Intent.ORDER_STATUS),
    ("quality", IssueType.QUALITY_DEFECT, Intent.COMPLAINT),
    ("refund", IssueType.BILLING_REFUND, Intent.RETURN_REFUND),
    ("service", IssueType.CUSTOMER_SERVICE, Intent.COMPLAINT),
    ("cultural", IssueType.CULTURAL_SENSITIVITY, Intent.COMPLAINT),
)


# How a cue phrase must sit in a post, by the phrase's language: anywhere in scripts written without spaces, with
# attached prefixes (Arabic "و" / "ال") or with endings and compounds written together (Korean "배송지연", "되나요");
# from a word start where suffixes attach (id, ms: "rusaknya"); as whole words elsewhere, unless the phrase ends in
# `*` (a stem: "delay*" reads "delayed"). Substrings made "late" read "chocolate" and Turkish "mi" read "mini".
ANYWHERE = frozenset({"th", "zh", "ja", "ko", "ar"})
WORD_START = frozenset({"id", "ms"})


@dataclass(frozen=True)
class Cue:
    """A lower-case cue phrase and whether a word boundary must come before and after it."""

    phrase: str
    starts_word: bool
    ends_word: bool


def cue_of(raw: str, lang: str) -> Cue:
    """The cue a lexicon phrase stands for in LANG (a trailing `*` marks a stem)."""
    phrase = raw.lower().strip()
    stem = phrase.endswith("*")
    phrase = phrase.rstrip("*")
    bounded = lang not in ANYWHERE
    return Cue(phrase, bounded and phrase[:1].isalnum(),
               bounded and lang not in WORD_START and not stem and phrase[-1:].isalnum())  # fmt: skip


@functools.cache
def cues() -> dict[str, dict[str, tuple[Cue, ...]]]:
    """Concept -> language -> cue phrases."""
    text = (resources.files("flexloop") / "data" / "lexicons" / "cues.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return {c: {lang: tuple(cue_of(str(p), lang) for p in ps) for lang, ps in by_lang.items()}
            for c, by_lang in raw.items()}  # fmt: skip


@functools.cache
def _phrases(concept: str, lang: str) -> tuple[Cue, ...]:
    """The cue phrases of CONCEPT read in LANG: its own and English ones (English mixes in everywhere), once each."""
    table = cues()[concept]
    return tuple(dict.fromkeys((*table.get(lang, ()), *table.get("en", ()))))


def _latin(c: str) -> bool:
    return c < "\u0250" or "\u1e00" <= c <= "\u1eff"  # Basic Latin to Latin Extended-B, and Vietnamese letters


def _joins(edge: str, neighbour: str) -> bool:
    """Whether NEIGHBOUR continues the word that EDGE (a cue's first or last letter) is in: a letter, digit or mark of
    the same kind of script ("delay" is a word in "包裹delay了", and a vowel sign continues a Devanagari word)."""
    if not (neighbour.isalnum() or unicodedata.category(neighbour)[0] == "M"):
        return False
    return _latin(edge) == _latin(neighbour)


def fits(cue: Cue, text: str, at: int) -> bool:
    """Whether the cue's phrase, found at AT in TEXT, has the word boundaries it needs there."""
    phrase, end = cue.phrase, at + len(cue.phrase)
    return (not cue.starts_word or at == 0 or not _joins(phrase[0], text[at - 1])) and (
        not cue.ends_word or end == len(text) or not _joins(phrase[-1], text[end])
    )


def occurs(cue: Cue, text: str) -> bool:
    """Whether the cue's phrase is in TEXT with the word boundaries it needs."""
    at = text.find(cue.phrase)
    while at >= 0:
        if fits(cue, text, at):
            return True
        at = text.find(cue.phrase, at + 1)
    return False


def lowered(text: str) -> str:
    """A post as the cues read it: tags out, lower case, Turkish dotted capitals and curly apostrophes folded."""
    return without_tags(text).lower().replace("\u0307", "").replace("\u2019", "'")


@functools.cache
def _lookalikes(lang: str) -> tuple[str, ...]:
    """LANG's look-alike phrases and the English ones, longest first."""
    return tuple(sorted({c.phrase for c in _phrases("lookalikes", lang)}, key=len, reverse=True))


def cue_text(text: str, lang: str) -> str:
    """A post as the cues read it: `lowered`, its look-alikes ("no damage", Thai "เช้า" holding "ช้า") blanked."""
    low = lowered(text)
    for phrase in _lookalikes(lang):
        if phrase in low:
            low = low.replace(phrase, " ")
    return low


def hits(concept: str, text: str, lang: str) -> int:
    """How many cue phrases of CONCEPT occur in TEXT (its language plus English)."""
    return sum(1 for c in _phrases(concept, lang) if c.phrase in text and occurs(c, text))  # `in` first: fast


STRONG = ("lost_or_damaged", "delay", "quality")


def read_one(text: str, lang: str) -> TextLabels:
    """Label one post from its cues; a post without any cue is neutral `other`."""
    return cue_labels(text, lang) or TextLabels(lang, Sentiment.NEUTRAL, 0.5, False, 0.5, IssueType.OTHER,
                                                Intent.OTHER, False)


def strong_cue_labels(text: str, lang: str, safety: bool | None = None) -> TextLabels | None:
    """Labels from the cues precise enough to overrule models: a hazard, then a concrete problem (lost or damaged,
    late, faulty) not already put right; None otherwise (SAFETY: the safety flag when the caller has it already)."""
    return _strong(text, cue_text(text, lang), lang, safety)  # a handle (@LateNightDeals) is not a delay cue


def _strong(text: str, low: str, lang: str, safety: bool | None) -> TextLabels | None:
    """`strong_cue_labels` of TEXT, LOW being its lower-cased words without tags."""
    if is_safety_risk(text, lang) if safety is None else safety:
        return TextLabels(lang, Sentiment.NEGATIVE, 0.9, True, 0.9, IssueType.SAFETY_RISK, Intent.COMPLAINT, True)
    for name, issue, intent in COMPLAINT_ISSUES:
        if name in STRONG and hits(name, low, lang):
            if name == "delay" and hits("refund", low, lang):  # a late refund is a refund problem
                continue
            if hits("resolved", low, lang) and not hits("negative", low, lang):
                return None  # put right already ("arrived broken, replaced next day, thanks"): the models read it
            return TextLabels(lang, Sentiment.NEGATIVE, 0.8, True, 0.8, issue, intent, False)
    return None


def cue_labels(text: str, lang: str, safety: bool | None = None) -> TextLabels | None:
    """Labels from cues: safety first, then concrete problems, praise, softer problems, questions; None if no cue
    (SAFETY: the safety flag when the caller has it already)."""
    low = cue_text(text, lang)
    strong = _strong(text, low, lang, safety)
    if strong is not None:
        return strong
    negative, praise = hits("negative", low, lang), hits("praise", low, lang)
    asks = "?" in text or "？" in text
    if praise > negative and not asks:
        return TextLabels(lang, Sentiment.POSITIVE, 0.7, False, 0.7, IssueType.PRAISE, Intent.PRAISE, False)
    for name, issue, intent in COMPLAINT_ISSUES:
        if name not in STRONG and hits(name, low, lang):
            return TextLabels(lang, Sentiment.NEGATIVE, 0.7, True, 0.7, issue, intent, False)
    if negative > praise:
        return TextLabels(lang, Sentiment.NEGATIVE, 0.6, True, 0.6, IssueType.OTHER, Intent.COMPLAINT, False)
    if asks or hits("question", low, lang) > 0:
        return TextLabels(lang, Sentiment.NEUTRAL, 0.6, False, 0.7, IssueType.PRODUCT_QUESTION,
                          Intent.PRODUCT_QUESTION, False)
    return None


class KeywordReader:
    """Deterministic lexicon reader over the served languages."""

    name = "keywords-v0"

    def __init__(self, languages: Sequence[str] | None = None) -> None:
        self.langid = LanguageIdentifier(languages)

    def read(self, texts: Sequence[str]) -> list[TextLabels]:
        langs = self.langid.identify(texts)
        return [read_one(t, lang) for t, lang in zip(texts, langs, strict=True)]
