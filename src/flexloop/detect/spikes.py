"""Hourly series for the spike detector, and how a spike explains itself (pure; I/O in spike_flow.py).

The pipeline keeps one series per incident key (genuine complaints per hour) and two brand-wide
(analysed mentions, genuine complaints per hour). Counts of the current hour stay open; once the clock
has left an hour it is handed to that series' detector, with the quiet hours in between as zeros, so
every detector sees one point per hour, as the shipped parameters assume.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

BRAND = "brand"  # every analysed mention of the brand
BRAND_COMPLAINTS = "brand:complaints"  # genuine complaints of the brand, whatever the incident
HOUR = 3600
MAX_GAP_HOURS = 24 * 28  # a series silent for longer resumes with its last four weeks of zeros
MAX_SPIKES_PER_BATCH = 5  # more in one batch are listed in the last alert instead of alerting apart

_TOKEN = re.compile(r"[^\W\d_][\w'’-]{2,}", re.UNICODE)
_COMMON_WORDS = """
the and for you your this that with was are not but have has had from they them its it's our out get got
just all can will would what when where who why how been were one more very too also than
que los las por para una con del pero como mas más muy esta este eso não uma com mais mas muito isso
les des une est pas pour qui avec sur dans der die das und ist nicht mit ein eine ich
yang dan ini itu saya tidak ada untuk dengan sudah
"""
_STOP = frozenset(_COMMON_WORDS.split())


def hour_of(at: datetime) -> int:
    """The epoch second starting the clock hour that holds `at`."""
    return int(at.timestamp()) // HOUR * HOUR


def as_time(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


@dataclass
class HourlyCounts:
    """Per series, the counts of hours not yet handed to its detector (the last hour handed over is the
    detector's to keep, so this stays as small as the series active in the last hour)."""

    open: dict[str, dict[int, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_hour: dict[int, set[str]] = {}  # open hour -> series with counts in it (not stored)
        for series, counts in self.open.items():
            for hour in counts:
                self._by_hour.setdefault(hour, set()).add(series)

    def add(self, series: str, at: datetime, delta: float = 1.0) -> None:
        """Count at `at`."""
        hour = hour_of(at)
        counts = self.open.setdefault(series, {})
        counts[hour] = counts.get(hour, 0.0) + delta
        self._by_hour.setdefault(hour, set()).add(series)

    def due(self, now: datetime) -> list[str]:
        """Series with counts in an hour that has finished by `now`."""
        current = hour_of(now)
        return sorted({s for hour, names in self._by_hour.items() if hour < current for s in names})

    def closed(self, series: str, now: datetime, fed: int | None) -> list[tuple[int, float]]:
        """Take the finished hours after `fed` (the last hour handed over), zeros between, oldest first.

        Counts for hours already handed over (late posts) are dropped: their point is in the past.
        """
        counts = self.open.get(series, {})
        current = hour_of(now)
        done = sorted(h for h in counts if h < current)
        for h in done:
            names = self._by_hour.get(h, set())
            names.discard(series)
            if not names:
                self._by_hour.pop(h, None)
        last = done[-1] if done else None
        if last is None or (fed is not None and last <= fed):
            for h in done:
                del counts[h]
            self._tidy(series)
            return []
        start = fed + HOUR if fed is not None else done[0]
        start = max(start, last - (MAX_GAP_HOURS - 1) * HOUR)
        points = [(h, max(counts.get(h, 0.0), 0.0)) for h in range(start, last + HOUR, HOUR)]
        for h in done:
            del counts[h]
        self._tidy(series)
        return points

    def _tidy(self, series: str) -> None:
        """Forget a series with no open hours left."""
        if not self.open.get(series):
            self.open.pop(series, None)

    def to_json(self) -> dict[str, Any]:
        return {"open": {s: {str(h): n for h, n in c.items()} for s, c in self.open.items()}}

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> HourlyCounts:
        raw = raw or {}
        return cls({s: {int(h): float(n) for h, n in c.items()} for s, c in raw.get("open", {}).items()})


def top_terms(texts: Iterable[str], k: int = 5) -> list[str]:
    """The words most posts of a spike share (document frequency, common words left out)."""
    df: Counter[str] = Counter()
    for text in texts:
        words = {w.lower() for w in _TOKEN.findall(text) if not w.startswith("http")}
        df.update(words - _STOP)
    ranked = sorted(df.items(), key=lambda wn: (-wn[1], wn[0]))  # ties in alphabetical order: stable output
    return [w for w, n in ranked[:k] if n > 1] or [w for w, _ in ranked[: min(k, 3)]]


def spike_payload(
    series: str,
    hour: int,
    observed: float,
    expected: float,
    score: float,
    examples: list[tuple[int, str]],
) -> dict[str, Any]:
    """What an alert says about itself: which series and hour, expected vs observed, terms, examples."""
    return {
        "spike": {
            "series": series,
            "measure": "mentions per hour" if series == BRAND else "genuine complaints per hour",
            "hour_start": as_time(hour).isoformat(),
            "hour_end": as_time(hour + HOUR).isoformat(),
            "observed": observed,
            "expected": round(expected, 3),
            "score": round(score, 3),
            "top_terms": top_terms(text for _, text in examples),
            "examples": [{"mention_id": i, "text": t[:280]} for i, t in examples[:3]],
        }
    }
