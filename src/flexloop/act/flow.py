"""Act: draft replies and start SLA clocks, pass the approval gate, execute idempotently, tick the clocks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from flexloop.act.replies import draft
from flexloop.act.sla import POLICIES, policy_for, reply_stops, warn_at
from flexloop.connectors.protocols import OrderSystem, Platform
from flexloop.domain.records import Analysis, Event, Mention, Order
from flexloop.domain.vocab import EventType, Tier
from flexloop.errors import BadInput
from flexloop.store import approvals_repo, incidents_repo, mentions_repo, network_repo, sla_repo
from flexloop.store.events import append_events


class _BatchContext:
    """What drafting a batch of replies reads, fetched once per batch instead of once per post."""

    def __init__(self, conn: Connection, fresh: Sequence[Analysis], posts: dict[int, Mention]) -> None:
        self.conn = conn
        ids = list(posts)
        linked = mentions_repo.incident_ids(conn, ids)
        self.incidents = {i: incidents_repo.get_incident(conn, i) for i in set(linked.values())}
        self.incident_of = {m: self.incidents[i] for m, i in linked.items()}
        order_ids = {o for a in fresh if a.mention_id in posts for o in a.entities.order_ids}
        found = mentions_repo.orders_for(conn, ids=order_ids, authors={p.author_handle for p in posts.values()})
        self.by_author: dict[str, list[Order]] = defaultdict(list)
        self.by_id: dict[str, Order] = {}
        for o in found:
            self.by_id[o.id] = o
        for o in sorted({o.id: o for o in found}.values(), key=lambda o: o.created_at):
            self.by_author[o.customer_handle].append(o)
        self._plans: dict[str, list[dict[str, Any]]] = {}

    def order_for(self, a: Analysis, post: Mention) -> str | None:
        """The author's latest order, else the last order id the post names."""
        mine = self.by_author.get(post.author_handle)
        if mine:
            return mine[-1].id
        named = [o for o in a.entities.order_ids if o in self.by_id]
        return named[-1] if named else None

    def plans(self, incident_id: str) -> list[dict[str, Any]]:
        if incident_id not in self._plans:
            self._plans[incident_id] = incidents_repo.plans_for(self.conn, incident_id)
        return self._plans[incident_id]


def draft_replies(conn: Connection, fresh: Sequence[Analysis], partners: Sequence[str]) -> list[Event]:
    """For each post that needs an answer: start its SLA clock at the post's time and queue a reply draft."""
    posts = mentions_repo.mentions_by_id(conn, [a.mention_id for a in fresh if a.needs_answer])
    if not posts:
        return []
    ctx = _BatchContext(conn, fresh, posts)
    chosen = {a.mention_id: ctx.order_for(a, posts[a.mention_id]) for a in fresh if a.mention_id in posts}
    new_dates = network_repo.latest_revised_delivery(conn, sorted({o for o in chosen.values() if o}))
    out: list[Event] = []
    clocks: list[dict[str, Any]] = []
    drafts: list[dict[str, Any]] = []
    for a in fresh:
        post = posts.get(a.mention_id)
        if post is None:
            continue
        incident = ctx.incident_of.get(a.mention_id)
        incident_id = incident["id"] if incident else None
        trace = incident["trace_id"] if incident else f"tr-mention-{a.mention_id}"
        policy = policy_for(a, Tier(incident["tier"]) if incident else Tier.NONE)
        started = post.created_at
        clocks.append({"mention_id": a.mention_id, "trace_id": trace, "policy": policy.name,
                       "started_at": started, "due_at": started + policy.budget})
        out.append(Event(EventType.SLA_STARTED, started, trace, subject=str(a.mention_id), incident_id=incident_id,
                         payload={"policy": policy.name, "budget_s": policy.budget.total_seconds()}))
        order_id = chosen[a.mention_id]
        new_date = new_dates.get(order_id) if order_id else None
        plans = ctx.plans(incident_id) if incident_id else []
        offers = plans[-1]["body"].get("compensation", []) if plans else []
        d = draft(a, order_id, new_date if isinstance(new_date, date) else None, offers, bool(plans), partners)
        body = {"mention_id": a.mention_id, "lang": d.lang, "text": d.text, "has_new_date": d.has_new_date,
                "has_offer": d.has_offer, "redactions": list(d.redactions), "platform": post.platform,
                "native_id": post.native_id, "partners": list(partners),
                "author": post.author_handle, "complaint": a.complaint}
        drafts.append({"kind": "reply", "trace_id": trace, "incident_id": incident_id, "plan_id": None,
                       "mention_id": a.mention_id, "created_at": started, "body": body})
        out.append(Event(EventType.REPLY_DRAFTED, started, trace, subject=str(a.mention_id),
                         incident_id=incident_id, payload={"lang": d.lang}))
    sla_repo.start(conn, clocks)
    approvals_repo.queue_many(conn, drafts)
    append_events(conn, out)
    return out


