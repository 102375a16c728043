"""KPIs from the append-only event log alone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flexloop.domain.records import Event
from flexloop.domain.vocab import EventType


def _pct(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def kpis(events: Sequence[Event]) -> dict[str, Any]:
    """alert→first action seconds, coverage, SLA met share and counts, complaint→positive conversion."""
    alerts = sorted(e.at for e in events if e.type == EventType.ALERT_FIRED)
    actions = sorted(e.at for e in events if e.type == EventType.ACTION_EXECUTED
                     and e.payload.get("type") != "reply")
    first_action = next((a for a in actions if alerts and a >= alerts[0]), None)
    plans = [e for e in events if e.type == EventType.PLAN_PROPOSED]
    affected = sum(int(e.payload.get("scope", {}).get("affected_orders", 0)) for e in plans)
    covered = sum(int(e.payload.get("covered_orders", 0)) for e in plans)
    met = sum(1 for e in events if e.type == EventType.SLA_MET)
    breached = sum(1 for e in events if e.type == EventType.SLA_BREACHED)
    replied = {e.payload.get("author") for e in events if e.type == EventType.REPLY_PUBLISHED}
    complainants = {e.payload.get("author") for e in events if e.type == EventType.REPLY_PUBLISHED
                    and e.payload.get("complaint")}
    converted = {e.payload.get("author") for e in events if e.type == EventType.FOLLOW_UP_POSITIVE}
    return {
        "alert_to_first_action_s": (first_action - alerts[0]).total_seconds() if first_action and alerts else None,
        "coverage_pct": _pct(covered, affected),
        "sla_met_pct": _pct(met, met + breached),
        "sla_met": met,
        "sla_breached": breached,
        "complaint_to_positive_pct": _pct(len(converted & complainants), len(complainants)),
        "replied_authors": len(replied - {None}),
    }
