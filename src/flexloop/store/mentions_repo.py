"""Mentions, analyses and orders as the loop reads and writes them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from flexloop.domain.records import Analysis, Entities, Mention, Order
from flexloop.domain.vocab import Authenticity, Intent, IssueType, Sentiment
from flexloop.store.ingest_repo import bulk_insert
from flexloop.store.tables import analyses, mentions, orders


def to_mention(r: Any) -> Mention:
    return Mention(
        id=r["id"], platform=r["platform"], native_id=r["native_id"], author_handle=r["author_handle"],
        text=r["text"], created_at=r["created_at"], author_account_created=r["author_account_created"],
        author_followers=r["author_followers"], country=r["country"], url=r["url"], in_reply_to=r["in_reply_to"],
        product_hints=tuple(r["product_hints"] or ()), metrics=dict(r["metrics"] or {}),
    )


def to_order(r: Any) -> Order:
    return Order(
        id=r["id"], customer_handle=r["customer_handle"], sku=r["sku"], qty=r["qty"], country=r["country"],
        warehouse=r["warehouse"], carrier=r["carrier"], lane=r["lane"], status=r["status"],
        created_at=r["created_at"], promised_by=r["promised_by"], value=r["value"], currency=r["currency"],
    )


def to_analysis(r: Any) -> Analysis:
    e = r["entities"] or {}
    return Analysis(
        mention_id=r["mention_id"], lang=r["lang"], sentiment=Sentiment(r["sentiment"]),
        sentiment_confidence=r["sentiment_confidence"], complaint=r["complaint"],
        issue_type=IssueType(r["issue_type"]), intent=Intent(r["intent"]),
        authenticity=Authenticity(r["authenticity"]), safety_risk=r["safety_risk"], product=r["product"],
        country=r["country"], entities=Entities(**{k: tuple(v) for k, v in e.items()}), evidence=r["evidence"] or {},
    )


def pending_mentions(conn: Connection, up_to: datetime | None = None, limit: int = 5000) -> list[Mention]:
    """Stored but not analysed yet, oldest first."""
    q = select(mentions).where(mentions.c.analyzed.is_(False)).order_by(mentions.c.created_at, mentions.c.id)
    if up_to is not None:
        q = q.where(mentions.c.created_at <= up_to)
    return [to_mention(r) for r in conn.execute(q.limit(limit)).mappings()]


def recent_mentions(conn: Connection, since: datetime) -> list[Mention]:
    q = select(mentions).where(mentions.c.analyzed.is_(True), mentions.c.created_at >= since)
    return [to_mention(r) for r in conn.execute(q).mappings()]


def mentions_by_id(conn: Connection, ids: Iterable[int]) -> dict[int, Mention]:
    ids = list(ids)
    if not ids:
        return {}
    return {r["id"]: to_mention(r) for r in conn.execute(select(mentions).where(mentions.c.id.in_(ids))).mappings()}


def _analysis_row(a: Analysis, incident_id: str | None = None) -> dict[str, Any]:
    return {
        "mention_id": a.mention_id, "lang": a.lang, "sentiment": a.sentiment.value,
        "sentiment_confidence": a.sentiment_confidence, "complaint": a.complaint, "issue_type": a.issue_type.value,
        "intent": a.intent.value, "authenticity": a.authenticity.value, "safety_risk": a.safety_risk,
        "product": a.product, "country": a.country, "entities": a.entities.as_dict(), "evidence": a.evidence,
        "incident_id": incident_id,
    }


def store_preanalysed(conn: Connection, posts: Sequence[tuple[int, datetime]], batch: Sequence[Analysis]) -> None:
    """Store generated posts (id, time) already analysed: the detect benchmark's feed."""
    rows = [
        {"id": i, "key": f"bench:{i}", "platform": "x", "native_id": str(i), "author_handle": f"u{i % 997}",
         "author_followers": 0, "text": "generated post", "created_at": at, "product_hints": [], "metrics": {},
         "analyzed": True}
        for i, at in posts
    ]
    bulk_insert(conn, mentions, rows)
    bulk_insert(conn, analyses, [_analysis_row(a) for a in batch])


def save_analyses(conn: Connection, batch: Sequence[Analysis]) -> None:
    """Store new analyses and mark their mentions analysed."""
    if not batch:
        return
    bulk_insert(conn, analyses, [_analysis_row(a) for a in batch])
    ids = [a.mention_id for a in batch]
    for i in range(0, len(ids), 900):
        conn.execute(update(mentions).where(mentions.c.id.in_(ids[i : i + 900])).values(analyzed=True))


def relabel_authenticity(conn: Connection, changed: Sequence[Analysis]) -> None:
    for a in changed:
        conn.execute(
            update(analyses).where(analyses.c.mention_id == a.mention_id)
            .values(authenticity=a.authenticity.value, evidence=a.evidence)
        )


