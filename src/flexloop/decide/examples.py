"""Playbook examples: an event and the plan it must produce, checked without a database."""

from __future__ import annotations

from typing import Any

from flexloop.decide.plan import outline
from flexloop.decide.playbooks import Example, Playbook, first_failure


def summary(pb: Playbook) -> dict[str, Any]:
    """The comparable facts of a playbook's plan."""
    o = outline(pb)
    return {
        "playbook": o["playbook"],
        "cadence_minutes": o["cadence_minutes"],
        "actions": [a["type"] for a in o["actions"]],
        "reroute_options": (o["reroute"] or {}).get("options", []),
        "compensation": [c["id"] for c in o["compensation"]],
        "notify_owner": o["notify_owner"],
        "owner_on_camera": o["owner_on_camera"],
    }


def run_event(pb: Playbook, event: dict[str, Any]) -> tuple[bool, str | None, dict[str, Any] | None]:
    """(matched, the failing condition, the plan outline)."""
    event_type = str(event.get("type", ""))
    payload = {k: v for k, v in event.items() if k != "type"}
    why = first_failure(pb, event_type, payload)
    return why is None, why, outline(pb) if why is None else None


def check_example(pb: Playbook, ex: Example) -> list[str]:
    """Problems with one example; empty when the playbook does what the example says."""
    matched, why, _ = run_event(pb, ex.event)
    if matched != ex.match:
        return [f"expected {'a match' if ex.match else 'no match'}, got {'a match' if matched else why}"]
    if not matched:
        return []
    got = summary(pb)
    return [f"{k}: expected {v!r}, plan has {got.get(k)!r}" for k, v in ex.plan.items() if got.get(k) != v]
