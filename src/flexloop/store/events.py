"""The append-only event log: every decision and action leaves one line with its trace id."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from flexloop.domain.records import Event
from flexloop.store.ingest_repo import bulk_insert
from flexloop.store.tables import events


def append_events(conn: Connection, batch: Iterable[Event]) -> int:
    """Append events (never updated, never deleted); returns how many."""
    now = datetime.now(UTC)
    rows = [
        {
            "type": e.type,
            "at": e.at,
            "recorded_at": now,
            "trace_id": e.trace_id,
            "incident_id": e.incident_id,
            "subject": e.subject,
            "payload": e.payload,
        }
        for e in batch
    ]
    if rows:
        bulk_insert(conn, events, rows)
    return len(rows)


def append_event(conn: Connection, event: Event) -> None:
    append_events(conn, [event])


def read_events(
    conn: Connection, types: Iterable[str] | None = None, trace_id: str | None = None
) -> list[Event]:
    """Events in log order, optionally of some types or one trace."""
    q = select(events).order_by(events.c.id)
    if types is not None:
        q = q.where(events.c.type.in_(list(types)))
    if trace_id is not None:
        q = q.where(events.c.trace_id == trace_id)
    return [_event(r) for r in conn.execute(q).mappings()]


def _event(r: Any) -> Event:
    return Event(
        type=r["type"],
        at=r["at"],
        trace_id=r["trace_id"],
        subject=r["subject"],
        incident_id=r["incident_id"],
        payload=r["payload"],
    )
