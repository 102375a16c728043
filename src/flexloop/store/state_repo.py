"""Small keyed state of the background checks (detector_state), and the open-order counts they read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from flexloop.store.tables import orders, state


def read_state(conn: Connection, key: str) -> dict[str, Any] | None:
    """The stored body under a key; None when nothing was stored yet."""
    row = conn.execute(select(state.c.body).where(state.c.key == key)).first()
    return dict(row[0]) if row is not None else None


def write_state(conn: Connection, key: str, body: dict[str, Any], at: datetime) -> None:
    """Store a body under a key, replacing what was there (portable: update, else insert)."""
    changed = conn.execute(update(state).where(state.c.key == key).values(body=body, updated_at=at)).rowcount
    if not changed:
        conn.execute(state.insert().values(key=key, body=body, updated_at=at))


def open_orders(
    conn: Connection, countries: Iterable[str], statuses: Iterable[str], before: datetime
) -> list[tuple[str, str, str, int]]:
    """(country, sku, lane, orders) of the orders in some statuses and countries, created before a time."""
    q = (
        select(orders.c.country, orders.c.sku, orders.c.lane, func.count())
        .where(orders.c.country.in_(list(countries)), orders.c.status.in_(list(statuses)),
               orders.c.created_at <= before)
        .group_by(orders.c.country, orders.c.sku, orders.c.lane)
        .order_by(orders.c.country, orders.c.sku, orders.c.lane)
    )
    return [(str(c), str(s), str(lane), int(n)) for c, s, lane, n in conn.execute(q)]