def decide_approval(conn: Connection, approval_id: int, approve: bool, by: str, at: datetime,
                    text: str | None = None) -> Event:
    """A person approves or rejects one queued item (a reply may be edited in the same step)."""
    item = approvals_repo.get(conn, approval_id)
    if item is None:
        raise BadInput(f"no approval with id {approval_id}")
    if item["status"] != "pending":
        raise BadInput(f"approval {approval_id} is already {item['status']}")
    if text is not None:
        edit_reply(conn, approval_id, text, by, at)
    status = "approved" if approve else "rejected"
    approvals_repo.set_status(conn, approval_id, status, by, at)
    kind = item["kind"]
    etype = {("action", True): EventType.ACTION_APPROVED, ("action", False): EventType.ACTION_REJECTED,
             ("reply", True): EventType.REPLY_APPROVED, ("reply", False): EventType.REPLY_REJECTED}[(kind, approve)]
    ev = Event(etype, at, item["trace_id"], subject=str(approval_id), incident_id=item["incident_id"],
               payload={"by": by, "type": item["body"].get("type", "reply")})
    append_events(conn, [ev])
    return ev


def edit_reply(conn: Connection, approval_id: int, text: str, by: str, at: datetime) -> None:
    """Replace a draft's text; the redaction check runs again on the new text."""
    from flexloop.act.replies import redact

    item = approvals_repo.get(conn, approval_id)
    if item is None or item["kind"] != "reply":
        raise BadInput(f"approval {approval_id} is not a reply draft; only replies have text")
    clean, found = redact(text, item["body"].get("partners", []))
    approvals_repo.set_body(conn, approval_id, {**item["body"], "text": clean, "redactions": list(found),
                                                "edited_by": by})
    append_events(conn, [Event(EventType.REPLY_EDITED, at, item["trace_id"], subject=str(approval_id),
                               incident_id=item["incident_id"], payload={"by": by, "redactions": list(found)})])


def execute_approved(conn: Connection, oms: OrderSystem, platform: Platform, now: datetime,
                     dry_run: bool = False) -> list[Event]:
    """Run every approved item once, at its approval time; dry-run records what would happen."""
    out: list[Event] = []
    for item in approvals_repo.listing(conn, status="approved"):
        at = max(item["decided_at"] or now, item["created_at"])
        if item["kind"] == "action":
            out += _execute_action(conn, item, oms, at, dry_run)
        else:
            out += _publish_reply(conn, item, platform, at, dry_run)
    append_events(conn, out)
    return out


def _execute_action(conn: Connection, item: dict[str, Any], oms: OrderSystem, at: datetime,
                    dry_run: bool) -> list[Event]:
    body = item["body"]
    status = "dry_run" if dry_run else "executed"
    result = {"dry_run": True} if dry_run else oms.apply(f"approval-{item['id']}", body["type"], body["orders"],
                                                           body["params"])
    if not approvals_repo.record_execution(conn, item["id"], status, at, result):
        return []
    if not dry_run:
        if body["type"] == "switch_carrier":
            mentions_repo.move_orders(conn, body["orders"], carrier=body["params"]["carrier"])
        elif body["type"] == "move_to_warehouse":
            mentions_repo.move_orders(conn, body["orders"], warehouse=body["params"]["warehouse"])
        elif body["type"] in ("hold", "pause_product"):
            mentions_repo.move_orders(conn, body["orders"], status="on_hold")
    return [Event(EventType.ACTION_EXECUTED, at, item["trace_id"], subject=str(item["id"]),
                  incident_id=item["incident_id"],
                  payload={"type": body["type"], "orders": len(body["orders"]), "status": status,
                           "plan_id": item["plan_id"]})]


