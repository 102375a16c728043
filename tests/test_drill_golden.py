"""The golden end-to-end test: StyleLink seed 1 through the real pipeline, via the CLI's JSON contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

KEYS = {"alert", "class_mix", "class_mix_truth", "tier", "tier_history", "actions", "coverage_pct", "replies",
        "sla", "kpis"}


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cwd = tmp_path_factory.mktemp("drill")
    env = {**os.environ, "FLEXLOOP_DATABASE_URL": f"sqlite:///{cwd / 'mine.db'}"}
    r = subprocess.run([sys.executable, "-m", "flexloop.cli", "drill", "stylelink", "--seed", "1", "--json"],
                       cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert not (Path(cwd) / "mine.db").exists(), "a drill never touches the user's store"
    out: dict[str, Any] = json.loads(r.stdout)
    return out


def test_contract_keys(drill: dict[str, Any]) -> None:
    assert set(drill) >= KEYS
    assert set(drill["alert"]) == {"at_complaints", "at"}
    classes = {"logistics", "product_question", "fake", "other"}
    assert set(drill["class_mix"]) == set(drill["class_mix_truth"]) == classes
    assert set(drill["sla"]) == {"met_pct", "met", "breached"}
    assert set(drill["kpis"]) == {"alert_to_first_action_s", "coverage_pct", "sla_met_pct", "sla_met", "sla_breached",
                                  "complaint_to_positive_pct"}
    for a in drill["actions"]:
        assert set(a) == {"type", "orders", "status", "at"} and a["status"] in ("executed", "dry_run", "rejected")


def test_stylelink_figures(drill: dict[str, Any]) -> None:
    assert drill["alert"]["at_complaints"] == 15
    for cls, share in drill["class_mix"].items():
        assert abs(share - drill["class_mix_truth"][cls]) <= 3, cls
    history = drill["tier_history"]
    alert_at = drill["alert"]["at"]
    assert [h["tier"] for h in history if h["at"] <= alert_at][-1] == "L1"
    assert "L2" in [h["tier"] for h in history if h["at"] > alert_at]
    assert drill["tier"] == "L2"
    assert drill["coverage_pct"] >= 95
    assert drill["sla"]["met_pct"] == 100 and drill["sla"]["breached"] == 0
    assert {a["type"] for a in drill["actions"]} >= {"switch_carrier", "move_to_warehouse"}
    assert set(drill["replies"]) >= {"en", "es", "zh", "ar", "id"}
    assert drill["kpis"]["alert_to_first_action_s"] > 0
    assert 0 < drill["kpis"]["complaint_to_positive_pct"] < 100
