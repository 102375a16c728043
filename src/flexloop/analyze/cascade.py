"""The pipeline's reader: team-written cue lexicons decide where they match, the shipped models everywhere else."""

from __future__ import annotations

from collections.abc import Sequence

from flexloop.analyze.keyword_reader import cue_labels
from flexloop.analyze.model_reader import ModelReader
from flexloop.analyze.text import TextLabels


class CascadeReader:
    """High-precision cues first (delays, losses, defects, safety, thanks, questions); the models for the rest."""

    name = "cues+models"

    def __init__(self, languages: Sequence[str] | None = None) -> None:
        self.models = ModelReader(languages)

    def read(self, texts: Sequence[str]) -> list[TextLabels]:
        modelled = self.models.read(texts)
        return [cue_labels(t, m.lang) or m for t, m in zip(texts, modelled, strict=True)]
