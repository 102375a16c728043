"""The network (carriers, warehouses) and lane health from shipment events."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import Connection, func, select

from flexloop.domain.records import Carrier, Warehouse
from flexloop.store.tables import carriers, shipment_events, warehouses

TROUBLE = ("delayed", "exception", "lost")


def load_carriers(conn: Connection) -> list[Carrier]:
    return [
        Carrier(id=r["id"], lanes=tuple(r["lanes"]), cost_per_order=r["cost_per_order"],
                transit_days=r["transit_days"], daily_capacity=r["daily_capacity"],
                kg_co2e_per_tkm=r["kg_co2e_per_tkm"], backup=r["backup"], mode=r["mode"])
        for r in conn.execute(select(carriers).order_by(carriers.c.id)).mappings()
    ]


def load_warehouses(conn: Connection) -> list[Warehouse]:
    return [
        Warehouse(id=r["id"], country=r["country"], stock=dict(r["stock"]), daily_capacity=r["daily_capacity"],
                  temperature_control=r["temperature_control"], cost_per_order=r["cost_per_order"],
                  transit_days=r["transit_days"])
        for r in conn.execute(select(warehouses).order_by(warehouses.c.id)).mappings()
    ]


def lane_trouble(conn: Connection, since: datetime, until: datetime) -> dict[str, tuple[int, int]]:
    """Per lane: (events, delayed/exception/lost events) between two times."""
    q = (
        select(shipment_events.c.lane, shipment_events.c.status, func.count())
        .where(shipment_events.c.at > since, shipment_events.c.at <= until)
        .group_by(shipment_events.c.lane, shipment_events.c.status)
    )
    total: Counter[str] = Counter()
    bad: Counter[str] = Counter()
    for lane, status, n in conn.execute(q):
        total[lane] += n
        if status in TROUBLE:
            bad[lane] += n
    return {lane: (total[lane], bad[lane]) for lane in total}


def latest_revised_delivery(conn: Connection, order_ids: list[str]) -> dict[str, object]:
    """The newest revised delivery date per order, where a carrier gave one."""
    if not order_ids:
        return {}
    q = (
        select(shipment_events.c.order_id, shipment_events.c.revised_delivery)
        .where(shipment_events.c.order_id.in_(order_ids), shipment_events.c.revised_delivery.is_not(None))
        .order_by(shipment_events.c.at)
    )
    return {oid: d for oid, d in conn.execute(q)}