def _publish_reply(conn: Connection, item: dict[str, Any], platform: Platform, at: datetime,
                   dry_run: bool) -> list[Event]:
    body = item["body"]
    status = "dry_run" if dry_run else "published"
    result = {"dry_run": True} if dry_run else platform.publish(f"approval-{item['id']}", body["platform"],
                                                                  body["native_id"], body["text"])
    if not approvals_repo.record_execution(conn, item["id"], status, at, result):
        return []
    out = [Event(EventType.REPLY_PUBLISHED, at, item["trace_id"], subject=str(body["mention_id"]),
                 incident_id=item["incident_id"],
                 payload={"lang": body["lang"], "has_offer": body["has_offer"], "has_new_date": body["has_new_date"],
                          "status": status, "post_at": item["created_at"].isoformat(),
                          "author": body["author"], "complaint": body["complaint"]})]
    clock = sla_repo.get(conn, body["mention_id"])
    if not dry_run and clock and clock["outcome"] is None and reply_stops(clock["policy"], body["has_new_date"],
                                                                          body["has_offer"]):
        out.append(_stop(conn, clock, at))
    return out


def _stop(conn: Connection, clock: dict[str, Any], at: datetime) -> Event:
    met = at <= clock["due_at"]
    outcome = "met" if met else "breached_late"
    sla_repo.update_clock(conn, clock["mention_id"], stopped_at=at, outcome=outcome)
    etype = EventType.SLA_MET if met else EventType.SLA_BREACHED
    return Event(etype, at, clock["trace_id"], subject=str(clock["mention_id"]),
                 payload={"policy": clock["policy"], "elapsed_s": (at - clock["started_at"]).total_seconds()})


def stop_crisis_clocks(conn: Connection, events: Sequence[Event]) -> list[Event]:
    """An L3 plan proposed with its owner notified stops the crisis clocks of that incident."""
    out: list[Event] = []
    for ev in events:
        if ev.type != EventType.OWNER_NOTIFIED or not ev.incident_id:
            continue
        for clock in sla_repo.open_clocks(conn):
            if clock["policy"] == "crisis" and clock["trace_id"] == ev.trace_id:
                out.append(_stop(conn, clock, ev.at))
    append_events(conn, out)
    return out


def void_clocks(conn: Connection, relabelled: Sequence[Analysis]) -> list[Event]:
    """A post found to be a suspected fake needs no answer: void its clock and withdraw its pending draft."""
    out: list[Event] = []
    for a in relabelled:
        if a.needs_answer:
            continue
        clock = sla_repo.get(conn, a.mention_id)
        if clock and clock["outcome"] is None:
            sla_repo.update_clock(conn, a.mention_id, outcome="void")
            out.append(Event(EventType.SLA_VOIDED, clock["started_at"], clock["trace_id"], subject=str(a.mention_id),
                             payload={"policy": clock["policy"], "reason": a.authenticity.value}))
        for item in approvals_repo.listing(conn, status="pending", kind="reply"):
            if item["mention_id"] == a.mention_id:
                approvals_repo.set_status(conn, item["id"], "withdrawn")
    append_events(conn, out)
    return out


def tick_clocks(conn: Connection, now: datetime) -> list[Event]:
    """Warnings at 80% of the budget and breaches at the deadline, stamped at the moment they occurred."""
    out: list[Event] = []
    for clock in sla_repo.open_clocks(conn):
        policy = POLICIES[clock["policy"]]
        warn = warn_at(clock["started_at"], policy)
        if clock["warned_at"] is None and now >= warn:
            sla_repo.update_clock(conn, clock["mention_id"], warned_at=warn)
            out.append(Event(EventType.SLA_WARNING, warn, clock["trace_id"], subject=str(clock["mention_id"]),
                             payload={"policy": policy.name}))
        if now >= clock["due_at"]:
            sla_repo.update_clock(conn, clock["mention_id"], outcome="breached")
            out.append(Event(EventType.SLA_BREACHED, clock["due_at"], clock["trace_id"],
                             subject=str(clock["mention_id"]), payload={"policy": policy.name}))
    append_events(conn, out)
    return out
