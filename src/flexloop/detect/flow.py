"""Detect: link analysed posts to incidents, fire the count alert, grade tiers; every change is an event."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from flexloop.detect.incidents import (
    POLICY,
    IncidentState,
    Post,
    TierPolicy,
    TierReading,
    assess,
    first_alert_post,
    incident_key,
    next_tier,
)
from flexloop.domain.records import Analysis, Event
from flexloop.domain.vocab import EventType, IssueType, Tier
from flexloop.store import incidents_repo, mentions_repo
from flexloop.store.events import append_events


def _state(row: dict[str, Any]) -> IncidentState:
    raw = dict(row.get("state") or {})
    alerted = raw.get("alerted_at")
    since = raw.get("lower_since")
    return IncidentState(
        tier=Tier(raw.get("tier", "none")),
        alerted_at=datetime.fromisoformat(alerted) if alerted else None,
        lower_since=datetime.fromisoformat(since) if since else None,
        history=list(raw.get("history", [])),
    )


def _dump(state: IncidentState) -> dict[str, Any]:
    d = asdict(state)
    d["tier"] = state.tier.value
    for k in ("alerted_at", "lower_since"):
        d[k] = d[k].isoformat() if d[k] else None
    return d


def _payload(incident_id: str, issue: IssueType, product: str, tier: Tier, r: TierReading) -> dict[str, Any]:
    return {
        "incident": {
            "id": incident_id,
            "issue_type": issue.value,
            "product": product,
            "tier": tier.value,
            "genuine_complaints": r.genuine_complaints,
            "countries": list(r.countries),
            "reach": r.reach,
            "reasons": list(r.reasons),
        }
    }


def _open(conn: Connection, incident_id: str, a: Analysis, at: datetime) -> tuple[dict[str, Any], list[Event]]:
    trace = f"tr-{incident_id}-{at:%Y%m%dT%H%M%S}"
    row: dict[str, Any] = {
        "id": incident_id,
        "issue_type": a.issue_type.value,
        "product": a.product,
        "trace_id": trace,
        "tier": Tier.NONE.value,
        "status": "open",
        "opened_at": at,
        "state": _dump(IncidentState()),
    }
    incidents_repo.open_incident(conn, row)
    ev = Event(
        EventType.INCIDENT_OPENED,
        at,
        trace,
        subject=incident_id,
        incident_id=incident_id,
        payload={"issue_type": a.issue_type.value, "product": a.product},
    )
    return row, [ev]


def detect(
    conn: Connection,
    fresh: Sequence[Analysis],
    relabelled: Sequence[Analysis],
    now: datetime,
    policy: TierPolicy = POLICY,
) -> list[Event]:
    """Update incidents touched by new or relabelled analyses; returns the events appended."""
    touched: dict[str, list[Analysis]] = defaultdict(list)
    for a in fresh:
        key = incident_key(a)
        if key:
            touched[key].append(a)
    for a in relabelled:
        key = incident_key(a)
        if key:
            touched.setdefault(key, [])
    new_posts = mentions_repo.mentions_by_id(conn, [a.mention_id for a in fresh])
    out: list[Event] = []
    for incident_id, batch in touched.items():
        row = incidents_repo.get_incident(conn, incident_id)
        if row is None:
            if not batch:
                continue
            first = min(batch, key=lambda a: new_posts[a.mention_id].created_at)
            row, evs = _open(conn, incident_id, first, new_posts[first.mention_id].created_at)
            out += evs
        mentions_repo.link_incident(conn, [a.mention_id for a in batch], incident_id)
        out += _grade(conn, row, {a.mention_id for a in batch}, now, policy)
    append_events(conn, out)
    return out


def _grade(conn: Connection, row: dict[str, Any], new_ids: set[int], now: datetime, policy: TierPolicy) -> list[Event]:
    """Re-read the incident's posts; emit tier changes and the first count alert in post-time order."""
    incident_id, trace = str(row["id"]), str(row["trace_id"])
    issue, product = IssueType(str(row["issue_type"])), str(row["product"])
    state = _state(row)
    posts = [Post.of(m, a) for m, a in mentions_repo.incident_posts(conn, incident_id)]
    alert_post = first_alert_post(posts, policy) if state.alerted_at is None else None
    times = sorted({p.at for p in posts if p.mention_id in new_ids}) or [now]
    out: list[Event] = []
    for at in times:
        reading = assess(posts, issue, at, policy)
        tier = next_tier(state, reading, at, policy)
        if tier is not None:
            previous, state.tier = state.tier, tier
            state.history.append({"at": at.isoformat(), "tier": tier.value})
            payload = _payload(incident_id, issue, product, tier, reading) | {"from": previous.value, "to": tier.value}
            out.append(
                Event(EventType.TIER_CHANGED, at, trace, subject=incident_id, incident_id=incident_id, payload=payload)
            )
        if alert_post is not None and state.alerted_at is None and alert_post.at <= at:
            state.alerted_at = alert_post.at
            count = sum(1 for p in posts if p.complaint and p.at <= alert_post.at)
            payload = _payload(incident_id, issue, product, state.tier, reading)
            payload |= {"complaints": count, "mention_id": alert_post.mention_id}
            out.append(
                Event(
                    EventType.ALERT_FIRED,
                    alert_post.at,
                    trace,
                    subject=incident_id,
                    incident_id=incident_id,
                    payload=payload,
                )
            )
    incidents_repo.save_incident(
        conn, incident_id, tier=state.tier.value, state=_dump(state), alerted_at=state.alerted_at
    )
    return out
