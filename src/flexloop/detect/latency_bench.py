"""Alert latency of the detect stage under a paced stream of pre-analysed mentions (`flexloop bench detect`).

Mentions arrive at a fixed rate on the wall clock (business time = wall time since the start). Most are
praise, questions or scattered complaints over thousands of (issue, product) keys, so they never reach
the count alert; every few seconds one new key gets a burst of complaints, so alerts keep coming. Each
tick stores what arrived since the last one (mentions and their analyses) and runs the detect stage on
it in one transaction. An alert's latency is the wall time from the arrival of the mention that crossed
the threshold to the commit that stored the alert event, backlog included.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Engine

from flexloop.detect.flow import detect
from flexloop.detect.incidents import POLICY
from flexloop.detect.spike_flow import detect_spikes
from flexloop.domain.records import Analysis
from flexloop.domain.vocab import Authenticity, EventType, Intent, IssueType, Sentiment
from flexloop.store.mentions_repo import store_preanalysed

T0 = datetime(2026, 11, 2, tzinfo=UTC)
ISSUES = (IssueType.LOGISTICS_DELAY, IssueType.QUALITY_DEFECT, IssueType.LOST_OR_DAMAGED, IssueType.BILLING_REFUND)


@dataclass(frozen=True)
class StreamSpec:
    """The generated stream: rate, length, background mix and the bursts that make alerts."""

    rate: float = 2000.0
    seconds: float = 600.0
    products: int = 5000
    complaint_share: float = 0.03
    burst_every_s: float = 2.0
    burst_size: int = 20
    burst_span_s: float = 2.0
    seed: int = 7


@dataclass(frozen=True, slots=True)
class Arrival:
    """One pre-analysed mention and when it arrives (seconds after the start)."""

    offset: float
    mention_id: int
    issue: IssueType
    product: str
    complaint: bool


def arrivals(spec: StreamSpec) -> Iterator[Arrival]:
    """The stream in arrival order: evenly paced background plus the bursts, deterministic per seed."""
    rng = random.Random(spec.seed)
    n = int(spec.rate * spec.seconds)
    burst_every = max(1, int(spec.burst_every_s * spec.rate))
    burst_gap = spec.burst_span_s / spec.burst_size
    bursting: list[tuple[float, int]] = []  # (time of the next burst post, posts left) of the burst under way
    for i in range(n):
        offset = i / spec.rate
        if i % burst_every == 0:
            bursting = [(offset, spec.burst_size)]
            burst_key = f"BURST-{i // burst_every:05d}"
        if bursting and bursting[0][0] <= offset:
            at, left = bursting[0]
            bursting = [(at + burst_gap, left - 1)] if left > 1 else []
            yield Arrival(offset, i + 1, IssueType.LOGISTICS_DELAY, burst_key, True)
            continue
        complaint = rng.random() < spec.complaint_share
        issue = rng.choice(ISSUES) if complaint else IssueType.PRAISE
        yield Arrival(offset, i + 1, issue, f"SKU-{rng.randrange(spec.products):05d}", complaint)


def _analysis(a: Arrival) -> Analysis:
    return Analysis(
        mention_id=a.mention_id,
        lang="en",
        sentiment=Sentiment.NEGATIVE if a.complaint else Sentiment.POSITIVE,
        sentiment_confidence=0.9,
        complaint=a.complaint,
        issue_type=a.issue,
        intent=Intent.COMPLAINT if a.complaint else Intent.PRAISE,
        authenticity=Authenticity.UNVERIFIED,
        safety_risk=False,
        product=a.product,
        country="US",
    )


def run(
    engine: Engine, spec: StreamSpec, tick_s: float = 0.1, on_progress: Callable[[float], None] | None = None
) -> dict[str, Any]:
    """Pace the stream through the detect stage; latency percentiles of every count alert and of each tick."""
    stream = arrivals(spec)
    pending = next(stream, None)
    arrived: dict[int, float] = {}
    latencies: list[float] = []
    ticks: list[float] = []
    start = time.perf_counter()
    while pending is not None:
        elapsed = time.perf_counter() - start
        batch: list[Arrival] = []
        while pending is not None and pending.offset <= elapsed:
            batch.append(pending)
            pending = next(stream, None)
        if batch:
            t = time.perf_counter()
            alerts = _tick(engine, batch, T0 + timedelta(seconds=elapsed))
            done = time.perf_counter() - start
            ticks.append(time.perf_counter() - t)
            for a in batch:
                if a.complaint:
                    arrived[a.mention_id] = a.offset
            latencies += [done - arrived[m] for m in alerts]
            if on_progress:
                on_progress(done)
        time.sleep(max(0.0, tick_s - (time.perf_counter() - start - elapsed)))
    wall = time.perf_counter() - start
    return _report(spec, latencies, ticks, wall)


def _tick(engine: Engine, batch: list[Arrival], now: datetime) -> list[int]:
    """Store one tick's mentions with their analyses and run detect; the mention ids that fired alerts."""
    analyses = [_analysis(a) for a in batch]
    with engine.begin() as conn:
        store_preanalysed(conn, [(a.mention_id, T0 + timedelta(seconds=a.offset)) for a in batch], analyses)
        events = detect(conn, analyses, [], now) + detect_spikes(conn, analyses, [], now)
    return [int(e.payload["mention_id"]) for e in events if e.type == EventType.ALERT_FIRED]


def _ms(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)) * 1000, 1) if values else None


def _report(spec: StreamSpec, latencies: list[float], ticks: list[float], wall: float) -> dict[str, Any]:
    n = int(spec.rate * spec.seconds)
    return {
        "rate": spec.rate,
        "seconds": spec.seconds,
        "mentions": n,
        "achieved_rate": round(n / wall, 1),
        "alerts": len(latencies),
        "expected_alerts": int(spec.seconds / spec.burst_every_s) if spec.burst_size >= POLICY.alert_complaints else 0,
        "alert_latency_ms": {"p50": _ms(latencies, 50), "p99": _ms(latencies, 99), "max": _ms(latencies, 100)},
        "tick_ms": {"p50": _ms(ticks, 50), "p99": _ms(ticks, 99), "n": len(ticks)},
        "wall_s": round(wall, 2),
    }
