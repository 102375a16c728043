"""ZenSpace: calendar advisories in the loop, the Middle East holiday playbook, and the Ramadan drill."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine

from flexloop.decide.advisory_flow import (
    STATE_KEY,
    advisory_events,
    due,
    exposure,
    issue_advisories,
    payload,
    still_ahead,
    subject,
)
from flexloop.decide.calendar import CalendarEvent, advisories
from flexloop.decide.playbooks import matching, shipped
from flexloop.domain.records import Carrier, Warehouse
from flexloop.domain.vocab import EventType, OrderStatus
from flexloop.ingest.normalise import network_row, order_row
from flexloop.ingest.schemas import CarrierRow, OrderRow, WarehouseRow
from flexloop.sim.drill import run_drill
from flexloop.store import state_repo
from flexloop.store.events import read_events
from flexloop.store.ingest_repo import store_network, store_orders

RAMADAN_2027 = date(2027, 2, 8)


# --- the drill -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[Any]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('zenspace') / 'drill.db'}"
    out = run_drill("zenspace", 1, database_url=url)
    engine = create_engine(url)
    with engine.connect() as conn:
        events = read_events(conn, types=[EventType.ADVISORY_ISSUED, EventType.PLAN_PROPOSED])
    engine.dispose()
    return out, events


def test_drill_issues_the_ramadan_advisory_fourteen_days_ahead(drill: tuple[dict[str, Any], list[Any]]) -> None:
    report, events = drill
    assert len(report["advisories"]) == 1
    adv = report["advisories"][0]
    assert adv["name"] == "Ramadan" and adv["starts_in_days"] == 14
    assert adv["at"] == "2027-01-25T00:00:00+00:00" and adv["countries"] == ["AE", "SA"]
    assert 150 <= adv["open_orders"] <= 450  # about a day of unshipped orders at 300 a day
    issued = [e for e in events if e.type == EventType.ADVISORY_ISSUED]
    assert len(issued) == 1
    body = issued[0].payload["advisory"]
    assert body["start"] == RAMADAN_2027.isoformat() and body["end"] == "2027-03-08"
    assert {"CN-SA", "CN-AE"} <= set(body["lanes"])
    assert body["warehouses"] == ["AE-DXB-LOCAL"]
    assert body["open_orders"] == adv["open_orders"]
    assert issued[0].payload["incident"] == {"product": "ZEN-DIFF-01", "countries": ["AE", "SA"],
                                             "issue_type": "other", "tier": "none"}


def test_drill_proposes_the_zenspace_holiday_plan(drill: tuple[dict[str, Any], list[Any]]) -> None:
    report, events = drill
    advisory = next(e for e in events if e.type == EventType.ADVISORY_ISSUED)
    plans = [e for e in events if e.type == EventType.PLAN_PROPOSED]
    assert [p.payload["playbook"] for p in plans] == ["zenspace_holiday"]
    plan = plans[0]
    assert plan.trace_id == advisory.trace_id and plan.at == advisory.at
    assert plan.payload["scope"]["affected_orders"] == advisory.payload["advisory"]["open_orders"]
    kinds = {a["type"]: a["orders"] for a in plan.payload["actions"]}
    assert kinds["packaging_flag"] == advisory.payload["advisory"]["open_orders"]
    assert "move_to_warehouse" in kinds
    done = {a["type"] for a in report["actions"] if a["status"] == "executed"}
    assert done >= {"packaging_flag", "move_to_warehouse"}
    assert report["mentions"] == 0


# --- the flow against a store (SQLite and PostgreSQL) --------------------------------------------


def _seed(engine: Engine, at: datetime) -> None:
    network: list[WarehouseRow | CarrierRow] = [
        WarehouseRow(kind="warehouse", id="CN-SZ", country="CN", stock={"ZEN-DIFF-01": 500}, daily_capacity=100),
        WarehouseRow(kind="warehouse", id="AE-DXB-LOCAL", country="AE", stock={"ZEN-DIFF-01": 50},
                     daily_capacity=40),
        CarrierRow(kind="carrier", id="gulfline", lanes=["CN-SA", "CN-AE", "CN-US"], cost_per_order=2.8,
                   transit_days=12, daily_capacity=500, kg_co2e_per_tkm=0.016),
    ]
    orders = [
        OrderRow(id=f"Z-{i:03d}", customer_handle=f"c{i}", sku="ZEN-DIFF-01" if i % 4 else "ZEN-MAT-02", qty=1,
                 country="SA" if i % 2 else "AE", warehouse="CN-SZ", carrier="gulfline",
                 lane="CN-SA" if i % 2 else "CN-AE",
                 status=OrderStatus.PROCESSING if i < 10 else OrderStatus.SHIPPED,
                 created_at=at - timedelta(hours=i), value=39.0, currency="USD")
        for i in range(12)
    ]
    with engine.begin() as conn:
        store_network(conn, [network_row(r) for r in network])
        store_orders(conn, [order_row(r) for r in orders])


def test_advisory_once_per_event_even_when_run_twice_a_day(store: Engine) -> None:
    morning = datetime(2027, 1, 25, 6, tzinfo=UTC)
    _seed(store, morning)
    with store.begin() as conn:
        assert issue_advisories(conn, ["SA", "AE"], morning - timedelta(days=1)) == []  # 15 days ahead
    with store.begin() as conn:
        first = issue_advisories(conn, ["sa", "AE"], morning)
    with store.begin() as conn:
        again = issue_advisories(conn, ["SA", "AE"], morning + timedelta(hours=12))
    with store.begin() as conn:
        later = issue_advisories(conn, ["SA", "AE"], morning + timedelta(days=1))
        logged = read_events(conn, types=[EventType.ADVISORY_ISSUED])
        saved = state_repo.read_state(conn, STATE_KEY)
    assert [e.payload["advisory"]["name"] for e in first] == ["Ramadan"]
    assert first[0].payload["advisory"]["starts_in_days"] == 14
    assert first[0].payload["advisory"]["open_orders"] == 10
    assert first[0].payload["advisory"]["lanes"] == ["CN-AE", "CN-SA"]
    assert first[0].payload["advisory"]["warehouses"] == ["AE-DXB-LOCAL"]
    assert first[0].payload["incident"]["product"] == "ZEN-DIFF-01"
    assert again == [] and later == []
    assert len(logged) == 1 and logged[0].subject == "adv-ramadan-20270208"
    assert saved == {"last_day": "2027-01-26", "issued": ["religious:Ramadan:2027-02-08"]}


def test_no_countries_no_advisories(store: Engine) -> None:
    with store.begin() as conn:
        assert issue_advisories(conn, [], datetime(2027, 1, 25, tzinfo=UTC)) == []
        assert state_repo.read_state(conn, STATE_KEY) is None


def test_state_is_replaced_not_duplicated(store: Engine) -> None:
    at = datetime(2027, 1, 1, tzinfo=UTC)
    with store.begin() as conn:
        state_repo.write_state(conn, "k", {"a": 1}, at)
        state_repo.write_state(conn, "k", {"a": 2}, at + timedelta(days=1))
        assert state_repo.read_state(conn, "k") == {"a": 2}
        assert state_repo.read_state(conn, "missing") is None


# --- pure parts ----------------------------------------------------------------------------------


def _ramadan(countries: list[str]) -> list[CalendarEvent]:
    return [CalendarEvent("Ramadan", "religious", c, RAMADAN_2027, date(2027, 3, 8), "Shorter hours.")
            for c in countries]


def test_exposure_indexes_lanes_warehouses_and_open_orders() -> None:
    carriers = [Carrier(id="c", lanes=("CN-SA", "CN-US"), cost_per_order=1, transit_days=5, daily_capacity=10,
                        kg_co2e_per_tkm=0.01)]
    houses = [Warehouse(id="DXB", country="AE", stock={}, daily_capacity=5),
              Warehouse(id="NJ", country="US", stock={}, daily_capacity=5)]
    rows = [("AE", "A", "CN-AE", 3), ("SA", "B", "CN-SA", 5), ("AE", "B", "CN-AE", 1), ("US", "A", "CN-US", 9)]
    ex = exposure({"AE", "SA"}, carriers, houses, rows)
    assert ex.lanes == {"SA": ["CN-SA"], "AE": ["CN-AE"]}
    assert ex.warehouses == {"AE": ["DXB"]}
    assert ex.open_by_country() == {"AE": 4, "SA": 5}
    assert ex.top_product(["AE", "SA"]) == "B" and ex.top_product(["AE"]) == "A"
    assert ex.top_product(["QA"]) == "unknown"


def test_due_and_pruning() -> None:
    today = date(2027, 1, 25)
    assert due(None, today) and due({"last_day": "2027-01-24"}, today)
    assert not due({"last_day": "2027-01-25"}, today) and not due({"last_day": "2027-01-26"}, today)
    keys = ["religious:Ramadan:2027-02-08", "public_holiday:New Year's Day:2027-01-01",
            "religious:Eid al-Fitr:2027-03-09"]
    assert still_ahead(keys, today) == ["religious:Eid al-Fitr:2027-03-09", "religious:Ramadan:2027-02-08"]


def test_payload_matches_the_zenspace_playbook_and_fits_plan_ids() -> None:
    adv = advisories(_ramadan(["SA", "AE"]), date(2027, 1, 25), 14, {"SA": ["CN-SA"]}, {"AE": ["DXB"]},
                     {"SA": 7, "AE": 2})[0]
    body = payload(adv, "ZEN-DIFF-01")
    assert body["advisory"]["starts_in_days"] == 14 and body["advisory"]["open_orders"] == 9
    assert [pb.id for pb in matching(shipped(), EventType.ADVISORY_ISSUED, body)] == ["zenspace_holiday"]
    elsewhere = payload(advisories(_ramadan(["ID"]), date(2027, 1, 25))[0], "X")
    assert matching(shipped(), EventType.ADVISORY_ISSUED, elsewhere) == []
    long = advisories([CalendarEvent("Saudi National Day (observed again)", "public_holiday", "SA",
                                     date(2027, 9, 23), date(2027, 9, 23), "Closed.")], date(2027, 9, 10))[0]
    for pb in shipped():
        assert len(f"plan-{pb.id}-{subject(long)}-20270910T000000") <= 64, pb.id
    ev = advisory_events([adv], exposure({"SA", "AE"}, [], [], []), datetime(2027, 1, 25, tzinfo=UTC))[0]
    assert ev.type == EventType.ADVISORY_ISSUED and ev.subject == "adv-ramadan-20270208"
    assert ev.trace_id == "tr-adv-ramadan-20270208" and ev.incident_id is None


def test_scenario_expectations_are_what_the_drill_checks(tmp_path: Path) -> None:
    from flexloop.sim.scenario import load

    sc = load("zenspace")
    assert (RAMADAN_2027 - sc.start.date()).days in range(16, 21)
    assert sc.expect["starts_in_days"] == 14 and sc.expect["playbook"] == "zenspace_holiday"
    assert sc.tick_minutes == 60 and sc.streams == []
