"""End-to-end latency of the embedded runner under a paced stream of raw posts (`flexloop bench pipeline`).

Posts in several languages (the drill templates, half naming an order id) arrive at a fixed rate on the
wall clock and are stored as a connector would store them; every tick the embedded runner runs one batch
(analyze with the shipped reader, detect, decide, act, measure) and commits. A post's latency is the wall
time from its arrival to the commit of the batch that analysed it, backlog included.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, select

from flexloop.analyze.text import TextReader
from flexloop.pipeline import Runtime, run_batch
from flexloop.sim.scenario import texts
from flexloop.store.ingest_repo import store_mentions
from flexloop.store.tables import mentions

T0 = datetime(2026, 11, 2, tzinfo=UTC)
PRODUCT = "glow necklace"


@dataclass(frozen=True)
class PipelineSpec:
    rate: float = 1000.0
    seconds: float = 60.0
    seed: int = 7


def _templates() -> list[str]:
    return [t for by_lang in texts().values() for lines in by_lang.values() for t in lines]


def _posts(first: int, last: int, templates: list[str], rng: np.random.Generator) -> list[dict[str, Any]]:
    """Store rows of posts first..last-1 (their arrival order is their id)."""
    rows: list[dict[str, Any]] = []
    for i in range(first, last):
        order = f" #SL-{int(rng.integers(100_000, 999_999))}" if rng.random() < 0.5 else ""
        text = templates[int(rng.integers(len(templates)))].format(
            product=PRODUCT, order=order, days=int(rng.integers(3, 15))
        )
        rows.append(
            {
                "key": f"bench:{i}",
                "platform": "tiktok",
                "native_id": str(i),
                "author_handle": f"u{i}",
                "author_account_created": None,
                "author_followers": int(rng.integers(0, 5000)),
                "text": text,
                "created_at": T0,
                "country": "US",
                "url": None,
                "in_reply_to": None,
                "product_hints": [],
                "metrics": {},
                "analyzed": False,
            }
        )
    return rows


def run(
    engine: Engine,
    reader: TextReader,
    spec: PipelineSpec,
    tick_s: float = 0.2,
    on_progress: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """Pace the stream through run_batch; latency percentiles of every post analysed while it ran."""
    rng = np.random.default_rng(spec.seed)
    templates = _templates()
    rt = Runtime(reader=reader, aliases={PRODUCT: "NECK-LUX-01"})
    total = int(spec.rate * spec.seconds)
    stored = done = 0
    latencies: list[float] = []
    start = time.perf_counter()
    while done < total and time.perf_counter() - start < 3 * spec.seconds:
        elapsed = time.perf_counter() - start
        due = min(total, int(elapsed * spec.rate))
        if due > stored:
            rows = _posts(stored, due, templates, rng)
            for r in rows:
                r["created_at"] = T0 + timedelta(seconds=int(r["native_id"]) / spec.rate)
            with engine.begin() as conn:
                store_mentions(conn, rows)
            stored = due
        run_batch(engine, rt, T0 + timedelta(seconds=elapsed + 1))
        with engine.connect() as conn:
            now_done = int(conn.execute(select(func.count()).where(mentions.c.analyzed.is_(True))).scalar_one())
        finished = time.perf_counter() - start
        latencies += [finished - i / spec.rate for i in range(done, now_done)]
        done = now_done
        if on_progress:
            on_progress(finished)
        time.sleep(max(0.0, tick_s - (time.perf_counter() - start - elapsed)))
    wall = time.perf_counter() - start
    return {
        "rate": spec.rate,
        "seconds": spec.seconds,
        "posts": total,
        "analysed": done,
        "throughput": round(done / wall, 1),
        "latency_ms": {
            "p50": round(float(np.percentile(latencies, 50)) * 1000, 1) if latencies else None,
            "p99": round(float(np.percentile(latencies, 99)) * 1000, 1) if latencies else None,
        },
        "wall_s": round(wall, 2),
    }
