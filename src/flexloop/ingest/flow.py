"""Ingest a file into the store in batches: stored, duplicates and quarantined rows are all accounted for."""

from __future__ import annotations

import io
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from flexloop.errors import BadInput
from flexloop.ingest.normalise import Prepared, prepare
from flexloop.ingest.parse import Parsed, Pending, sniff_format, split_csv, split_jsonl
from flexloop.store.ingest_repo import WRITERS, store_quarantine

BATCH = 10_000
MAX_LISTED_ERRORS = 100
# Below this size a file is validated in-process: starting workers would cost more than it saves.
PARALLEL_FROM_BYTES = 8 << 20


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


def _flush(engine: Engine, kind: str, name: str, batch: Prepared, now: datetime, s: IngestSummary) -> None:
    with engine.begin() as conn:
        stored, dups = WRITERS[kind](conn, batch.rows) if batch.rows else (0, 0)
        store_quarantine(conn, kind, name, batch.bad, now)
    s.stored += stored
    s.duplicates += dups
    s.quarantined += len(batch.bad)
    room = MAX_LISTED_ERRORS - len(s.errors)
    s.errors.extend({"line": ln, "reason": why} for ln, _raw, why in batch.bad[: max(room, 0)])


def _prepared(kind: str, batches: Iterable[list[Pending | Parsed]], workers: int) -> Iterator[Prepared]:
    """Validate batches in order: in worker processes (a bounded window ahead of the writer) or in-process."""
    if workers < 1:
        yield from (prepare(kind, b) for b in batches)
        return
    spawn = multiprocessing.get_context("spawn")  # no fork of a process holding database connections
    with ProcessPoolExecutor(workers, mp_context=spawn) as pool:
        window: deque[Future[Prepared]] = deque()
        for b in batches:
            window.append(pool.submit(prepare, kind, b))
            if len(window) > 2 * workers:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


def ingest_file(
    engine: Engine,
    kind: str,
    path: Path,
    now: datetime,
    on_progress: Callable[[int], None] | None = None,
    workers: int = 0,
) -> IngestSummary:
    """Stream PATH as KIND into the store; a wrong file raises BadInput before anything is stored.

    Rows are validated by WORKERS processes when the file is large (0: in this process); writes stay
    in this process, in file order, one transaction per batch.
    """
    if kind not in WRITERS:
        raise BadInput(f"unknown kind {kind!r}; choose one of {', '.join(WRITERS)}")
    size = path.stat().st_size
    with path.open("rb") as raw:
        fmt = sniff_format(path.name, raw.read(8192))
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        split = split_jsonl if fmt == "jsonl" else split_csv
        rows = split(kind, str(path), text)
        first = next(rows, None)  # a wrong file fails here, before any worker starts
        batches = _batches(_chain(first, rows))
        summary = IngestSummary()
        last = 0
        name = str(path.resolve())
        for batch in _prepared(kind, batches, workers if size >= PARALLEL_FROM_BYTES else 0):
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


def _chain(first: Pending | Parsed | None, rest: Iterator[Pending | Parsed]) -> Iterator[Pending | Parsed]:
    if first is not None:
        yield first
        yield from rest
