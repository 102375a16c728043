"""Detect core: incident keys, the 15-complaint sliding-window alert, tiers and tier hysteresis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from flexloop.detect.incidents import (
    POLICY,
    IncidentState,
    Post,
    TierPolicy,
    TierReading,
    assess,
    first_alert_post,
    incident_key,
    next_tier,
)
from flexloop.domain.records import Analysis
from flexloop.domain.vocab import Authenticity, Intent, IssueType, Sentiment, Tier

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
DELAY = IssueType.LOGISTICS_DELAY


def analysis(issue: IssueType, product: str = "NECK-LUX-01") -> Analysis:
    return Analysis(
        mention_id=1,
        lang="en",
        sentiment=Sentiment.NEGATIVE,
        sentiment_confidence=0.8,
        complaint=issue not in (IssueType.PRAISE, IssueType.OTHER),
        issue_type=issue,
        intent=Intent.COMPLAINT,
        authenticity=Authenticity.UNVERIFIED,
        safety_risk=False,
        product=product,
        country="US",
    )


_ids = iter(range(1, 1_000_000))


def post(
    at: datetime,
    *,
    complaint: bool = True,
    genuine: bool = True,
    country: str = "US",
    platform: str = "amazon",
    followers: int = 10,
    safety: bool = False,
) -> Post:
    return Post(next(_ids), at, platform, country, followers, complaint, genuine, safety)


def spaced(n: int, step: timedelta, start: datetime = T0, **kw: Any) -> list[Post]:
    return [post(start + i * step, **kw) for i in range(n)]


# --- incident keys -------------------------------------------------------------------------------


@pytest.mark.parametrize("issue", [IssueType.PRAISE, IssueType.OTHER])
def test_praise_and_other_open_no_incident(issue: IssueType) -> None:
    assert incident_key(analysis(issue)) is None


@pytest.mark.parametrize(
    "issue",
    [i for i in IssueType if i not in (IssueType.PRAISE, IssueType.OTHER)],
)
def test_incident_key_is_issue_and_product(issue: IssueType) -> None:
    assert incident_key(analysis(issue, "GLOW-SER-02")) == f"{issue.value}:GLOW-SER-02"


def test_incident_key_differs_by_product_and_issue() -> None:
    a = incident_key(analysis(DELAY, "A-1"))
    b = incident_key(analysis(DELAY, "B-2"))
    c = incident_key(analysis(IssueType.QUALITY_DEFECT, "A-1"))
    assert len({a, b, c}) == 3


# --- the count alert -----------------------------------------------------------------------------


def test_fifteenth_complaint_in_24h_fires() -> None:
    posts = spaced(20, timedelta(hours=1))
    fired = first_alert_post(posts)
    assert fired is posts[14]


def test_fourteen_complaints_do_not_fire() -> None:
    assert first_alert_post(spaced(14, timedelta(minutes=5))) is None


def test_suspected_fakes_count_towards_the_alert() -> None:
    posts = spaced(10, timedelta(minutes=10), genuine=False) + spaced(
        5, timedelta(minutes=10), start=T0 + timedelta(hours=2)
    )
    assert first_alert_post(posts) is posts[14]


def test_complaints_spread_over_more_than_24h_do_not_fire() -> None:
    # 20 complaints two hours apart: never more than 12 in any 24 h window.
    assert first_alert_post(spaced(20, timedelta(hours=2))) is None
    # 15 complaints spread over 25 h: the first has left the window when the 15th arrives.
    assert first_alert_post(spaced(15, timedelta(minutes=25 * 60 / 14))) is None


def test_window_slides_later_burst_fires() -> None:
    early = spaced(10, timedelta(minutes=1))  # old, outside the window of the later burst
    late = spaced(15, timedelta(minutes=1), start=T0 + timedelta(days=2))
    fired = first_alert_post(early + late)
    assert fired is late[14]


def test_non_complaints_are_ignored_by_the_alert() -> None:
    posts: list[Post] = []
    for i in range(30):
        posts.append(post(T0 + timedelta(minutes=2 * i), complaint=False))
    complaints = spaced(14, timedelta(minutes=3))
    merged = sorted(posts + complaints, key=lambda p: p.at)
    assert first_alert_post(merged) is None
    extra = post(T0 + timedelta(hours=1, minutes=30))
    merged = sorted([*posts, *complaints, extra], key=lambda p: p.at)
    assert first_alert_post(merged) is extra


def test_alert_threshold_is_configurable() -> None:
    posts = spaced(5, timedelta(minutes=1))
    assert first_alert_post(posts, TierPolicy(alert_complaints=3)) is posts[2]


# --- tiers ---------------------------------------------------------------------------------------


def at_end(posts: list[Post]) -> datetime:
    return max(p.at for p in posts) + timedelta(minutes=1)


def test_no_genuine_complaints_is_no_tier() -> None:
    posts = spaced(3, timedelta(minutes=1), complaint=False)
    assert assess(posts, DELAY, at_end(posts)).tier is Tier.NONE


def test_l1_one_country_under_50_genuine() -> None:
    posts = spaced(49, timedelta(minutes=1))
    r = assess(posts, DELAY, at_end(posts))
    assert r.tier is Tier.L1
    assert r.genuine_complaints == 49
    assert r.countries == ("US",)


def test_l2_at_50_genuine_complaints() -> None:
    posts = spaced(50, timedelta(minutes=1))
    r = assess(posts, DELAY, at_end(posts))
    assert r.tier is Tier.L2
    assert r.genuine_complaints == 50


def test_l2_at_two_countries() -> None:
    posts = [post(T0, country="US"), post(T0 + timedelta(minutes=1), country="MX")]
    r = assess(posts, DELAY, at_end(posts))
    assert r.tier is Tier.L2
    assert r.countries == ("MX", "US")


def test_unknown_country_is_not_a_second_country() -> None:
    posts = [post(T0, country="US"), post(T0 + timedelta(minutes=1), country="unknown")]
    assert assess(posts, DELAY, at_end(posts)).tier is Tier.L1


def test_l2_at_mainstream_reach_on_tiktok() -> None:
    posts = [post(T0, platform="tiktok", followers=60_000), post(T0, platform="tiktok", followers=40_000)]
    r = assess(posts, DELAY, at_end(posts))
    assert r.tier is Tier.L2
    assert r.reach == 100_000


def test_reach_just_under_threshold_stays_l1() -> None:
    posts = [post(T0, platform="tiktok", followers=99_999)]
    assert assess(posts, DELAY, at_end(posts)).tier is Tier.L1


def test_reach_on_non_mainstream_platform_does_not_count() -> None:
    posts = [post(T0, platform="amazon", followers=5_000_000), post(T0, platform="shopify", followers=900_000)]
    r = assess(posts, DELAY, at_end(posts))
    assert r.tier is Tier.L1
    assert r.reach == 0


def test_fakes_count_for_nothing_in_tiers() -> None:
    fakes = spaced(120, timedelta(minutes=1), genuine=False, platform="tiktok", followers=500_000)
    fakes += [post(T0, genuine=False, country=c) for c in ("MX", "BR", "DE")]
    fakes += [post(T0, genuine=False, safety=True)]
    one_real = [post(T0 + timedelta(minutes=5))]
    r = assess(fakes + one_real, DELAY, at_end(fakes))
    assert r.tier is Tier.L1
    assert r.genuine_complaints == 1
    assert r.countries == ("US",)
    assert r.reach == 0
    assert assess(fakes, DELAY, at_end(fakes)).tier is Tier.NONE


def test_l3_on_a_genuine_safety_post() -> None:
    posts = [post(T0), post(T0 + timedelta(minutes=1), safety=True)]
    r = assess(posts, DELAY, at_end(posts))
    assert r.tier is Tier.L3
    assert r.reasons


def test_l3_on_a_genuine_complaint_in_a_safety_incident() -> None:
    posts = [post(T0)]
    assert assess(posts, IssueType.SAFETY_RISK, at_end(posts)).tier is Tier.L3


def test_posts_after_the_assessment_time_are_not_counted() -> None:
    posts = spaced(60, timedelta(minutes=1))
    r = assess(posts, DELAY, T0 + timedelta(minutes=9))
    assert r.genuine_complaints == 10
    assert r.tier is Tier.L1


def _baseline_history() -> tuple[list[Post], datetime]:
    """One complaint at T0, then one every 6 h for 7 days: 28 in the 7-day baseline (1/6 per hour)."""
    history = [post(T0)] + [post(T0 + timedelta(hours=6 * k)) for k in range(1, 29)]
    at = T0 + timedelta(days=7, hours=1)
    return history, at


def test_l3_on_hourly_rate_ten_times_the_baseline() -> None:
    history, at = _baseline_history()
    burst = [post(at - timedelta(minutes=20)), post(at - timedelta(minutes=10))]  # 2/h >= 10 x 1/6
    r = assess(history + burst, DELAY, at)
    assert r.tier is Tier.L3
    assert r.genuine_complaints < 50


def test_hourly_rate_under_ten_times_baseline_is_not_l3() -> None:
    history, at = _baseline_history()
    burst = [post(at - timedelta(minutes=10))]  # 1/h < 10 x 1/6
    assert assess(history + burst, DELAY, at).tier is Tier.L1


def test_no_rate_l3_without_seven_days_of_history() -> None:
    at = T0 + timedelta(days=7, hours=1)
    history = [post(at - timedelta(days=6, hours=23)), post(at - timedelta(days=3))]
    burst = spaced(20, timedelta(minutes=2), start=at - timedelta(minutes=50))
    r = assess(history + burst, DELAY, at)
    assert r.tier is Tier.L1


def test_default_policy_figures() -> None:
    assert POLICY.alert_complaints == 15
    assert POLICY.alert_window == timedelta(hours=24)
    assert POLICY.l2_complaints == 50
    assert POLICY.l2_reach == 100_000
    assert "tiktok" in POLICY.mainstream


# --- hysteresis ----------------------------------------------------------------------------------


def reading(tier: Tier) -> TierReading:
    return TierReading(tier, (), 1, ("US",), 0)


def test_escalation_is_immediate() -> None:
    state = IncidentState(tier=Tier.L1)
    assert next_tier(state, reading(Tier.L3), T0) is Tier.L3
    state = IncidentState(tier=Tier.NONE)
    assert next_tier(state, reading(Tier.L2), T0) is Tier.L2


def test_same_tier_is_no_change() -> None:
    state = IncidentState(tier=Tier.L2)
    assert next_tier(state, reading(Tier.L2), T0) is None


def test_deescalation_waits_for_the_lower_reading_to_hold() -> None:
    state = IncidentState(tier=Tier.L2)
    hold = POLICY.deescalate_after
    assert next_tier(state, reading(Tier.L1), T0) is None
    assert next_tier(state, reading(Tier.L1), T0 + hold / 2) is None
    assert next_tier(state, reading(Tier.L1), T0 + hold - timedelta(seconds=1)) is None
    assert next_tier(state, reading(Tier.L1), T0 + hold) is Tier.L1


def test_a_flap_back_up_resets_the_deescalation_clock() -> None:
    state = IncidentState(tier=Tier.L2)
    hold = POLICY.deescalate_after
    assert next_tier(state, reading(Tier.L1), T0) is None
    assert next_tier(state, reading(Tier.L2), T0 + hold / 2) is None  # back up: clock resets
    restart = T0 + hold / 2 + timedelta(minutes=1)
    assert next_tier(state, reading(Tier.L1), restart) is None
    assert next_tier(state, reading(Tier.L1), T0 + hold + timedelta(minutes=5)) is None  # held < hold since restart
    assert next_tier(state, reading(Tier.L1), restart + hold) is Tier.L1


def test_deescalation_hold_is_configurable() -> None:
    policy = TierPolicy(deescalate_after=timedelta(minutes=30))
    state = IncidentState(tier=Tier.L3)
    assert next_tier(state, reading(Tier.L1), T0, policy) is None
    assert next_tier(state, reading(Tier.L1), T0 + timedelta(minutes=29), policy) is None
    assert next_tier(state, reading(Tier.L1), T0 + timedelta(minutes=30), policy) is Tier.L1
