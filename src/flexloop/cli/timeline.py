"""Human-readable output of a drill: the timeline of the event log and the report's figures."""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy import Engine

from flexloop.domain.vocab import EventType

SHOWN = {
    EventType.INCIDENT_OPENED: "incident opened",
    EventType.ALERT_FIRED: "ALERT",
    EventType.TIER_CHANGED: "tier",
    EventType.PLAN_PROPOSED: "plan proposed",
    EventType.ACTION_APPROVED: "action approved",
    EventType.ACTION_EXECUTED: "action executed",
    EventType.OWNER_NOTIFIED: "owner notified",
}


def _line(e: Any) -> str:
    p = e.payload
    if e.type == EventType.ALERT_FIRED:
        return f"{p['complaints']} complaints in 24 h on {e.incident_id} (tier {p['incident']['tier']})"
    if e.type == EventType.TIER_CHANGED:
        return f"{p['from']} -> {p['to']} on {e.incident_id}: {', '.join(p['incident']['reasons'])}"
    if e.type == EventType.PLAN_PROPOSED:
        acts = ", ".join(f"{a['type']} x{a['orders']}" for a in p["actions"])
        return (f"{p['playbook']}: {acts}; {p['scope']['affected_orders']} affected orders, "
                f"revenue at risk {p['money']['revenue_at_risk']:,.0f}, plan cost {p['money']['plan_cost']:,.0f}")
    if e.type == EventType.ACTION_EXECUTED:
        return f"{p['type']} on {p['orders']} orders ({p['status']})"
    if e.type == EventType.ACTION_APPROVED:
        return f"{p.get('type')} by {p['by']}"
    return str(e.subject)


def print_timeline(engine: Engine) -> None:
    from flexloop.store.events import read_events

    with engine.connect() as conn:
        events = read_events(conn, types=list(SHOWN))
    typer.echo("\nTimeline (simulated time, UTC)")
    for e in sorted(events, key=lambda e: e.at):
        if e.type == EventType.INCIDENT_OPENED and e.payload.get("issue_type") not in ("logistics_delay",):
            continue
        typer.echo(f"  {e.at:%a %d %b %H:%M}  {SHOWN[EventType(e.type)]:16} {_line(e)}")


def print_report(r: dict[str, Any]) -> None:
    mix = r["class_mix"]
    truth = r["class_mix_truth"]
    typer.echo("\nReport")
    typer.echo(f"  alert          at {r['alert']['at_complaints']} complaints, {r['alert']['at']}")
    typer.echo("  class mix      " + ", ".join(f"{k} {mix[k]:.1f}% (truth {truth[k]:.1f}%)" for k in mix))
    history = " -> ".join(f"{t['tier']}@{t['at'][5:16]}" for t in r["tier_history"])
    typer.echo(f"  tier           {r['tier']}  {history}")
    for a in r["actions"]:
        typer.echo(f"  action         {a['type']} on {a['orders']} orders, {a['status']} at {a['at'][5:16]}")
    typer.echo(f"  coverage       {r['coverage_pct']}% of affected unshipped orders")
    typer.echo("  replies        " + ", ".join(f"{lang}: {n}" for lang, n in r["replies"].items()))
    s = r["sla"]
    typer.echo(f"  SLA            {s['met_pct']}% met ({s['met']} met, {s['breached']} breached)")
    k = r["kpis"]
    typer.echo(f"  KPIs           alert->first action {k['alert_to_first_action_s']:.0f} s; "
               f"complaint->positive {k['complaint_to_positive_pct']}%")
