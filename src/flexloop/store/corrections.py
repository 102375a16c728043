"""Corrections: a person's relabelling of a mention, used to retrain the models; callers own the transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select

from flexloop.domain.records import Event
from flexloop.domain.vocab import EventType
from flexloop.store.events import append_event
from flexloop.store.tables import corrections, mentions


def mention_exists(conn: Connection, mention_id: int) -> bool:
    """True when the mention is stored."""
    return conn.execute(select(mentions.c.id).where(mentions.c.id == mention_id)).first() is not None


def add_correction(
    conn: Connection, mention_id: int, task: str, label: str, by: str, at: datetime | None = None
) -> int:
    """Store a correction and its `label_corrected` event; returns the correction id."""
    when = at or datetime.now(UTC)
    result = conn.execute(insert(corrections).values(mention_id=mention_id, task=task, label=label, by=by, at=when))
    key = result.inserted_primary_key
    cid = int(key[0]) if key else 0
    append_event(
        conn,
        Event(
            type=EventType.LABEL_CORRECTED.value,
            at=when,
            trace_id=f"mention:{mention_id}",
            subject=f"mention:{mention_id}",
            payload={"correction_id": cid, "task": task, "label": label, "by": by},
        ),
    )
    return cid


def corrected_examples(conn: Connection, task: str) -> list[tuple[int, str, str]]:
    """(mention id, text, label) per corrected mention of a task; the latest correction wins."""
    q = (
        select(corrections.c.mention_id, mentions.c.text, corrections.c.label)
        .join(mentions, mentions.c.id == corrections.c.mention_id)
        .where(corrections.c.task == task)
        .order_by(corrections.c.at, corrections.c.id)
    )
    latest: dict[int, tuple[int, str, str]] = {}
    for mid, text, label in conn.execute(q):
        latest[int(mid)] = (int(mid), str(text), str(label))
    return [latest[k] for k in sorted(latest)]
