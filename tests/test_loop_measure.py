"""Measure core: KPIs computed from a hand-built event log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flexloop.domain.records import Event
from flexloop.domain.vocab import EventType
from flexloop.measure.kpis import kpis

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def ev(kind: EventType, seconds: float, **payload: Any) -> Event:
    return Event(kind.value, T0 + timedelta(seconds=seconds), "trace-1", payload=payload)


def test_alert_to_first_action_seconds() -> None:
    events = [
        ev(EventType.ACTION_EXECUTED, -100, type="hold"),  # before the alert: not a response to it
        ev(EventType.ALERT_FIRED, 0),
        ev(EventType.ACTION_EXECUTED, 60, type="reply"),  # replies are not supply-chain adjustments
        ev(EventType.ACTION_EXECUTED, 900, type="switch_carrier"),
        ev(EventType.ACTION_EXECUTED, 300, type="hold"),
        ev(EventType.ALERT_FIRED, 600),  # a later alert does not move the clock
    ]
    assert kpis(events)["alert_to_first_action_s"] == 300.0


def test_no_alert_or_no_action_gives_no_time() -> None:
    assert kpis([ev(EventType.ACTION_EXECUTED, 10, type="hold")])["alert_to_first_action_s"] is None
    assert kpis([ev(EventType.ALERT_FIRED, 0)])["alert_to_first_action_s"] is None


def test_coverage_from_plan_proposed_payloads() -> None:
    events = [
        ev(EventType.PLAN_PROPOSED, 10, scope={"affected_orders": 40}, covered_orders=30),
        ev(EventType.PLAN_PROPOSED, 20, scope={"affected_orders": 10}, covered_orders=10),
        ev(EventType.ACTION_QUEUED, 30, scope={"affected_orders": 999}, covered_orders=0),  # not a plan
    ]
    assert kpis(events)["coverage_pct"] == 80.0


def test_coverage_without_affected_orders_is_none() -> None:
    plan = ev(EventType.PLAN_PROPOSED, 0, scope={"affected_orders": 0}, covered_orders=0)
    assert kpis([plan])["coverage_pct"] is None


def test_sla_met_and_breached() -> None:
    events = [ev(EventType.SLA_MET, i) for i in range(3)] + [
        ev(EventType.SLA_BREACHED, 10),
        ev(EventType.SLA_STARTED, 0),
        ev(EventType.SLA_WARNING, 5),
        ev(EventType.SLA_VOIDED, 6),
    ]
    got = kpis(events)
    assert got["sla_met"] == 3
    assert got["sla_breached"] == 1
    assert got["sla_met_pct"] == 75.0


def test_sla_pct_rounds_to_two_decimals() -> None:
    events = [ev(EventType.SLA_MET, 0), ev(EventType.SLA_BREACHED, 1), ev(EventType.SLA_BREACHED, 2)]
    assert kpis(events)["sla_met_pct"] == 33.33


def test_complaint_to_positive_conversion() -> None:
    events = [
        ev(EventType.REPLY_PUBLISHED, 10, author="ana", complaint=True),
        ev(EventType.REPLY_PUBLISHED, 11, author="ben", complaint=True),
        ev(EventType.REPLY_PUBLISHED, 12, author="cai", complaint=False),  # a question, not a complaint
        ev(EventType.REPLY_PUBLISHED, 13, author="dia", complaint=True),
        ev(EventType.REPLY_PUBLISHED, 14, author="ana", complaint=True),  # second reply to the same author
        ev(EventType.FOLLOW_UP_POSITIVE, 100, author="ana"),
        ev(EventType.FOLLOW_UP_POSITIVE, 101, author="ana"),
        ev(EventType.FOLLOW_UP_POSITIVE, 102, author="cai"),  # not a complainant
        ev(EventType.FOLLOW_UP_POSITIVE, 103, author="eve"),  # never replied to
        ev(EventType.FOLLOW_UP_POSITIVE, 104, author="dia"),
    ]
    got = kpis(events)
    assert got["complaint_to_positive_pct"] == 66.67  # ana and dia of ana, ben, dia
    assert got["replied_authors"] == 4


def test_empty_log() -> None:
    assert kpis([]) == {
        "alert_to_first_action_s": None,
        "coverage_pct": None,
        "sla_met_pct": None,
        "sla_met": 0,
        "sla_breached": 0,
        "complaint_to_positive_pct": None,
        "replied_authors": 0,
    }


def test_full_loop_log() -> None:
    events = [
        ev(EventType.MENTION_INGESTED, -60),
        ev(EventType.ALERT_FIRED, 0),
        ev(EventType.PLAN_PROPOSED, 30, scope={"affected_orders": 8}, covered_orders=6),
        ev(EventType.ACTION_APPROVED, 200),
        ev(EventType.ACTION_EXECUTED, 300, type="move_to_warehouse"),
        ev(EventType.REPLY_PUBLISHED, 400, author="ana", complaint=True),
        ev(EventType.SLA_MET, 400),
        ev(EventType.FOLLOW_UP_POSITIVE, 9000, author="ana"),
    ]
    got = kpis(events)
    assert got["alert_to_first_action_s"] == 300.0
    assert got["coverage_pct"] == 75.0
    assert got["sla_met_pct"] == 100.0
    assert got["complaint_to_positive_pct"] == 100.0
