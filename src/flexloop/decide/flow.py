"""Decide: answer alert, tier, warning and advisory events with a plan from the playbooks; queue its actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from flexloop.decide.optimizer import solve_reroute
from flexloop.decide.plan import (
    actions_from,
    destination,
    money,
    offer_choices,
    outline,
    reroute_options,
    reroute_orders,
)
from flexloop.decide.playbooks import Playbook, matching, shipped
from flexloop.domain.records import Event, Order
from flexloop.domain.vocab import UNSHIPPED, EventType
from flexloop.store import approvals_repo, incidents_repo, mentions_repo, network_repo
from flexloop.store.events import append_events

TRIGGERS = {EventType.ALERT_FIRED, EventType.TIER_CHANGED, EventType.WARNING_FIRED, EventType.ADVISORY_ISSUED}
DELAY_SHARE = 0.2
LANE_LOOKBACK = timedelta(hours=48)


def delayed_lanes(conn: Connection, countries: Sequence[str], at: datetime) -> list[str]:
    """Lanes into the incident's countries where carriers report trouble on a fifth of recent events."""
    health = network_repo.lane_trouble(conn, at - LANE_LOOKBACK, at)
    return sorted(lane for lane, (n, bad) in health.items()
                  if destination(lane) in countries and n and bad / n >= DELAY_SHARE)


def _affected(conn: Connection, product: str, countries: Sequence[str], lanes: Sequence[str], at: datetime,
              scope: str) -> list[Order]:
    orders = mentions_repo.scoped_orders(conn, product, countries, [s.value for s in UNSHIPPED], at)
    return [o for o in orders if scope == "all_unshipped" or o.lane in lanes]


def _in_cooldown(conn: Connection, pb: Playbook, incident_id: str, at: datetime) -> bool:
    for p in incidents_repo.plans_for(conn, incident_id):
        if p["playbook"] == pb.id and at - p["created_at"] < timedelta(minutes=max(pb.cooldown_minutes, 0)):
            return True
    return False


def build_plan(conn: Connection, pb: Playbook, payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    """Outline + the optimizer's assignment of affected orders + offers + money at risk."""
    inc = payload.get("incident", {})
    body = outline(pb)
    body["actions"] = [dict(a, orders=[]) for a in body["actions"]]
    rr = pb.then.reroute
    countries = list(inc.get("countries") or payload.get("countries") or [])
    product = str(inc.get("product") or payload.get("product") or "unknown")
    lanes = delayed_lanes(conn, countries, at) or list(payload.get("advisory", {}).get("lanes", []))
    affected = _affected(conn, product, countries, lanes, at, rr.scope if rr else "all_unshipped")
    body["scope"] = {"product": product, "countries": countries, "lanes": lanes, "affected_orders": len(affected)}
    reroute_cost = 0.0
    if rr is not None and affected:
        options = reroute_options(rr.options, product, lanes, network_repo.load_carriers(conn),
                                  network_repo.load_warehouses(conn))
        result = solve_reroute(reroute_orders(affected, at.date()), options, at.date(),
                               rr.lateness_penalty_per_day, rr.carbon_price_per_kg)
        body["actions"] += actions_from(result, options)
        reroute_cost = result.total_cost
        reasons: dict[str, int] = {}
        for why in result.unassigned.values():
            reasons[why] = reasons.get(why, 0) + 1
        body["reroute_result"] = {
            "status": result.status, "coverage_pct": round(result.coverage_pct, 2), "total_cost": result.total_cost,
            "kg_co2e": round(result.total_kg_co2e, 3), "gap": result.gap, "unassigned": reasons,
            "seconds": round(result.seconds, 3),
        }
    for a in body["actions"]:
        if not a["orders"] and a["type"] in ("hold", "pause_product", "packaging_flag"):
            a["orders"] = [o.id for o in affected] if a["params"].get("scope") == "affected" else []
    body["money"] = money(affected, body["compensation"], reroute_cost).as_dict()
    if body["compensation"]:
        body["choices"] = offer_choices(at.date(), current_days=10, local_days=2)
    return body


def decide(conn: Connection, events: Sequence[Event], now: datetime,
           books: Sequence[Playbook] | None = None) -> list[Event]:
    """One plan per triggering event, from the highest-priority matching playbook."""
    out: list[Event] = []
    for ev in events:
        if ev.type not in TRIGGERS:
            continue
        found = matching(books if books is not None else shipped(), ev.type, ev.payload)
        if not found or (ev.incident_id and _in_cooldown(conn, found[0], ev.incident_id, ev.at)):
            continue
        pb = found[0]
        at = max(ev.at, now) if ev.at > now else now
        body = build_plan(conn, pb, ev.payload, at)
        plan_id = f"plan-{pb.id}-{ev.incident_id or ev.subject}-{at:%Y%m%dT%H%M%S}"
        incidents_repo.save_plan(conn, plan_id, ev.incident_id or ev.subject, ev.trace_id, pb.id, at, body)
        out.append(Event(EventType.PLAN_PROPOSED, at, ev.trace_id, subject=plan_id, incident_id=ev.incident_id,
                         payload={"playbook": pb.id, "actions": [{"type": a["type"], "orders": len(a["orders"])}
                                                                 for a in body["actions"]],
                                  "scope": body["scope"], "money": body["money"],
                                  "covered_orders": sum(len(a["orders"]) for a in body["actions"]
                                                        if a["type"] in ("switch_carrier", "move_to_warehouse"))}))
        for action in body["actions"]:
            approvals_repo.queue(conn, "action", ev.trace_id, ev.incident_id, plan_id, None, at, action)
            out.append(Event(EventType.ACTION_QUEUED, at, ev.trace_id, subject=action["type"],
                             incident_id=ev.incident_id, payload={"plan_id": plan_id, "orders": len(action["orders"])}))
        if pb.then.notify_owner:
            out.append(Event(EventType.OWNER_NOTIFIED, at, ev.trace_id, subject=plan_id, incident_id=ev.incident_id))
    append_events(conn, out)
    return out
