"""Incidents and plans."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from flexloop.store.tables import incidents, plans


def get_incident(conn: Connection, incident_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).mappings().first()
    return dict(row) if row else None


def open_incident(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(incidents.insert().values(**row))


def save_incident(conn: Connection, incident_id: str, **values: Any) -> None:
    conn.execute(update(incidents).where(incidents.c.id == incident_id).values(**values))


def save_plan(conn: Connection, plan_id: str, incident_id: str, trace_id: str, playbook: str, at: datetime,
              body: dict[str, Any]) -> None:
    conn.execute(plans.insert().values(id=plan_id, incident_id=incident_id, trace_id=trace_id, playbook=playbook,
                                       created_at=at, body=body))


def plans_for(conn: Connection, incident_id: str | None = None) -> list[dict[str, Any]]:
    q = select(plans).order_by(plans.c.created_at)
    if incident_id:
        q = q.where(plans.c.incident_id == incident_id)
    return [dict(r) for r in conn.execute(q).mappings()]
