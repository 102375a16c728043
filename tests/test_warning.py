"""Early warning: the indicators on hand-built data, the fusion rules, the rules file, the signal queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from flexloop.decide.flow import decide
from flexloop.detect.warning import (
    LaneDelay,
    LaneTemperature,
    Settings,
    TopicMention,
    cooled,
    delay_rate_pct,
    due,
    evaluate,
    growth_pct,
    hhi,
    in_topic,
    indicators,
    learned_normals,
    parse_rules,
    shares,
    shipped_rules,
    temperature_anomaly,
    week_counts,
)
from flexloop.detect.warning_flow import evaluate_warnings
from flexloop.errors import BadInput
from flexloop.ingest.normalise import order_row, shipment_row
from flexloop.ingest.schemas import OrderRow, ShipmentRow
from flexloop.store import signals_repo
from flexloop.store.ingest_repo import store_orders, store_shipments

NOW = datetime(2026, 4, 13, 12, tzinfo=UTC)
WEEK = timedelta(days=7)
MELT = ("melt", "meleleh", "ละลาย", "tan chảy")


def test_week_over_week_growth() -> None:
    times = [NOW - timedelta(days=d) for d in (1, 2, 3, 4, 5, 6)] + [NOW - timedelta(days=8 + d) for d in range(5)]
    assert week_counts(times, NOW, WEEK) == (6, 5)
    assert growth_pct(6, 5) == pytest.approx(20.0)
    assert growth_pct(115, 100) == pytest.approx(15.0)
    assert growth_pct(80, 100) == pytest.approx(-20.0)
    assert growth_pct(3, 0) == pytest.approx(200.0)  # a new topic grows from a base of one
    assert growth_pct(0, 0) == pytest.approx(-100.0)


def test_regional_concentration() -> None:
    assert shares({"ID": 3, "TH": 1}) == {"ID": 0.75, "TH": 0.25}
    assert hhi({"ID": 10}) == pytest.approx(1.0)
    assert hhi({"ID": 5, "TH": 5, "VN": 5, "MY": 5}) == pytest.approx(0.25)
    assert hhi({"ID": 3, "TH": 1}) == pytest.approx(0.625)
    assert hhi({}) == 0.0


def test_delay_rate() -> None:
    lanes = [LaneDelay("CN-US", "US", active=80, troubled=10, stuck=20), LaneDelay("CN-MX", "MX", 20, 0, 0)]
    assert delay_rate_pct(lanes[:1]) == pytest.approx(30.0)  # (10 + 20) / (80 + 20)
    assert delay_rate_pct(lanes) == pytest.approx(25.0)
    assert delay_rate_pct([]) is None


def test_temperature_anomaly_against_given_and_learned_normals() -> None:
    temps = [LaneTemperature("CN-TH", "TH", 30, 32.5), LaneTemperature("CN-VN", "VN", 10, 30.0)]
    assert temperature_anomaly(temps, {"CN-TH": 30.0}) == pytest.approx(2.5)
    assert temperature_anomaly(temps, {"CN-TH": 30.0, "CN-VN": 29.0}) == pytest.approx((2.5 * 30 + 1.0 * 10) / 40)
    assert temperature_anomaly(temps, {}) is None
    first = [LaneTemperature("CN-VN", "VN", 50, 28.0), LaneTemperature("CN-MY", "MY", 3, 20.0)]
    normals = learned_normals(first, {"CN-TH": 30.0}, min_readings=20)
    assert normals == {"CN-TH": 30.0, "CN-VN": 28.0}  # too few readings on CN-MY to learn from
    assert learned_normals([LaneTemperature("CN-TH", "TH", 99, 10.0)], {"CN-TH": 30.0}, 20) == {"CN-TH": 30.0}


def test_topic_keywords_in_any_language() -> None:
    assert in_topic("Does the Lipstick MELT in the heat?", MELT)
    assert in_topic("lipstik ini bakal meleleh nggak", MELT)
    assert in_topic("ลิปสติกจะละลายไหม", MELT)
    assert in_topic("son môi có bị tan chảy không", MELT)
    assert not in_topic("where is my order", MELT)


def _mentions(country: str, per_day_now: int, per_day_before: int, product: str = "LIP") -> list[TopicMention]:
    out = [TopicMention(NOW - timedelta(days=1 + i / per_day_now * 6), country, product, "will it melt?")
           for i in range(per_day_now * 1)] if per_day_now else []
    out += [TopicMention(NOW - timedelta(days=8 + i / per_day_before * 5), country, product, "does it melt")
            for i in range(per_day_before)] if per_day_before else []
    return out


def test_indicators_and_fusion() -> None:
    ms = _mentions("TH", 30, 24) + _mentions("VN", 30, 29) + [TopicMention(NOW, "TH", "LIP", "nice colour")]
    temps = [LaneTemperature("CN-TH", "TH", 40, 32.4), LaneTemperature("CN-VN", "VN", 40, 30.0)]
    delays = [LaneDelay("CN-TH", "TH", 100, 5, 0)]
    per = indicators(ms, MELT, delays, temps, {"CN-TH": 30.0, "CN-VN": 29.0}, NOW, WEEK)
    th, vn = per[("TH", "LIP")], per[("VN", "LIP")]
    assert th["topic_mentions"] == 30 and th["topic_mentions_before"] == 24
    assert th["topic_growth_pct"] == pytest.approx(25.0)
    assert th["country_share_pct"] == pytest.approx(50.0) and th["topic_hhi"] == pytest.approx(0.5)
    assert th["temperature_anomaly_c"] == pytest.approx(2.4) and th["delay_rate_pct"] == pytest.approx(5.0)
    assert vn["delay_rate_pct"] is None and vn["temperature_anomaly_c"] == pytest.approx(1.0)
    rule = next(r for r in shipped_rules().rules if r.id == "heat_melting")
    fired = evaluate(rule, per, {}, NOW)
    assert [(f.country, f.product) for f in fired] == [("TH", "LIP")]  # VN: growth 3%, only +1 °C
    assert evaluate(rule, per, {("TH", "LIP"): NOW - timedelta(hours=10)}, NOW) == []  # cooldown
    assert len(evaluate(rule, per, {("TH", "LIP"): NOW - timedelta(hours=rule.cooldown_hours)}, NOW)) == 1


def test_growth_without_heat_or_heat_without_growth_does_not_fire() -> None:
    rule = next(r for r in shipped_rules().rules if r.id == "heat_melting")
    ms = _mentions("TH", 40, 20)
    cool = indicators(ms, MELT, [], [LaneTemperature("CN-TH", "TH", 40, 30.5)], {"CN-TH": 30.0}, NOW, WEEK)
    assert evaluate(rule, cool, {}, NOW) == []
    flat = indicators(_mentions("TH", 30, 30), MELT, [], [LaneTemperature("CN-TH", "TH", 40, 33.0)],
                      {"CN-TH": 30.0}, NOW, WEEK)
    assert evaluate(rule, flat, {}, NOW) == []
    sparse = indicators(_mentions("TH", 40, 20), MELT, [], [LaneTemperature("CN-TH", "TH", 3, 34.0)],
                        {"CN-TH": 30.0}, NOW, WEEK, min_readings=30)
    assert sparse[("TH", "LIP")]["temperature_anomaly_c"] is None  # three hot parcels are not a heat wave
    assert evaluate(rule, sparse, {}, NOW) == []
    few = indicators(_mentions("TH", 6, 2), MELT, [], [LaneTemperature("CN-TH", "TH", 40, 33.0)],
                     {"CN-TH": 30.0}, NOW, WEEK)
    assert evaluate(rule, few, {}, NOW) == []  # under the minimum of 20 mentions a week


def test_evaluation_interval_and_cooldown_helpers() -> None:
    s = Settings(evaluate_every_minutes=60)
    assert due(None, NOW, s) and due(NOW - timedelta(minutes=60), NOW, s)
    assert not due(NOW - timedelta(minutes=30), NOW, s)
    rule = shipped_rules().rules[0]
    assert cooled(None, NOW, rule) and not cooled(NOW - timedelta(hours=1), NOW, rule)


def test_rules_file_is_validated() -> None:
    assert {r.id for r in shipped_rules().rules} >= {"heat_melting"}
    with pytest.raises(BadInput, match="unknown topic"):
        parse_rules("topics: {a: {keywords: {en: [x]}}}\nrules: [{id: r, topic: b, all: [{indicator: topic_mentions, "
                    "op: gte, value: 1}]}]")
    with pytest.raises(BadInput):
        parse_rules("topics: {}\nrules: [{id: r, topic: a, all: [{indicator: nope, op: gte, value: 1}]}]")


# --- the signal queries and the flow, on both back ends --------------------------------------------------


def _order(oid: str, lane: str, country: str) -> dict[str, object]:
    return order_row(OrderRow(id=oid, customer_handle="c" + oid, sku="LIP", qty=1, country=country, warehouse="W",
                              carrier="bw", lane=lane, status="shipped", created_at=NOW - timedelta(days=5),
                              value=10, currency="USD"))


def _scan(oid: str, lane: str, status: str, hours_ago: float, temp: float | None = None,
          revised: date | None = None) -> dict[str, object]:
    return shipment_row(ShipmentRow(tracking_number="T" + oid, order_id=oid, carrier="bw", lane=lane, status=status,
                                    at=NOW - timedelta(hours=hours_ago), temperature_c=temp, revised_delivery=revised))


def test_signal_queries(store: Engine) -> None:
    with store.begin() as conn:
        store_orders(conn, [_order(f"O{i}", "CN-TH", "TH") for i in range(5)])
        store_shipments(conn, [
            _scan("O0", "CN-TH", "in_transit", 10, 33.0),  # fine
            _scan("O1", "CN-TH", "delayed", 5, revised=date(2026, 4, 20)),  # troubled
            _scan("O2", "CN-TH", "in_transit", 20, 31.0, revised=date(2026, 4, 20)),  # re-dated
            _scan("O3", "CN-TH", "in_transit", 60),  # stuck: nothing for 60 h
            _scan("O4", "CN-TH", "in_transit", 70), _scan("O4", "CN-TH", "delivered", 50),  # delivered: not stuck
            _scan("O0", "CN-TH", "picked_up", 200, 29.0),  # learning period
        ])
        delays = signals_repo.lane_delays(conn, NOW, timedelta(hours=48), timedelta(hours=48))
        assert delays == [("CN-TH", "TH", 3, 2, 1)]
        assert delay_rate_pct([LaneDelay(*d) for d in delays]) == pytest.approx(75.0)
        temps = signals_repo.lane_temperatures(conn, NOW - timedelta(hours=24), NOW)
        assert temps == [("CN-TH", "TH", 2, pytest.approx(32.0))]
        first = signals_repo.first_temperatures(conn, 2, NOW)
        assert first == [("CN-TH", "TH", 1, pytest.approx(29.0))]


def test_flow_fires_once_and_respects_the_interval(store: Engine) -> None:
    from flexloop.analyze.text import default_reader
    from flexloop.ingest.normalise import mention_row
    from flexloop.ingest.schemas import MentionRow
    from flexloop.pipeline import Runtime, run_batch
    from flexloop.store.ingest_repo import store_mentions

    rules = parse_rules("""
