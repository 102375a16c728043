"""Incidents: keys, the count alert, and tiers with hysteresis, as pure functions of an incident's posts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flexloop.domain.records import Analysis, Mention
from flexloop.domain.vocab import (
    MAINSTREAM_PLATFORMS,
    NON_INCIDENT_ISSUES,
    SUSPECTED,
    IssueType,
    Sentiment,
    Tier,
)


@dataclass(frozen=True, slots=True)
class TierPolicy:
    """The loop's tier rules; shipped defaults, configurable per brand."""

    alert_complaints: int = 15
    alert_window: timedelta = timedelta(hours=24)
    l2_complaints: int = 50
    l2_countries: int = 2
    l2_reach: int = 100_000
    mainstream: tuple[str, ...] = MAINSTREAM_PLATFORMS
    l3_rate_ratio: float = 10.0
    baseline_days: int = 7
    deescalate_after: timedelta = timedelta(hours=12)


POLICY = TierPolicy()


@dataclass(frozen=True, slots=True)
class Post:
    """The slice of a mention and its analysis that detection reads."""

    mention_id: int
    at: datetime
    platform: str
    country: str
    followers: int
    complaint: bool
    genuine: bool
    safety: bool
    negative: bool = False

    @classmethod
    def of(cls, m: Mention, a: Analysis) -> Post:
        assert m.id is not None
        return cls.of_parts(m.id, m.created_at, m.platform, m.author_followers, a)

    @classmethod
    def of_parts(cls, mention_id: int, at: datetime, platform: str, followers: int, a: Analysis) -> Post:
        """From the few mention fields detection reads (a narrow store read) and the analysis."""
        return cls(
            mention_id,
            at,
            platform,
            a.country,
            followers,
            a.complaint,
            a.authenticity not in SUSPECTED,
            a.safety_risk,
            a.sentiment is Sentiment.NEGATIVE,
        )


@dataclass(frozen=True, slots=True)
class TierReading:
    tier: Tier
    reasons: tuple[str, ...]
    genuine_complaints: int
    countries: tuple[str, ...]
    reach: int


@dataclass
class IncidentState:
    """What persists between batches for one incident."""

    tier: Tier = Tier.NONE
    alerted_at: datetime | None = None
    lower_since: datetime | None = None
    history: list[dict[str, str]] = field(default_factory=list)


def incident_key(a: Analysis) -> str | None:
    """One incident per (issue type, product); praise and other open none."""
    if a.issue_type in NON_INCIDENT_ISSUES:
        return None
    return f"{a.issue_type.value}:{a.product}"


def complaints_in_window(posts: Sequence[Post], at: datetime, policy: TierPolicy = POLICY) -> int:
    """Every complaint (suspected fakes included, as in the StyleLink case) in (at - window, at]."""
    start = at - policy.alert_window
    return sum(1 for p in posts if p.complaint and start < p.at <= at)


def first_alert_post(posts: Sequence[Post], policy: TierPolicy = POLICY) -> Post | None:
    """The post whose arrival makes the sliding-window count reach the threshold, if any."""
    complaints = [p for p in posts if p.complaint]
    for i, p in enumerate(complaints):
        start = p.at - policy.alert_window
        if sum(1 for q in complaints[: i + 1] if q.at > start) >= policy.alert_complaints:
            return p
    return None


def _hourly_spike(genuine: Sequence[Post], at: datetime, policy: TierPolicy) -> bool:
    """Complaints in the last hour at least ratio × the hourly rate of the baseline days before it."""
    if not genuine or genuine[0].at > at - timedelta(days=policy.baseline_days):
        return False  # no full baseline yet: a new incident is graded by the other rules
    hour = at - timedelta(hours=1)
    last_hour = sum(1 for p in genuine if hour < p.at <= at)
    base_start = hour - timedelta(days=policy.baseline_days)
    base = sum(1 for p in genuine if base_start < p.at <= hour) / (policy.baseline_days * 24)
    return base > 0 and last_hour >= policy.l3_rate_ratio * base


def assess(posts: Sequence[Post], issue: IssueType, at: datetime, policy: TierPolicy = POLICY) -> TierReading:
    """The tier the rules give now, counting genuine complaints only."""
    genuine = [p for p in posts if p.complaint and p.genuine and p.at <= at]
    countries = tuple(sorted({p.country for p in genuine if p.country != "unknown"}))
    reach = sum(p.followers for p in genuine if p.platform in policy.mainstream)
    safety = any(p.safety for p in genuine)
    return tier_of(issue, len(genuine), countries, reach, safety, _hourly_spike(genuine, at, policy), policy)


def tier_of(
    issue: IssueType,
    genuine: int,
    countries: tuple[str, ...],
    reach: int,
    safety: bool,
    hourly_spike: bool,
    policy: TierPolicy = POLICY,
) -> TierReading:
    """The tier rules over an incident's genuine complaints: L3 safety or surge, L2 spread, else L1."""
    reasons: list[str] = []
    if safety or (issue is IssueType.SAFETY_RISK and genuine):
        reasons.append("genuine safety-risk complaint")
    if hourly_spike:
        reasons.append(f"hourly complaints >= {policy.l3_rate_ratio:g}x the {policy.baseline_days}-day baseline")
    if reasons:
        return TierReading(Tier.L3, tuple(reasons), genuine, countries, reach)
    if genuine >= policy.l2_complaints:
        reasons.append(f">= {policy.l2_complaints} genuine complaints")
    if len(countries) >= policy.l2_countries:
        reasons.append(f"{len(countries)} countries")
    if reach >= policy.l2_reach:
        reasons.append(f"mainstream reach {reach} >= {policy.l2_reach}")
    if reasons:
        return TierReading(Tier.L2, tuple(reasons), genuine, countries, reach)
    tier = Tier.L1 if genuine else Tier.NONE
    return TierReading(tier, ("genuine complaints in one country",) if genuine else (), genuine, countries, reach)


def next_tier(state: IncidentState, reading: TierReading, at: datetime, policy: TierPolicy = POLICY) -> Tier | None:
    """Escalate at once; de-escalate only after the lower tier held for a while (hysteresis). None = no change."""
    if reading.tier.rank > state.tier.rank:
        state.lower_since = None
        return reading.tier
    if reading.tier.rank < state.tier.rank:
        if state.lower_since is None:
            state.lower_since = at
        elif at - state.lower_since >= policy.deescalate_after:
            state.lower_since = None
            return reading.tier
        return None
    state.lower_since = None
    return None
