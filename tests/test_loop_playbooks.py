"""Decide core: the shipped playbooks and their examples, the condition operators, loading errors."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from flexloop.decide.examples import check_example, run_event, summary
from flexloop.decide.playbooks import (
    Condition,
    Example,
    Op,
    Playbook,
    check,
    first_failure,
    load_file,
    lookup,
    matching,
    parse_playbook,
    shipped,
)
from flexloop.errors import BadInput

SHIPPED_FILES = sorted(
    f.name for f in (resources.files("flexloop") / "data" / "playbooks").iterdir() if f.name.endswith(".yaml")
)
EXAMPLES = [(pb, i, ex) for pb in shipped() for i, ex in enumerate(pb.examples)]

MINIMAL = """\
id: tiny
name: tiny playbook
{trigger_line}
when:
  all:
    - {{path: incident.tier, op: eq, value: L1}}
  any:
    - {{path: incident.issue_type, op: eq, value: logistics_delay}}
    - {{path: incident.issue_type, op: eq, value: lost_or_damaged}}
then:
  cadence_minutes: 45
"""


def tiny(trigger_line: str = "trigger: alert_fired") -> Playbook:
    return parse_playbook(MINIMAL.format(trigger_line=trigger_line), "tiny.yaml")


# --- shipped playbooks ---------------------------------------------------------------------------


def test_every_shipped_file_parses() -> None:
    assert SHIPPED_FILES, "no shipped playbooks"
    folder = resources.files("flexloop") / "data" / "playbooks"
    ids = {parse_playbook((folder / name).read_text("utf-8"), name).id for name in SHIPPED_FILES}
    assert len(ids) == len(SHIPPED_FILES)
    assert ids == {pb.id for pb in shipped()}


def test_shipped_is_highest_priority_first() -> None:
    prios = [pb.priority for pb in shipped()]
    assert prios == sorted(prios, reverse=True)


def test_every_shipped_playbook_has_an_example() -> None:
    assert all(pb.examples for pb in shipped())


@pytest.mark.parametrize(("pb", "i", "ex"), EXAMPLES, ids=[f"{pb.id}-{i}" for pb, i, _ in EXAMPLES])
def test_shipped_example_passes(pb: Playbook, i: int, ex: Example) -> None:
    assert check_example(pb, ex) == []


def test_l1_logistics_example_plan_figures() -> None:
    pb = next(b for b in shipped() if b.id == "l1_logistics_delay")
    s = summary(pb)
    assert s["cadence_minutes"] == 60
    assert s["compensation"] == ["wait_coupon", "local_48h"]


def test_check_example_reports_a_wrong_plan_figure() -> None:
    pb = next(b for b in shipped() if b.id == "l1_logistics_delay")
    ex = Example(
        event={"type": "alert_fired", "incident": {"tier": "L1", "issue_type": "logistics_delay"}},
        plan={"cadence_minutes": 999},
    )
    problems = check_example(pb, ex)
    assert len(problems) == 1
    assert "cadence_minutes" in problems[0]


def test_check_example_reports_an_unexpected_no_match() -> None:
    pb = next(b for b in shipped() if b.id == "l1_logistics_delay")
    ex = Example(event={"type": "alert_fired", "incident": {"tier": "L3", "issue_type": "logistics_delay"}})
    problems = check_example(pb, ex)
    assert problems and "incident.tier" in problems[0]


def test_check_example_reports_an_unexpected_match() -> None:
    pb = next(b for b in shipped() if b.id == "l3_safety")
    ex = Example(event={"type": "tier_changed", "incident": {"tier": "L3"}}, match=False)
    assert check_example(pb, ex) != []


def test_matching_picks_the_l3_playbook_for_an_l3_tier_change() -> None:
    payload = {"incident": {"tier": "L3", "issue_type": "safety_risk"}}
    assert [b.id for b in matching(shipped(), "tier_changed", payload)] == ["l3_safety"]
    assert matching(shipped(), "alert_fired", payload) == []


# --- operators -----------------------------------------------------------------------------------

PAYLOAD: dict[str, Any] = {
    "incident": {"tier": "L2", "issue_type": "logistics_delay", "countries": ["US", "MX"], "complaints": 50},
    "note": "customs hold at the border",
    "zero": 0,
    "empty": "",
}


@pytest.mark.parametrize(
    ("path", "op", "value", "expected"),
    [
        ("incident.tier", "eq", "L2", True),
        ("incident.tier", "eq", "L1", False),
        ("missing.path", "eq", "L2", False),
        ("incident.tier", "ne", "L1", True),
        ("incident.tier", "ne", "L2", False),
        ("incident.tier", "in", ["L1", "L2"], True),
        ("incident.tier", "in", ["L3"], False),
        ("incident.nothing", "in", ["L1", "L2"], False),
        ("incident.tier", "not_in", ["L3"], True),
        ("incident.tier", "not_in", ["L2", "L3"], False),
        ("incident.complaints", "gt", 49, True),
        ("incident.complaints", "gt", 50, False),
        ("incident.nothing", "gt", 0, False),
        ("incident.complaints", "gte", 50, True),
        ("incident.complaints", "gte", 51, False),
        ("incident.nothing", "gte", 0, False),
        ("incident.complaints", "lt", 51, True),
        ("incident.complaints", "lt", 50, False),
        ("incident.nothing", "lt", 100, False),
        ("incident.complaints", "lte", 50, True),
        ("incident.complaints", "lte", 49, False),
        ("incident.nothing", "lte", 100, False),
        ("incident.tier", "gt", 1, False),  # str vs int: no match rather than an error
        ("incident.countries", "contains", "MX", True),
        ("incident.countries", "contains", "FR", False),
        ("note", "contains", "customs", True),
        ("note", "contains", "weather", False),
        ("incident.nothing", "contains", "MX", False),
        ("incident.complaints", "contains", 5, False),  # int is not a container: no match
        ("incident.tier", "exists", True, True),
        ("incident.nothing", "exists", True, False),
        ("incident.nothing", "exists", False, True),
        ("incident.tier", "exists", False, False),
        ("zero", "exists", True, True),
        ("empty", "exists", True, True),
        ("incident.tier.deeper", "exists", True, False),  # a path through a string is missing
    ],
)
def test_operator(path: str, op: Op, value: Any, expected: bool) -> None:
    assert check(Condition(path=path, op=op, value=value), PAYLOAD) is expected


def test_lookup_follows_dotted_paths() -> None:
    assert lookup(PAYLOAD, "incident.countries") == ["US", "MX"]
    assert lookup(PAYLOAD, "zero") == 0
    assert lookup(PAYLOAD, "incident.tier.deeper") is None
    assert lookup({}, "a") is None


def test_unknown_operator_is_refused() -> None:
    with pytest.raises(BadInput):
        parse_playbook(MINIMAL.format(trigger_line="trigger: alert_fired").replace("op: eq", "op: equals"), "x.yaml")


# --- loading errors ------------------------------------------------------------------------------


def test_on_instead_of_trigger_is_refused_naming_trigger() -> None:
    with pytest.raises(BadInput) as err:
        tiny("on: alert_fired")
    assert "trigger" in str(err.value)
    assert "`on`" in str(err.value)  # says why, not just "trigger: Field required"
    assert "tiny.yaml" in str(err.value)


def test_quoted_on_key_is_refused_too() -> None:
    with pytest.raises(BadInput) as err:
        tiny('"on": alert_fired')
    assert "trigger" in str(err.value)
    assert "`on`" in str(err.value)


def test_on_key_in_a_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL.format(trigger_line="on: alert_fired"), encoding="utf-8")
    with pytest.raises(BadInput) as err:
        load_file(path)
    assert "trigger" in str(err.value)
    assert "bad.yaml" in str(err.value)


def test_missing_trigger_is_refused_naming_trigger() -> None:
    with pytest.raises(BadInput) as err:
        tiny("")
    assert "trigger" in str(err.value)


def test_unknown_event_type_is_refused() -> None:
    with pytest.raises(BadInput):
        tiny("trigger: something_happened")


def test_invalid_yaml_is_refused() -> None:
    with pytest.raises(BadInput):
        parse_playbook("id: [unclosed", "broken.yaml")


def test_good_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(MINIMAL.format(trigger_line="trigger: alert_fired"), encoding="utf-8")
    pb = load_file(path)
    assert pb.id == "tiny"
    assert pb.then.cadence_minutes == 45


# --- first_failure -------------------------------------------------------------------------------


def test_first_failure_none_on_a_match() -> None:
    payload = {"incident": {"tier": "L1", "issue_type": "lost_or_damaged"}}
    assert first_failure(tiny(), "alert_fired", payload) is None


def test_first_failure_names_the_trigger() -> None:
    why = first_failure(tiny(), "tier_changed", {"incident": {"tier": "L1", "issue_type": "logistics_delay"}})
    assert why is not None
    assert "alert_fired" in why and "tier_changed" in why


def test_first_failure_names_the_failing_condition() -> None:
    why = first_failure(tiny(), "alert_fired", {"incident": {"tier": "L3", "issue_type": "logistics_delay"}})
    assert why is not None
    assert "incident.tier" in why
    assert "L3" in why


def test_first_failure_names_the_failing_condition_of_a_shipped_playbook() -> None:
    pb = next(b for b in shipped() if b.id == "l1_logistics_delay")
    why = first_failure(pb, "alert_fired", {"incident": {"tier": "L1", "issue_type": "quality_defect"}})
    assert why is not None
    assert "incident.issue_type" in why
    assert "incident.tier" not in why


def test_first_failure_on_the_any_block() -> None:
    why = first_failure(tiny(), "alert_fired", {"incident": {"tier": "L1", "issue_type": "quality_defect"}})
    assert why is not None
    assert "any" in why


def test_run_event_returns_the_outline_only_on_a_match() -> None:
    matched, why, plan = run_event(
        tiny(), {"type": "alert_fired", "incident": {"tier": "L1", "issue_type": "logistics_delay"}}
    )
    assert matched and why is None and plan is not None
    matched, why, plan = run_event(tiny(), {"type": "alert_fired", "incident": {"tier": "L2"}})
    assert not matched and why and plan is None


def test_on_next_to_trigger_is_still_refused() -> None:
    with pytest.raises(BadInput) as err:
        tiny("trigger: alert_fired\non: tier_changed")
    assert "trigger" in str(err.value)
