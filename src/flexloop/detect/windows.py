"""Streaming windows: an incident's counts kept up to date post by post, so grading never re-reads its history.

A window holds cumulative totals (mentions, complaints, negatives, genuine complaints, mainstream reach,
countries, safety), genuine complaints per 5-minute bucket for the last baseline days (the L3 surge rule),
the complaint times of the last alert window until the count alert has fired, and the genuine complaints
of the last hours by mention id, so a later burst that turns them into suspected fakes can take them
back. It is plain JSON (`to_json`/`from_json`), stored with the incident, and gives the same alert post
and tiers as the batch rules in `incidents.py` for posts that arrive in time order (the surge rule's
last hour to 5-minute resolution).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flexloop.detect.incidents import POLICY, Post, TierPolicy, TierReading, tier_of
from flexloop.domain.vocab import IssueType

BUCKET_S = 300
# A burst relabels posts up to this old (the analyze stage looks back 2 hours); keep a margin.
RETRACT_WINDOW = timedelta(hours=3)


def _epoch(at: datetime) -> float:
    return at.timestamp()


def _bucket(t: float) -> int:
    return int(t // BUCKET_S)


@dataclass
class IncidentWindow:
    """Streaming counts of one incident (or of the whole brand), JSON-serialisable."""

    mentions: int = 0
    complaints: int = 0
    negative: int = 0
    genuine: int = 0
    reach: int = 0
    safety: int = 0
    countries: dict[str, int] = field(default_factory=dict)
    buckets: dict[int, int] = field(default_factory=dict)  # genuine complaints per 5-minute bucket
    first_genuine: float | None = None
    pending: list[float] = field(default_factory=list)  # complaint times in the alert window, until it fires
    alerted: bool = False
    recent: dict[int, tuple[float, str, int, bool]] = field(default_factory=dict)  # id -> (at, country, reach, safety)
    latest: float = 0.0

    def add(self, post: Post, policy: TierPolicy = POLICY) -> bool:
        """Count one new post; True when it is the complaint that makes the count alert fire."""
        t = _epoch(post.at)
        self.latest = max(self.latest, t)
        self.mentions += 1
        self.negative += post.negative
        fires = False
        if post.complaint:
            self.complaints += 1
            fires = self._count_alert(t, policy)
            if post.genuine:
                reach = post.followers if post.platform in policy.mainstream else 0
                self._genuine(post.mention_id, t, post.country, reach, post.safety, +1)
        self._prune(policy)
        return fires

    def retract(self, mention_id: int) -> bool:
        """A genuine complaint was relabelled a suspected fake: take it out of the genuine counts."""
        entry = self.recent.pop(mention_id, None)
        if entry is None:
            return False
        t, country, reach, safety = entry
        self._genuine(None, t, country, reach, safety, -1)
        return True

    def reading(self, issue: IssueType, at: datetime, policy: TierPolicy = POLICY) -> TierReading:
        """The tier the rules give at `at` from the counts (genuine complaints only)."""
        countries = tuple(sorted(c for c, n in self.countries.items() if n > 0 and c != "unknown"))
        surge = self._hourly_spike(_epoch(at), policy)
        return tier_of(issue, self.genuine, countries, self.reach, self.safety > 0, surge, policy)

    # ----- internals ---------------------------------------------------------------------------
    def _count_alert(self, t: float, policy: TierPolicy) -> bool:
        if self.alerted:
            return False
        bisect.insort(self.pending, t)
        window = policy.alert_window.total_seconds()
        self.pending = [p for p in self.pending if p > self.pending[-1] - window]
        if len(self.pending) >= policy.alert_complaints:
            self.alerted, self.pending = True, []
            return True
        return False

    def _genuine(self, mid: int | None, t: float, country: str, reach: int, safety: bool, sign: int) -> None:
        self.genuine += sign
        self.reach += sign * reach
        self.safety += sign * int(safety)
        self.countries[country] = self.countries.get(country, 0) + sign
        b = _bucket(t)
        self.buckets[b] = self.buckets.get(b, 0) + sign
        if sign > 0:
            self.first_genuine = t if self.first_genuine is None else min(self.first_genuine, t)
            if mid is not None:
                self.recent[mid] = (t, country, reach, safety)

    def _prune(self, policy: TierPolicy) -> None:
        keep_from = self.latest - RETRACT_WINDOW.total_seconds()
        if self.recent and min(v[0] for v in self.recent.values()) < keep_from:
            self.recent = {k: v for k, v in self.recent.items() if v[0] >= keep_from}
        oldest = _bucket(self.latest - (policy.baseline_days * 24 + 2) * 3600)
        if self.buckets and min(self.buckets) < oldest:
            self.buckets = {b: n for b, n in self.buckets.items() if b >= oldest}

    def _hourly_spike(self, t: float, policy: TierPolicy) -> bool:
        """Genuine complaints in the last hour >= ratio x the hourly rate of the baseline days before it."""
        days = policy.baseline_days
        if self.first_genuine is None or self.first_genuine > t - days * 86400:
            return False
        hour = _bucket(t - 3600)
        last = sum(n for b, n in self.buckets.items() if hour < b <= _bucket(t))
        base = sum(n for b, n in self.buckets.items() if hour - days * 24 * 12 < b <= hour) / (days * 24)
        return base > 0 and last >= policy.l3_rate_ratio * base

    # ----- persistence -------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (bucket and mention ids become string keys)."""
        return {
            "mentions": self.mentions,
            "complaints": self.complaints,
            "negative": self.negative,
            "genuine": self.genuine,
            "reach": self.reach,
            "safety": self.safety,
            "countries": self.countries,
            "buckets": {str(b): n for b, n in self.buckets.items()},
            "first_genuine": self.first_genuine,
            "pending": self.pending,
            "alerted": self.alerted,
            "recent": {str(k): list(v) for k, v in self.recent.items()},
            "latest": self.latest,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> IncidentWindow:
        """Rebuild from to_json(); None or {} gives an empty window."""
        if not raw:
            return cls()
        return cls(
            mentions=int(raw["mentions"]),
            complaints=int(raw["complaints"]),
            negative=int(raw["negative"]),
            genuine=int(raw["genuine"]),
            reach=int(raw["reach"]),
            safety=int(raw["safety"]),
            countries={str(k): int(v) for k, v in raw["countries"].items()},
            buckets={int(k): int(v) for k, v in raw["buckets"].items()},
            first_genuine=raw.get("first_genuine"),
            pending=[float(v) for v in raw["pending"]],
            alerted=bool(raw["alerted"]),
            recent={int(k): (float(v[0]), str(v[1]), int(v[2]), bool(v[3])) for k, v in raw["recent"].items()},
            latest=float(raw["latest"]),
        )

