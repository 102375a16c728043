"""Ingest a file into the store in batches: stored, duplicates and quarantined rows are all accounted for."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from flexloop.errors import BadInput
from flexloop.ingest.normalise import MENTION_COLUMNS, mention_values, prepare, to_store_row
from flexloop.ingest.parse import Parsed, Pending, sniff_format, split_csv, split_jsonl
from flexloop.ingest.schemas import MentionRow
from flexloop.store.ingest_repo import WRITERS, store_mention_values, store_quarantine

BATCH = 10_000
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
    engine: Engine, kind: str, name: str, batch: list[Pending | Parsed], now: datetime, s: IngestSummary
) -> None:
    """Validate one batch and store it in one transaction: good rows, and the bad ones in quarantine."""
    good, bad = prepare(kind, batch)
    with engine.begin() as conn:
        if kind == "mentions":  # the bulk path: value tuples, no dict per row
            values = [mention_values(m) for m in good if isinstance(m, MentionRow)]
            stored, dups = store_mention_values(conn, MENTION_COLUMNS, values)
        else:
            stored, dups = WRITERS[kind](conn, [to_store_row(kind, m) for m in good]) if good else (0, 0)
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
    size = path.stat().st_size
    with path.open("rb") as raw:
        fmt = sniff_format(path.name, raw.read(8192))
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        split = split_jsonl if fmt == "jsonl" else split_csv
        summary = IngestSummary()
        last = 0
        name = str(path.resolve())
        for batch in _batches(split(kind, str(path), text)):
            _flush(engine, kind, name, batch, now, summary)
            if on_progress:
                pos = raw.tell()
                on_progress(pos - last)
                last = pos
        if on_progress:
            on_progress(size - last)
    return summary


def _batches(rows: Iterator[Pending | Parsed]) -> Iterator[list[Pending | Parsed]]:
    while batch := list(islice(rows, BATCH)):
        yield batch
