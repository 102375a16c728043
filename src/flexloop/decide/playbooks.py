"""Playbooks as data: schema, loading with clear errors, and the condition matcher."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from flexloop.domain.vocab import ActionType, EventType
from flexloop.errors import BadInput

Op = Literal["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "contains", "exists"]

OPERATORS: dict[str, Any] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "in": lambda a, b: a in b,
    "not_in": lambda a, b: a not in b,
    "gt": lambda a, b: a is not None and a > b,
    "gte": lambda a, b: a is not None and a >= b,
    "lt": lambda a, b: a is not None and a < b,
    "lte": lambda a, b: a is not None and a <= b,
    "contains": lambda a, b: a is not None and b in a,
    "exists": lambda a, b: (a is not None) == bool(b),
}


class Condition(BaseModel):
    """`{path, op, value}`: path is dotted into the event payload, e.g. incident.tier."""

    model_config = ConfigDict(extra="forbid")
    path: str
    op: Op
    value: Any = None


class When(BaseModel):
    model_config = ConfigDict(extra="forbid")
    all: list[Condition] = Field(default_factory=list)
    any: list[Condition] = Field(default_factory=list)


class Action(BaseModel):
    """A supply-chain action with its parameters; `needs_approval` gates it behind a person."""

    model_config = ConfigDict(extra="forbid")
    type: ActionType
    params: dict[str, Any] = Field(default_factory=dict)
    needs_approval: bool = True


class Reroute(BaseModel):
    """Hand the affected unshipped orders to the optimizer over these kinds of options."""

    model_config = ConfigDict(extra="forbid")
    options: list[Literal["backup_carrier", "local_warehouse", "transfer"]]
    scope: Literal["delayed_lanes", "all_unshipped"] = "delayed_lanes"
    lateness_penalty_per_day: float = 5.0
    carbon_price_per_kg: float = 0.0


class Offer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    label: str
    coupon_pct: float = 0.0
    delivery_hours: int | None = None
    cost_per_order: float = 0.0


class Then(BaseModel):
    model_config = ConfigDict(extra="forbid")
    actions: list[Action] = Field(default_factory=list)
    reroute: Reroute | None = None
    cadence_minutes: int = Field(gt=0)
    compensation: list[Offer] = Field(default_factory=list)
    approvals: list[str] = Field(default_factory=lambda: ["supply_chain"])
    notify_owner: bool = False
    owner_on_camera: bool = False
    public_update: str = ""


class Example(BaseModel):
    """An event and the plan it must produce (checked by `flexloop playbook test` and pytest)."""

    model_config = ConfigDict(extra="forbid")
    event: dict[str, Any]
    match: bool = True
    plan: dict[str, Any] = Field(default_factory=dict)


class Playbook(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    trigger: EventType
    priority: int = 0
    when: When = Field(default_factory=When)
    then: Then
    fallback: Then | None = None
    cooldown_minutes: int = 0
    examples: list[Example] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _no_on(cls, data: Any) -> Any:
        if isinstance(data, dict) and (True in data or "on" in data):
            raise ValueError("use the key `trigger` (YAML reads `on` as true)")
        return data


def lookup(payload: Mapping[str, Any], path: str) -> Any:
    """Follow a dotted path into nested mappings; None when a step is missing."""
    node: Any = payload
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def check(cond: Condition, payload: Mapping[str, Any]) -> bool:
    try:
        return bool(OPERATORS[cond.op](lookup(payload, cond.path), cond.value))
    except TypeError:
        return False


def first_failure(pb: Playbook, event_type: str, payload: Mapping[str, Any]) -> str | None:
    """Why a playbook does not match an event (None when it matches)."""
    if pb.trigger.value != event_type:
        return f"trigger is {pb.trigger.value}, the event is {event_type}"
    for cond in pb.when.all:
        if not check(cond, payload):
            return f"{cond.path} {cond.op} {cond.value!r} is false (value: {lookup(payload, cond.path)!r})"
    if pb.when.any and not any(check(c, payload) for c in pb.when.any):
        return "none of the `any` conditions holds"
    return None


def parse_playbook(text: str, source: str) -> Playbook:
    try:
        return Playbook.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise BadInput(f"{source} is not valid YAML: {exc}") from exc
    except ValidationError as exc:
        e = exc.errors()[0]
        where = ".".join(str(p) for p in e["loc"]) or "(top level)"
        raise BadInput(f"{source}: {where}: {e['msg']}") from exc


def load_file(path: Path) -> Playbook:
    return parse_playbook(path.read_text(encoding="utf-8"), str(path))


@functools.cache
def shipped() -> tuple[Playbook, ...]:
    """Every playbook shipped in data/playbooks, highest priority first."""
    folder = resources.files("flexloop") / "data" / "playbooks"
    books = [parse_playbook(f.read_text("utf-8"), f.name) for f in folder.iterdir() if f.name.endswith(".yaml")]
    return tuple(sorted(books, key=lambda b: (-b.priority, b.id)))


def matching(books: Sequence[Playbook], event_type: str, payload: Mapping[str, Any]) -> list[Playbook]:
    return [b for b in books if first_failure(b, event_type, payload) is None]
