"""Streaming windows agree with the batch rules, survive a JSON round trip, and take relabelled fakes back."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from flexloop.detect.incidents import Post, assess, first_alert_post
from flexloop.detect.windows import BUCKET_S, IncidentWindow
from flexloop.domain.vocab import IssueType, Tier

# On a bucket edge, so 5-minute buckets and the batch rule's exact hour agree for on-the-minute posts.
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
DELAY = IssueType.LOGISTICS_DELAY


def stream(seed: int, n: int) -> list[Post]:
    """Random in-order posts over ~10 days: quiet days, then a surge; several countries and platforms."""
    rng = random.Random(seed)
    at, out = T0, []
    for i in range(n):
        surge = i > n * 0.8
        at += timedelta(minutes=rng.choice([1, 5]) if surge else rng.choice([30, 60, 120, 300]))
        out.append(
            Post(
                i + 1,
                at,
                rng.choice(["tiktok", "amazon", "x"]),
                rng.choice(["US", "US", "US", "MX", "unknown"]),
                rng.choice([10, 5_000, 40_000]),
                complaint=rng.random() < 0.7,
                genuine=rng.random() < 0.8,
                safety=rng.random() < 0.01,
                negative=rng.random() < 0.5,
            )
        )
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_streaming_window_gives_the_batch_tiers_and_alert(seed: int) -> None:
    posts = stream(seed, 400)
    window = IncidentWindow()
    fired = []
    for i, p in enumerate(posts):
        if window.add(p):
            fired.append(p)
        if i % 7 == 0:
            window = IncidentWindow.from_json(json.loads(json.dumps(window.to_json())))  # a restart
        batch = assess(posts[: i + 1], DELAY, p.at)
        assert window.reading(DELAY, p.at) == batch, f"post {i}"
    assert fired == [first_alert_post(posts)]
    assert window.mentions == len(posts)
    assert window.negative == sum(p.negative for p in posts)


def test_retracting_a_relabelled_fake_undoes_its_counts() -> None:
    window = IncidentWindow()
    genuine = [
        Post(i, T0 + timedelta(minutes=i), "tiktok", c, 60_000, True, True, False) for i, c in [(1, "US"), (2, "MX")]
    ]
    for p in genuine:
        window.add(p)
    assert window.reading(DELAY, T0 + timedelta(hours=1)).tier is Tier.L2  # two countries, 120k reach
    assert window.retract(2) and not window.retract(2) and not window.retract(99)
    reading = window.reading(DELAY, T0 + timedelta(hours=1))
    assert (reading.tier, reading.genuine_complaints, reading.countries, reading.reach) == (Tier.L1, 1, ("US",), 60_000)
    assert window.complaints == 2  # the count alert counts fakes too, as in the StyleLink case


def test_old_buckets_and_retractable_posts_are_pruned() -> None:
    window = IncidentWindow()
    for day in range(20):
        window.add(Post(day, T0 + timedelta(days=day), "x", "US", 1, True, True, False))
    assert min(window.buckets) * BUCKET_S >= (T0 + timedelta(days=19 - 8)).timestamp()
    assert list(window.recent) == [19]
    assert window.genuine == 20
