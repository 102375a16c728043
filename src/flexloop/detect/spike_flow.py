"""Spike alerts in the pipeline: count analysed posts per hour, feed finished hours to the detectors, log spike_fired.

The detector is the benchmark's (`SpikeDetector` with the parameters shipped in detector.toml); its
state and the open hours live in the state table, so a restart resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from flexloop.detect.incidents import incident_key
from flexloop.detect.spike import SpikeDetector, SpikeReading, load_params
from flexloop.detect.spikes import (
    BRAND,
    BRAND_COMPLAINTS,
    HOUR,
    MAX_SPIKES_PER_BATCH,
    HourlyCounts,
    as_time,
    spike_payload,
)
from flexloop.domain.records import Analysis, Event
from flexloop.domain.vocab import SUSPECTED, EventType
from flexloop.store import mentions_repo, state_repo
from flexloop.store.events import append_events

SERIES_KEY = "spike_series"
# A series alerts only once its baselines have four days behind them (NAB's probation, in hours),
# and only on an hour with enough posts to act on (4 or 5 posts after days of none is rare, not an incident;
# the baseline drills have such hours, GlowTech's melting chatter reaches 7).
WARM_UP_HOURS = 96
MIN_OBSERVED = 6


def _complaint_series(a: Analysis) -> str | None:
    """The incident series a genuine complaint counts in; None for anything else."""
    return incident_key(a) if a.complaint and a.authenticity not in SUSPECTED else None


def count_posts(
    book: HourlyCounts, fresh: Sequence[Analysis], relabelled: Sequence[Analysis], times: dict[int, datetime]
) -> None:
    """Count new posts brand-wide and genuine complaints per incident; take back those now judged fake."""
    for a in fresh:
        at = times[a.mention_id]
        book.add(BRAND, at)
        series = _complaint_series(a)
        if series:
            book.add(series, at)
            book.add(BRAND_COMPLAINTS, at)
    for a in relabelled:
        key = incident_key(a)
        if key and a.complaint and a.mention_id in times:
            book.add(key, times[a.mention_id], -1.0)
            book.add(BRAND_COMPLAINTS, times[a.mention_id], -1.0)


def _feed(conn: Connection, book: HourlyCounts, series: str, now: datetime) -> list[SpikeReading]:
    """Hand the finished hours of a series to its detector; the rising readings that fired after warm-up."""
    key = f"spike:{series}"
    raw = state_repo.read_state(conn, key) or {}
    points = book.closed(series, now, raw.get("fed"))
    if not points:
        return []
    det = SpikeDetector.from_state(raw["detector"], load_params()) if raw else SpikeDetector(load_params())
    seen = int(raw.get("points", 0))
    fired = []
    for hour, value in points:
        r = det.update(as_time(hour), value)
        seen += 1
        if r.fired and r.observed > r.expected and r.observed >= MIN_OBSERVED and seen > WARM_UP_HOURS:
            fired.append(r)
    state_repo.write_state(conn, key, {"fed": points[-1][0], "points": seen, "detector": det.to_state()}, now)
    return fired


def _event(conn: Connection, series: str, r: SpikeReading, now: datetime) -> Event:
    hour = int(r.at.timestamp())
    incident = None if series in (BRAND, BRAND_COMPLAINTS) else series
    examples = mentions_repo.texts_between(conn, r.at, as_time(hour + HOUR), incident)
    payload = spike_payload(series, hour, r.observed, r.expected, r.score, examples)
    trace = f"tr-spike-{series}-{r.at:%Y%m%dT%H}"
    return Event(EventType.SPIKE_FIRED, now, trace, subject=series, incident_id=incident, payload=payload)


def detect_spikes(
    conn: Connection, fresh: Sequence[Analysis], relabelled: Sequence[Analysis], now: datetime
) -> list[Event]:
    """Update the hourly series with this batch, score the hours that finished, append the spike alerts."""
    book = HourlyCounts.from_json(state_repo.read_state(conn, SERIES_KEY))
    times = mentions_repo.post_times(conn, [a.mention_id for a in [*fresh, *relabelled]])
    count_posts(book, fresh, relabelled, times)
    fired: list[tuple[str, SpikeReading]] = []
    for series in book.due(now):
        fired += [(series, r) for r in _feed(conn, book, series, now)]
    state_repo.write_state(conn, SERIES_KEY, book.to_json(), now)
    fired.sort(key=lambda sr: -sr[1].score)
    events = [_event(conn, s, r, now) for s, r in fired[:MAX_SPIKES_PER_BATCH]]
    if len(fired) > MAX_SPIKES_PER_BATCH:
        extra: list[dict[str, Any]] = [
            {"series": s, "hour_start": r.at.isoformat(), "observed": r.observed}
            for s, r in fired[MAX_SPIKES_PER_BATCH:]
        ]
        events[-1].payload["spike"]["also"] = extra  # rate limit: listed, not alerted one by one
    append_events(conn, events)
    return events