settings: {min_temperature_readings: 1}
topics: {melting: {keywords: {en: [melt]}}}
normals_c: {CN-TH: 30.0}
rules:
  - {id: heat_melting, topic: melting, cooldown_hours: 72, all: [
      {indicator: topic_mentions, op: gte, value: 3}, {indicator: topic_growth_pct, op: gte, value: 15},
      {indicator: temperature_anomaly_c, op: gte, value: 2}]}
""")
    posts = [(f"n{i}", NOW - timedelta(days=1 + i * 0.5)) for i in range(5)] + [("old", NOW - timedelta(days=9))]
    with store.begin() as conn:
        store_orders(conn, [_order("O1", "CN-TH", "TH")])
        store_shipments(conn, [_scan("O1", "CN-TH", "in_transit", 3, 32.5)])
        store_mentions(conn, [mention_row(MentionRow(platform="tiktok", native_id=n, author_handle="a" + n,
                                                     text="will the lipstick melt?", created_at=at, country="TH"))
                              for n, at in posts])
    rt = Runtime(reader=default_reader(["en"]), aliases={"lipstick": "LIP"})
    run_batch(store, rt, NOW - timedelta(hours=2))  # analyse the posts (the shipped rules see no heat: no fire)
    with store.begin() as conn:
        first = evaluate_warnings(conn, NOW, rules)
        again = evaluate_warnings(conn, NOW + timedelta(minutes=30), rules)  # within the hour: not evaluated
        later = evaluate_warnings(conn, NOW + timedelta(hours=2), rules)  # evaluated, but in cooldown
    assert [e.payload["warning"]["country"] for e in first] == ["TH"]
    w = first[0].payload
    assert w["warning"]["rule"] == "heat_melting" and w["warning"]["product"] == "LIP"
    assert w["warning"]["indicators"]["topic_mentions"] == 5
    assert w["incident"] == {"product": "LIP", "countries": ["TH"], "issue_type": "quality_defect", "tier": "none"}
    assert again == [] and later == []
    with store.begin() as conn:  # the warning reaches decide: the heat playbook answers it
        planned = decide(conn, first, NOW)
    plans = [e for e in planned if e.type == "plan_proposed"]
    assert [p.payload["playbook"] for p in plans] == ["glowtech_heat"]
    assert plans[0].payload["scope"]["countries"] == ["TH"]
