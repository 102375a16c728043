"""SLA clocks, one per mention that needs an answer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from flexloop.store.tables import sla_clocks


def start(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(sla_clocks.insert(), rows)


def open_clocks(conn: Connection) -> list[dict[str, Any]]:
    q = select(sla_clocks).where(sla_clocks.c.outcome.is_(None)).order_by(sla_clocks.c.due_at)
    return [dict(r) for r in conn.execute(q).mappings()]


def get(conn: Connection, mention_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(sla_clocks).where(sla_clocks.c.mention_id == mention_id)).mappings().first()
    return dict(row) if row else None


def update_clock(conn: Connection, mention_id: int, **values: Any) -> None:
    conn.execute(update(sla_clocks).where(sla_clocks.c.mention_id == mention_id).values(**values))
