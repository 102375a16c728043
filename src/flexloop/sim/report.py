"""The drill report: alert, class mix against the truth, tiers, actions, coverage, replies, SLA and KPIs."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, select

from flexloop.domain.vocab import LOGISTICS_ISSUES, SUSPECTED, Authenticity, EventType, IssueType
from flexloop.measure.kpis import kpis
from flexloop.sim.scenario import Scenario
from flexloop.sim.world import World
from flexloop.store.events import read_events
from flexloop.store.tables import analyses, approvals, mentions

CLASSES = ("logistics", "product_question", "fake", "other")


def predicted_class(issue: str, authenticity: str) -> str:
    if Authenticity(authenticity) in SUSPECTED:
        return "fake"
    if IssueType(issue) in LOGISTICS_ISSUES:
        return "logistics"
    return "product_question" if issue == IssueType.PRODUCT_QUESTION.value else "other"


def _mix(labels: list[str]) -> dict[str, float]:
    n = len(labels) or 1
    c = Counter(labels)
    return {k: round(100.0 * c[k] / n, 2) for k in CLASSES}


def report(engine: Engine, sc: Scenario, world: World) -> dict[str, Any]:
    with engine.connect() as conn:
        events = read_events(conn)
        rows = conn.execute(select(mentions.c.native_id, analyses.c.issue_type, analyses.c.authenticity,
                                   analyses.c.incident_id)
                            .join(analyses, analyses.c.mention_id == mentions.c.id)).all()
        id_to_native = dict(conn.execute(select(mentions.c.id, mentions.c.native_id)).all())
        executed = conn.execute(select(approvals).where(approvals.c.kind == "action")).mappings().all()
    truth = world.truth
    incident_rows = [r for r in rows if r.incident_id is not None]
    relevant = [n for n in truth.order if truth.classes[n] != "other"]
    alert = next((e for e in events if e.type == EventType.ALERT_FIRED), None)
    at_complaints = None
    if alert is not None:
        native = id_to_native[alert.payload["mention_id"]]
        upto = truth.order[: truth.order.index(native) + 1]
        at_complaints = sum(1 for n in upto if truth.complaints[n])
    tiers = [e for e in events if e.type == EventType.TIER_CHANGED and alert and e.incident_id == alert.incident_id]
    ranks = ["none", "L1", "L2", "L3"]
    plans = [e for e in events if e.type == EventType.PLAN_PROPOSED]
    first = next((p for p in plans if p.payload["scope"]["affected_orders"]), None)
    coverage = (100.0 * first.payload["covered_orders"] / first.payload["scope"]["affected_orders"]) if first else None
    published = Counter(e.payload["lang"] for e in events
                        if e.type == EventType.REPLY_PUBLISHED and e.payload.get("status") == "published")
    k = kpis(events)
    warnings = sorted((e for e in events if e.type == EventType.WARNING_FIRED), key=lambda e: e.at)
    return {
        "scenario": sc.name,
        "alert": {"at_complaints": at_complaints, "at": alert.at.isoformat() if alert else None},
        "class_mix": _mix([predicted_class(r.issue_type, r.authenticity) for r in incident_rows]),
        "class_mix_truth": _mix([truth.classes[n] for n in relevant]),
        "tier": max((e.payload["to"] for e in tiers), key=ranks.index, default="none"),
        "tier_history": [{"at": e.at.isoformat(), "tier": e.payload["to"]} for e in tiers],
        "actions": [
            {"type": a["body"]["type"], "orders": len(a["body"]["orders"]),
             "status": a["status"],
             "at": (a["executed_at"] or a["decided_at"] or a["created_at"]).isoformat()}
            for a in executed
        ],
        "coverage_pct": None if coverage is None else round(coverage, 2),
        "replies": dict(sorted(published.items())),
        "sla": {"met_pct": k["sla_met_pct"], "met": k["sla_met"], "breached": k["sla_breached"]},
        "kpis": {key: k[key] for key in ("alert_to_first_action_s", "coverage_pct", "sla_met_pct", "sla_met",
                                          "sla_breached", "complaint_to_positive_pct")},
        "mentions": len(rows),
        "warnings": [{"at": w.at.isoformat(), "rule": w.payload["warning"]["rule"],
                      "country": w.payload["warning"]["country"]} for w in warnings],
        "first_warning_day": round((warnings[0].at - sc.start) / timedelta(days=1), 2) if warnings else None,
        "spikes": [{"at": e.at.isoformat(), **{k: e.payload["spike"][k] for k in
                                               ("series", "hour_start", "observed", "expected", "top_terms")}}
                   for e in events if e.type == EventType.SPIKE_FIRED],
        "plans": [{"playbook": p.payload["playbook"], "at": p.at.isoformat(), "scope": p.payload["scope"],
                   "covered_orders": p.payload["covered_orders"], "money": p.payload["money"]} for p in plans],
        "advisories": [{"at": e.at.isoformat(), **{k: e.payload["advisory"][k] for k in
                                                   ("name", "starts_in_days", "countries", "open_orders")}}
                       for e in events if e.type == EventType.ADVISORY_ISSUED],
    }
