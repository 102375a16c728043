"""The pipeline's reader: the shipped models, overruled only by cues that name a concrete problem or a hazard."""

from __future__ import annotations

from collections.abc import Sequence

from flexloop.analyze.keyword_reader import COMPLAINT_ISSUES, STRONG, strong_cue_labels
from flexloop.analyze.model_reader import ModelReader
from flexloop.analyze.text import TextLabels
from flexloop.domain.vocab import IssueType

# Issue types whose cue phrases ("still not arrived", "arrived broken", "stopped working") are precise enough to
# overrule the models. Softer cues (a question mark, thanks, generic negative words) are not: on the team's
# held-out brand posts (data/training/issues_team_eval.csv) letting them decide cost 6 points of issue macro-F1
# and 24 of intent.
DECISIVE: frozenset[IssueType] = frozenset(issue for name, issue, _ in COMPLAINT_ISSUES if name in STRONG)


def decisive_cues(text: str, lang: str, safety: bool | None = None) -> TextLabels | None:
    """The cue reading of a post when it names a hazard or a concrete problem, else None (SAFETY: the post's
    safety flag when already known)."""
    return strong_cue_labels(text, lang, safety)  # the other cues are never computed: they would not decide


class CascadeReader:
    """The models for every post; safety and concrete-problem cues (delays, losses, defects) decide where they
    match."""

    name = "cues+models"

    def __init__(self, languages: Sequence[str] | None = None) -> None:
        self.models = ModelReader(languages)

    def read(self, texts: Sequence[str]) -> list[TextLabels]:
        modelled = self.models.read(texts)
        return [decisive_cues(t, m.lang, m.safety_risk) or m for t, m in zip(texts, modelled, strict=True)]
