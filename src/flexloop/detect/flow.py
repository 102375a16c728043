"""Detect: link analysed posts to incidents, fire the count alert, grade tiers; every change is an event."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import Connection

from flexloop.detect.incidents import (
    POLICY,
    IncidentState,
    Post,
    TierPolicy,
    TierReading,
    incident_key,
    next_tier,
)
from flexloop.detect.windows import IncidentWindow
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
        "state": _dump(IncidentState()) | {"window": IncidentWindow().to_json()},
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
    facts = mentions_repo.post_facts(conn, [a.mention_id for a in fresh if incident_key(a)])
    touched: dict[str, list[Post]] = defaultdict(list)
    firsts: dict[str, Analysis] = {}
    for a in sorted((a for a in fresh if a.mention_id in facts), key=lambda a: (facts[a.mention_id][0], a.mention_id)):
        key = incident_key(a)
        if key:
            touched[key].append(Post.of_parts(a.mention_id, *facts[a.mention_id], a))
            firsts.setdefault(key, a)
    retracted: dict[str, list[int]] = defaultdict(list)
    for a in relabelled:
        key = incident_key(a)
        if key:
            retracted[key].append(a.mention_id)
            touched.setdefault(key, [])
    out: list[Event] = []
    for incident_id, batch in touched.items():
        row = incidents_repo.get_incident(conn, incident_id)
        if row is None:
            if not batch:
                continue
            row, evs = _open(conn, incident_id, firsts[incident_id], batch[0].at)
            out += evs
        window = _window(conn, row, {p.mention_id for p in batch})
        mentions_repo.link_incident(conn, [p.mention_id for p in batch], incident_id)
        out += _grade(conn, row, window, batch, retracted.get(incident_id, []), now, policy)
    append_events(conn, out)
    return out


def _window(conn: Connection, row: dict[str, Any], new_ids: set[int]) -> IncidentWindow:
    """The incident's streaming window; an incident stored before windows existed is counted once from its posts."""
    raw = dict(row.get("state") or {})
    if "window" in raw:
        return IncidentWindow.from_json(raw["window"])
    window = IncidentWindow()
    for m, a in mentions_repo.incident_posts(conn, str(row["id"])):
        if m.id not in new_ids:
            window.add(Post.of(m, a))
    window.alerted = raw.get("alerted_at") is not None
    return window


def _grade(
    conn: Connection,
    row: dict[str, Any],
    window: IncidentWindow,
    batch: Sequence[Post],
    retracted: Sequence[int],
    now: datetime,
    policy: TierPolicy,
) -> list[Event]:
    """Count the new posts in time order; emit tier changes and the first count alert as they happen."""
    incident_id, trace = str(row["id"]), str(row["trace_id"])
    issue, product = IssueType(str(row["issue_type"])), str(row["product"])
    state = _state(row)
    for mention_id in retracted:
        window.retract(mention_id)
    steps = [(at, list(group)) for at, group in groupby(batch, key=lambda p: p.at)] or [(now, [])]
    out: list[Event] = []
    for at, group in steps:
        alert_post = next((p for p in group if window.add(p, policy)), None)
        for p in group[group.index(alert_post) + 1 :] if alert_post else []:
            window.add(p, policy)
        reading = window.reading(issue, at, policy)
        tier = next_tier(state, reading, at, policy)
        if tier is not None:
            previous, state.tier = state.tier, tier
            state.history.append({"at": at.isoformat(), "tier": tier.value})
            payload = _payload(incident_id, issue, product, tier, reading) | {"from": previous.value, "to": tier.value}
            out.append(
                Event(EventType.TIER_CHANGED, at, trace, subject=incident_id, incident_id=incident_id, payload=payload)
            )
        if alert_post is not None and state.alerted_at is None:
            state.alerted_at = alert_post.at
            payload = _payload(incident_id, issue, product, state.tier, reading)
            payload |= {"complaints": window.complaints, "mention_id": alert_post.mention_id}
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
    body = _dump(state) | {"window": window.to_json()}
    incidents_repo.save_incident(conn, incident_id, tier=state.tier.value, state=body, alerted_at=state.alerted_at)
    return out
