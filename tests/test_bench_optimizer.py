"""`flexloop bench optimizer`: the JSON contract, bad flags, and deterministic instances."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from flexloop.cli.app import app
from flexloop.decide.optimizer_bench import make_instance


def test_json_is_one_object_with_the_figures() -> None:
    r = CliRunner().invoke(app, ["bench", "optimizer", "--orders", "300", "--options", "6", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert {"seconds", "status", "objective", "coverage", "gap", "orders", "options", "seed"} <= set(out)
    assert out["status"] == "optimal" and out["gap"] <= 1e-4
    assert (out["orders"], out["options"], out["seed"]) == (300, 6, 7)
    assert 0 < out["coverage"] <= 100 and out["seconds"] > 0


def test_bad_flags_exit_2_with_one_line() -> None:
    for args in (["--orders", "0"], ["--options", "0"], ["--orders", "-5"], ["--time-limit", "0"]):
        r = CliRunner().invoke(app, ["bench", "optimizer", *args, "--json"])
        assert r.exit_code == 2, (args, r.output)
        assert r.stdout.strip() == "" or "error" in r.stdout


def test_instances_are_deterministic_by_seed() -> None:
    a, b, c = make_instance(200, 5, 7), make_instance(200, 5, 7), make_instance(200, 5, 8)
    assert a == b and a != c
    assert len(a.orders) == 200
    assert {len([p for p in a.options if "US" in p.countries])} == {5}
    demand_us_ca = sum(o.country in ("US", "CA") for o in a.orders)
    cap = sum(p.capacity for p in a.options if "US" in p.countries)
    assert demand_us_ca * 1.0 <= cap <= demand_us_ca * 1.05
