"""Signals the early warning reads: recent analysed mentions, lane delay counts, transit temperatures."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, case, func, or_, select

from flexloop.store.tables import analyses, mentions, orders, shipment_events
from flexloop.store.types import UtcDateTime

TROUBLE = ("delayed", "exception", "lost")
DONE = ("delivered", "returned", "lost")


@functools.lru_cache(maxsize=32)
def _topic_query(words: tuple[str, ...]) -> Select[Any]:
    variants = sorted({v for w in words for v in (w, w.upper(), w.capitalize(), w.title())})
    country = func.coalesce(mentions.c.country, analyses.c.country)
    return (
        select(mentions.c.created_at, country, analyses.c.product, mentions.c.text)
        .join(analyses, analyses.c.mention_id == mentions.c.id)
        .where(mentions.c.created_at > bindparam("since", type_=UtcDateTime()),
               mentions.c.created_at <= bindparam("until", type_=UtcDateTime()),
               or_(*[mentions.c.text.contains(v, autoescape=True) for v in variants]))
    )


def topic_mentions(conn: Connection, since: datetime, until: datetime,
                   words: Sequence[str]) -> list[tuple[datetime, str, str, str]]:
    """(created_at, country, product, text) of analysed mentions in (since, until] that may contain a word.

    The SQL filter is a superset (the word as written, upper-cased or capitalised); the caller checks exactly.
    """
    if not words:
        return []
    rows = conn.execute(_topic_query(tuple(sorted(words))), {"since": since, "until": until})
    return [(at, str(c or "unknown"), str(p), str(t)) for at, c, p, t in rows]


def _lane_country(conn: Connection) -> dict[str, str]:
    q = select(orders.c.lane, orders.c.country).distinct()
    return {str(lane): str(c) for lane, c in conn.execute(q)}


def lane_delays(conn: Connection, now: datetime, lookback: timedelta,
                stuck_after: timedelta) -> list[tuple[str, str, int, int, int]]:
    """(lane, country, active, troubled, stuck) parcels.

    Active: a scan in the lookback. Troubled: among them, a delay/exception/loss scan or a revised date.
    Stuck: last scan more than `stuck_after` ago (and at most lookback before that), not delivered.
    """
    se = shipment_events
    since = now - lookback
    bad = case((or_(se.c.status.in_(TROUBLE), se.c.revised_delivery.is_not(None)), 1), else_=0)
    per_parcel = (
        select(se.c.lane, se.c.tracking_number, func.max(bad).label("bad"))
        .where(se.c.at > since, se.c.at <= now)
        .group_by(se.c.lane, se.c.tracking_number)
        .subquery()
    )
    q = select(per_parcel.c.lane, func.count(), func.sum(per_parcel.c.bad)).group_by(per_parcel.c.lane)
    counts: dict[str, list[int]] = {str(lane): [int(n), int(b or 0), 0] for lane, n, b in conn.execute(q)}
    done = case((se.c.status.in_(DONE), 1), else_=0)
    last = (
        select(se.c.lane, se.c.tracking_number, func.max(se.c.at).label("last"), func.max(done).label("done"))
        .where(se.c.at > now - stuck_after - lookback, se.c.at <= now)
        .group_by(se.c.lane, se.c.tracking_number)
        .subquery()
    )
    q2 = (
        select(last.c.lane, func.count())
        .where(and_(last.c.last <= now - stuck_after, last.c.done == 0))
        .group_by(last.c.lane)
    )
    for lane, n in conn.execute(q2):
        counts.setdefault(str(lane), [0, 0, 0])[2] = int(n)
    where = _lane_country(conn)
    return [(lane, where.get(lane, lane.rsplit("-", 1)[-1]), a, b, s) for lane, (a, b, s) in sorted(counts.items())]


def lane_temperatures(conn: Connection, since: datetime, until: datetime) -> list[tuple[str, str, int, float]]:
    """(lane, country, readings, mean °C) of shipment events carrying a temperature in (since, until]."""
    se = shipment_events
    q = (
        select(se.c.lane, func.count(), func.avg(se.c.temperature_c))
        .where(se.c.at > since, se.c.at <= until, se.c.temperature_c.is_not(None))
        .group_by(se.c.lane)
    )
    rows = [(str(lane), int(n), float(m)) for lane, n, m in conn.execute(q)]
    if not rows:
        return []
    where = _lane_country(conn)
    return [(lane, where.get(lane, lane.rsplit("-", 1)[-1]), n, m) for lane, n, m in rows]


def first_temperatures(conn: Connection, days: float, now: datetime) -> list[tuple[str, str, int, float]]:
    """Per lane whose first DAYS of temperature readings are over by NOW: readings and mean °C over them."""
    se = shipment_events
    firsts = {str(lane): at for lane, at in conn.execute(
        select(se.c.lane, func.min(se.c.at)).where(se.c.temperature_c.is_not(None)).group_by(se.c.lane))}
    out: list[tuple[str, str, int, float]] = []
    where = _lane_country(conn)
    for lane, start in sorted(firsts.items()):
        if start + timedelta(days=days) > now:
            continue
        q = select(func.count(), func.avg(se.c.temperature_c)).where(
            se.c.lane == lane, se.c.temperature_c.is_not(None), se.c.at >= start,
            se.c.at < start + timedelta(days=days))
        n, m = conn.execute(q).one()
        out.append((lane, where.get(lane, lane.rsplit("-", 1)[-1]), int(n), float(m)))
    return out
