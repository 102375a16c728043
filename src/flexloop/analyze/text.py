"""The text-reading interface: what the models conclude from a post's words alone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from flexloop.domain.vocab import Intent, IssueType, Sentiment

HANDLE = re.compile(r"(?<![\w.])@\w+")  # not the @ of an e-mail address
LINK = re.compile(r"https?://\S+|www\.\S+")


def without_tags(text: str) -> str:
    """The post without its @handles and links: what it says, not whom it addresses ("@FireSaleShop") or where
    it points."""
    return LINK.sub(" ", HANDLE.sub(" ", text))


def has_words(text: str) -> bool:
    """Whether anything is left to read once @handles and links are gone (a post of tags alone says nothing)."""
    return bool(without_tags(text).strip())


@dataclass(frozen=True, slots=True)
class TextLabels:
    """Per-post labels from text alone; context (orders, bursts, catalogue) is added later."""

    lang: str
    sentiment: Sentiment
    sentiment_confidence: float
    complaint: bool
    complaint_confidence: float
    issue_type: IssueType
    intent: Intent
    safety_risk: bool


class TextReader(Protocol):
    """Reads a batch of posts; implementations must be deterministic and offline."""

    name: str

    def read(self, texts: Sequence[str]) -> list[TextLabels]: ...


def default_reader(languages: Sequence[str] | None = None) -> TextReader:
    """The reader the pipeline uses unless told otherwise: cue lexicons over the shipped models."""
    from flexloop.analyze.cascade import CascadeReader

    return CascadeReader(languages)
