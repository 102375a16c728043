"""Ingest a file into the store in batches: stored, duplicates and quarantined rows are all accounted for."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from flexloop.errors import BadInput
from flexloop.ingest.normalise import to_store_row
from flexloop.ingest.parse import Parsed, read_csv, read_jsonl, sniff_format
from flexloop.store.ingest_repo import WRITERS, store_quarantine

BATCH = 2000
MAX_LISTED_ERRORS = 100


@dataclass
class IngestSummary:
    """What happened to every row of one file."""

    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "stored": self.stored,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "errors": self.errors,
        }


def _flush(
    engine: Engine, kind: str, name: str, batch: list[Parsed], now: datetime, s: IngestSummary
) -> None:
    good = [to_store_row(kind, p.row) for p in batch if p.row is not None]
    bad = [(p.line, p.raw, p.reason or "invalid row") for p in batch if p.row is None]
    with engine.begin() as conn:
        stored, dups = WRITERS[kind](conn, good) if good else (0, 0)
        store_quarantine(conn, kind, name, bad, now)
    s.stored += stored
    s.duplicates += dups
    s.quarantined += len(bad)
    room = MAX_LISTED_ERRORS - len(s.errors)
    s.errors.extend({"line": ln, "reason": why} for ln, _raw, why in bad[: max(room, 0)])


def ingest_file(
    engine: Engine, kind: str, path: Path, now: datetime, on_progress: Callable[[int], None] | None = None
) -> IngestSummary:
    """Stream PATH as KIND into the store; a wrong file raises BadInput before anything is stored."""
    if kind not in WRITERS:
        raise BadInput(f"unknown kind {kind!r}; choose one of {', '.join(WRITERS)}")
    with path.open("rb") as raw:
        fmt = sniff_format(path.name, raw.read(8192))
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        reader = read_jsonl if fmt == "jsonl" else read_csv
        summary = IngestSummary()
        batch: list[Parsed] = []
        last = 0
        name = str(path.resolve())
        for parsed in reader(kind, str(path), text):
            batch.append(parsed)
            if len(batch) >= BATCH:
                _flush(engine, kind, name, batch, now, summary)
                batch.clear()
                if on_progress:
                    pos = raw.tell()
                    on_progress(pos - last)
                    last = pos
        if batch:
            _flush(engine, kind, name, batch, now, summary)
        if on_progress:
            on_progress(path.stat().st_size - last)
    return summary
