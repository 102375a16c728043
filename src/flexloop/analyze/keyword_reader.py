"""The keyword reader: multilingual cue lexicons (data/lexicons/cues.yaml) for every head, deterministic."""

from __future__ import annotations

import functools
from collections.abc import Sequence
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


@functools.cache
def cues() -> dict[str, dict[str, tuple[str, ...]]]:
    """Concept -> language -> lower-case cue phrases."""
    text = (resources.files("flexloop") / "data" / "lexicons" / "cues.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return {c: {lang: tuple(str(p).lower() for p in ps) for lang, ps in langs.items()} for c, langs in raw.items()}


def hits(concept: str, text: str, lang: str) -> int:
    """How many cue phrases of CONCEPT occur in TEXT (its language plus English, which mixes in everywhere)."""
    table = cues()[concept]
    phrases = set(table.get(lang, ())) | set(table.get("en", ()))
    return sum(1 for p in phrases if p in text)


STRONG = ("lost_or_damaged", "delay", "quality")


def read_one(text: str, lang: str) -> TextLabels:
    """Label one post from its cues; a post without any cue is neutral `other`."""
    return cue_labels(text, lang) or TextLabels(lang, Sentiment.NEUTRAL, 0.5, False, 0.5, IssueType.OTHER,
                                                Intent.OTHER, False)


def cue_labels(text: str, lang: str, safety: bool | None = None) -> TextLabels | None:
    """Labels from cues: safety first, then concrete problems, praise, softer problems, questions; None if no cue
    (SAFETY: the safety flag when the caller has it already)."""
    low = without_tags(text).lower()  # a handle such as @LateNightDeals is not a delay cue
    found = {name: hits(name, low, lang) for name, _, _ in COMPLAINT_ISSUES}
    negative, praise = hits("negative", low, lang), hits("praise", low, lang)
    asks = "?" in text or "？" in text
    question = asks or hits("question", low, lang) > 0
    if is_safety_risk(text, lang) if safety is None else safety:
        return TextLabels(lang, Sentiment.NEGATIVE, 0.9, True, 0.9, IssueType.SAFETY_RISK, Intent.COMPLAINT, True)
    issues = {name: (issue, intent) for name, issue, intent in COMPLAINT_ISSUES}
    for name in STRONG:
        if found[name] and not (name == "delay" and found["refund"]):  # a late refund is a refund problem
            issue, intent = issues[name]
            return TextLabels(lang, Sentiment.NEGATIVE, 0.8, True, 0.8, issue, intent, False)
    if praise > negative and not asks:
        return TextLabels(lang, Sentiment.POSITIVE, 0.7, False, 0.7, IssueType.PRAISE, Intent.PRAISE, False)
    for name, (issue, intent) in issues.items():
        if name not in STRONG and found[name]:
            return TextLabels(lang, Sentiment.NEGATIVE, 0.7, True, 0.7, issue, intent, False)
    if negative > praise:
        return TextLabels(lang, Sentiment.NEGATIVE, 0.6, True, 0.6, IssueType.OTHER, Intent.COMPLAINT, False)
    if question:
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
