"""Analyze stored mentions: read texts, look up orders, judge authenticity, store the analyses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import Connection

from flexloop.analyze.authenticity import burst_sizes
from flexloop.analyze.core import Context, analyze_posts, rejudge_recent
from flexloop.analyze.entities import ORDER_ID
from flexloop.analyze.text import TextReader
from flexloop.domain.records import Analysis, Order
from flexloop.store import mentions_repo as repo

BURST_LOOKBACK = timedelta(hours=2)


def analyze_pending(
    conn: Connection, reader: TextReader, aliases: Mapping[str, str], now: datetime
) -> tuple[list[Analysis], list[Analysis]]:
    """Analyse mentions posted up to `now`; returns (new analyses, earlier ones relabelled)."""
    posts = repo.pending_mentions(conn, up_to=now)
    if not posts:
        return [], []
    labels = reader.read([p.text for p in posts])
    ids = {o for p in posts for o in ORDER_ID.findall(p.text)}
    found = repo.orders_for(conn, ids=ids, authors={p.author_handle for p in posts})
    by_author: dict[str, list[Order]] = defaultdict(list)
    for o in found:
        by_author[o.customer_handle].append(o)
    recent = repo.recent_mentions(conn, now - BURST_LOOKBACK)
    ctx = Context(aliases=aliases, orders_by_id={o.id: o for o in found}, orders_by_author=by_author, recent=recent)
    window = [*recent, *posts]
    bursts = burst_sizes(window, ctx.rules)  # one clustering serves the new posts and the rejudging
    fresh = analyze_posts(posts, labels, ctx, now, bursts)
    repo.save_analyses(conn, fresh)
    current = repo.analyses_by_id(conn, [p.id for p in recent if p.id is not None])
    changed = rejudge_recent(window, current, ctx, now, bursts)
    repo.relabel_authenticity(conn, changed)
    return fresh, changed
