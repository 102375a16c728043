"""Measure: record conversions (a replied complainer posting positively) as events; read KPIs from the log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from flexloop.domain.records import Analysis, Event
from flexloop.domain.vocab import EventType, Sentiment
from flexloop.measure.kpis import kpis
from flexloop.store import mentions_repo
from flexloop.store.events import append_events, read_events


def record_conversions(conn: Connection, fresh: Sequence[Analysis]) -> list[Event]:
    """A positive post by an author whose complaint got a published reply is a conversion."""
    positive = [a for a in fresh if a.sentiment is Sentiment.POSITIVE and not a.complaint]
    if not positive:
        return []
    posts = mentions_repo.mentions_by_id(conn, [a.mention_id for a in positive])
    replied = {e.payload.get("author"): e for e in read_events(conn, types=[EventType.REPLY_PUBLISHED])
               if e.payload.get("complaint")}
    for e in read_events(conn, types=[EventType.FOLLOW_UP_POSITIVE]):
        replied.pop(e.payload.get("author"), None)
    out = []
    for a in positive:
        post = posts[a.mention_id]
        if post.author_handle in replied:
            out.append(Event(EventType.FOLLOW_UP_POSITIVE, post.created_at, replied[post.author_handle].trace_id,
                             subject=str(a.mention_id), payload={"author": post.author_handle}))
            del replied[post.author_handle]
    append_events(conn, out)
    return out


def current_kpis(conn: Connection) -> dict[str, Any]:
    return kpis(read_events(conn))
