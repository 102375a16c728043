"""Spike alerts in the pipeline: hourly series, the shipped detector, explanations, state across restarts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from flexloop.detect.latency_bench import StreamSpec, arrivals
from flexloop.detect.spike_flow import detect_spikes
from flexloop.detect.spikes import BRAND, BRAND_COMPLAINTS, HOUR, HourlyCounts, hour_of, top_terms
from flexloop.domain.records import Analysis
from flexloop.domain.vocab import Authenticity, EventType, Intent, IssueType, Sentiment
from flexloop.store.mentions_repo import store_preanalysed
from flexloop.store.tables import events

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def test_closed_hours_come_oldest_first_with_zeros_between() -> None:
    book = HourlyCounts()
    book.add("k", T0 + timedelta(minutes=10))
    book.add("k", T0 + timedelta(hours=3, minutes=5), 2)
    book.add("k", T0 + timedelta(hours=5))  # still open at 05:30
    now = T0 + timedelta(hours=5, minutes=30)
    h0 = hour_of(T0)
    assert book.due(now) == ["k"]
    assert book.closed("k", now, None) == [(h0, 1.0), (h0 + HOUR, 0.0), (h0 + 2 * HOUR, 0.0), (h0 + 3 * HOUR, 2.0)]
    assert book.closed("k", now, h0 + 3 * HOUR) == [] and book.due(now) == []
    assert book.due(now + timedelta(hours=1)) == ["k"]
    book.add("k", T0 + timedelta(hours=1))  # a late post for an hour already handed over
    book = HourlyCounts.from_json(json.loads(json.dumps(book.to_json())))
    later = T0 + timedelta(hours=7)
    assert book.closed("k", later, h0 + 3 * HOUR) == [(h0 + 4 * HOUR, 0.0), (h0 + 5 * HOUR, 1.0)]
    assert book.open == {} and book.due(later) == []


def test_top_terms_are_the_words_posts_share() -> None:
    posts = ["My lipstick melted in the heat", "lipstick melted again!!", "the box was fine but lipstick melted"]
    assert top_terms(posts, 2) == ["lipstick", "melted"]


def _analysis(mention_id: int) -> Analysis:
    return Analysis(
        mention_id,
        "en",
        Sentiment.NEGATIVE,
        0.9,
        True,
        IssueType.QUALITY_DEFECT,
        Intent.COMPLAINT,
        Authenticity.UNVERIFIED,
        False,
        "LIP-01",
        "TH",
    )


def _feed(store: Engine, hours: list[int], start_id: int = 1) -> list[list[dict[str, object]]]:
    """Store `hours[i]` posts in hour i and run detect_spikes once per hour; the spike payloads per hour."""
    out = []
    mid = start_id
    for h, n in enumerate(hours):
        at = T0 + timedelta(hours=h)
        batch = [_analysis(mid + i) for i in range(n)]
        with store.begin() as conn:
            store_preanalysed(
                conn, [(a.mention_id, at + timedelta(minutes=i % 60)) for i, a in enumerate(batch)], batch
            )
            fired = detect_spikes(conn, batch, [], at + timedelta(minutes=59))
        mid += n
        out.append([e.payload["spike"] for e in fired])
    return out


def test_a_burst_after_a_quiet_week_fires_one_explained_spike(store: Engine) -> None:
    quiet = [2, 3, 1, 2] * 42  # a week of 1-3 posts an hour
    per_hour = _feed(store, [*quiet, 40, 45, 2])
    fired = [(h, s) for h, spikes in enumerate(per_hour) for s in spikes]
    assert fired, "the burst must fire"
    hour, spike = fired[0]
    assert hour == len(quiet) + 1  # the burst hour is scored once it has finished; nothing in the quiet week
    assert spike["series"] in (BRAND, BRAND_COMPLAINTS, "quality_defect:LIP-01") and spike["observed"] == 40.0
    assert spike["expected"] < 5 and spike["top_terms"] == ["generated", "post"]
    assert len(spike["examples"]) == 3 and spike["hour_start"] == (T0 + timedelta(hours=len(quiet))).isoformat()
    with store.connect() as conn:
        stored = conn.execute(select(events.c.type).where(events.c.type == EventType.SPIKE_FIRED)).all()
    assert len(stored) == len(fired) == len({s["series"] for _, s in fired})  # the refractory period holds repeats


def test_the_generated_alert_stream_is_deterministic_and_bursty() -> None:
    spec = StreamSpec(rate=100, seconds=10, burst_every_s=5, burst_size=20, burst_span_s=2)
    a, b = list(arrivals(spec)), list(arrivals(spec))
    assert a == b and len(a) == 1000
    bursts = [x for x in a if x.product.startswith("BURST-")]
    assert len(bursts) == 40 and {x.product for x in bursts} == {"BURST-00000", "BURST-00001"}


def test_a_new_series_does_not_alert_before_its_warm_up(store: Engine) -> None:
    per_hour = _feed(store, [1, 0, 2, 30, 1, 0])
    assert per_hour == [[]] * 6