def analyses_by_id(conn: Connection, ids: Iterable[int]) -> dict[int, Analysis]:
    ids = list(ids)
    out: dict[int, Analysis] = {}
    for i in range(0, len(ids), 900):
        q = select(analyses).where(analyses.c.mention_id.in_(ids[i : i + 900]))
        out.update({r["mention_id"]: to_analysis(r) for r in conn.execute(q).mappings()})
    return out


def link_incident(conn: Connection, mention_ids: Sequence[int], incident_id: str) -> None:
    for i in range(0, len(mention_ids), 900):
        conn.execute(
            update(analyses).where(analyses.c.mention_id.in_(mention_ids[i : i + 900])).values(incident_id=incident_id)
        )


def incident_posts(conn: Connection, incident_id: str) -> list[tuple[Mention, Analysis]]:
    """Every post linked to an incident with its analysis, by post time."""
    q = (
        select(mentions, analyses)
        .join(analyses, analyses.c.mention_id == mentions.c.id)
        .where(analyses.c.incident_id == incident_id)
        .order_by(mentions.c.created_at, mentions.c.id)
    )
    return [(to_mention(r), to_analysis(r)) for r in conn.execute(q).mappings()]


def orders_for(conn: Connection, ids: Iterable[str] = (), authors: Iterable[str] = ()) -> list[Order]:
    ids, authors = list(ids), list(authors)
    out: list[Order] = []
    if ids:
        out += [to_order(r) for r in conn.execute(select(orders).where(orders.c.id.in_(ids))).mappings()]
    if authors:
        q = select(orders).where(orders.c.customer_handle.in_(authors)).order_by(orders.c.created_at)
        out += [to_order(r) for r in conn.execute(q).mappings()]
    return out


def scoped_orders(
    conn: Connection, sku: str, countries: Iterable[str], statuses: Iterable[str], before: datetime
) -> list[Order]:
    """Orders of a SKU in some countries and statuses, created before a time."""
    q = select(orders).where(
        orders.c.sku == sku, orders.c.country.in_(list(countries)), orders.c.status.in_(list(statuses)),
        orders.c.created_at <= before,
    )
    return [to_order(r) for r in conn.execute(q).mappings()]


def move_orders(conn: Connection, ids: Sequence[str], **values: str) -> int:
    """Point orders at another carrier or warehouse (or status); returns rows changed."""
    n = 0
    for i in range(0, len(ids), 900):
        n += conn.execute(update(orders).where(orders.c.id.in_(ids[i : i + 900])).values(**values)).rowcount
    return n


def texts_between(
    conn: Connection, start: datetime, end: datetime, incident_id: str | None = None, limit: int = 200
) -> list[tuple[int, str]]:
    """(id, text) of analysed posts in [start, end), of one incident or of all; complaints first."""
    q = (
        select(mentions.c.id, mentions.c.text)
        .join(analyses, analyses.c.mention_id == mentions.c.id)
        .where(mentions.c.created_at >= start, mentions.c.created_at < end)
        .order_by(analyses.c.complaint.desc(), mentions.c.created_at, mentions.c.id)
        .limit(limit)
    )
    if incident_id is not None:
        q = q.where(analyses.c.incident_id == incident_id)
    return [(int(i), str(t)) for i, t in conn.execute(q)]


def incident_ids(conn: Connection, mention_ids: Sequence[int]) -> dict[int, str]:
    """The incident each of these posts is linked to (posts linked to none are left out)."""
    out: dict[int, str] = {}
    for i in range(0, len(mention_ids), 900):
        q = select(analyses.c.mention_id, analyses.c.incident_id).where(
            analyses.c.mention_id.in_(mention_ids[i : i + 900]), analyses.c.incident_id.is_not(None)
        )
        out.update({int(m): str(inc) for m, inc in conn.execute(q)})
    return out


def post_times(conn: Connection, mention_ids: Sequence[int]) -> dict[int, datetime]:
    """When each of these posts was made (a narrow read: no text, no JSON columns)."""
    out: dict[int, datetime] = {}
    for i in range(0, len(mention_ids), 900):
        q = select(mentions.c.id, mentions.c.created_at).where(mentions.c.id.in_(mention_ids[i : i + 900]))
        out.update({int(m): at for m, at in conn.execute(q)})
    return out


def post_facts(conn: Connection, mention_ids: Sequence[int]) -> dict[int, tuple[datetime, str, int]]:
    """(time, platform, author followers) of these posts: what detection reads, without text or JSON."""
    out: dict[int, tuple[datetime, str, int]] = {}
    cols = (mentions.c.id, mentions.c.created_at, mentions.c.platform, mentions.c.author_followers)
    for i in range(0, len(mention_ids), 900):
        q = select(*cols).where(mentions.c.id.in_(mention_ids[i : i + 900]))
        out.update({int(m): (at, str(p), int(f)) for m, at, p, f in conn.execute(q)})
    return out
