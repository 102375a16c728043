"""The approval queue: supply-chain actions and replies waiting for a person."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from flexloop.store.tables import approvals


def queue(conn: Connection, kind: str, trace_id: str, incident_id: str | None, plan_id: str | None,
          mention_id: int | None, at: datetime, body: dict[str, Any]) -> int:
    res = conn.execute(approvals.insert().values(
        kind=kind, trace_id=trace_id, incident_id=incident_id, plan_id=plan_id, mention_id=mention_id,
        status="pending", created_at=at, body=body, result={}))
    key = res.inserted_primary_key
    assert key is not None
    return int(key[0])


def queue_many(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Queue many pending items at once (kind, trace_id, incident_id, plan_id, mention_id, created_at, body)."""
    if rows:
        conn.execute(approvals.insert(), [r | {"status": "pending", "result": {}} for r in rows])


def get(conn: Connection, approval_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(approvals).where(approvals.c.id == approval_id)).mappings().first()
    return dict(row) if row else None


def listing(conn: Connection, status: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    q = select(approvals).order_by(approvals.c.id)
    if status:
        q = q.where(approvals.c.status == status)
    if kind:
        q = q.where(approvals.c.kind == kind)
    return [dict(r) for r in conn.execute(q).mappings()]


def set_status(conn: Connection, approval_id: int, status: str, by: str | None = None,
               at: datetime | None = None) -> None:
    values: dict[str, Any] = {"status": status}
    if by is not None:
        values.update(decided_by=by, decided_at=at)
    conn.execute(update(approvals).where(approvals.c.id == approval_id).values(**values))


def set_body(conn: Connection, approval_id: int, body: dict[str, Any]) -> None:
    conn.execute(update(approvals).where(approvals.c.id == approval_id).values(body=body))


def record_execution(conn: Connection, approval_id: int, status: str, at: datetime, result: dict[str, Any]) -> bool:
    """Mark executed once; False when it already was (idempotent executors)."""
    res = conn.execute(
        update(approvals)
        .where(approvals.c.id == approval_id, approvals.c.executed_at.is_(None))
        .values(status=status, executed_at=at, result=result)
    )
    return res.rowcount == 1
