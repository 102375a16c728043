"""The reroute optimizer: exact against brute force, binding reasons, limits respected."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array

from flexloop.decide.optimizer import RerouteOption, RerouteOrder, RerouteResult, solve_reroute
from flexloop.decide.optimizer_bench import make_instance

TODAY = date(2026, 11, 2)  # the bench instances are generated for this day too


def _option(oid: str, **kw: Any) -> RerouteOption:
    base: dict[str, Any] = {
        "id": oid,
        "kind": "carrier",
        "carrier": "C1",
        "warehouse": "ORIGIN",
        "countries": frozenset({"US"}),
        "cost_per_order": 5.0,
        "transit_days": 2.0,
        "capacity": 10,
        "kg_co2e_per_tkm": 0.107,
        "distance_km": 1000.0,
    }
    base.update(kw)
    return RerouteOption(**base)


def _order(oid: str, sku: str = "A", qty: int = 1, country: str = "US", days: int = 3) -> RerouteOrder:
    return RerouteOrder(oid, sku, qty, country, f"CN-{country}", TODAY + timedelta(days=days), 30.0, 0.5)


def _random_instance(rng: random.Random) -> tuple[list[RerouteOrder], list[RerouteOption]]:
    orders = [
        _order(f"o{i}", rng.choice("AB"), rng.randint(1, 3), rng.choice(["US", "US", "CA", "MX"]), rng.randint(0, 4))
        for i in range(rng.randint(1, 6))
    ]
    houses = {"W1": {"A": rng.randint(0, 5), "B": rng.randint(0, 5)}, "W2": {"A": rng.randint(0, 4)}}
    options = []
    for j in range(rng.randint(1, 4)):
        wh = rng.choice(["ORIGIN", "W1", "W2"])
        options.append(
            _option(
                f"p{j}",
                kind="carrier" if wh == "ORIGIN" else "warehouse",
                warehouse=wh,
                countries=frozenset(rng.sample(["US", "CA"], rng.randint(1, 2))),
                cost_per_order=round(rng.uniform(1, 20), 2),
                transit_days=float(rng.randint(1, 6)),
                lead_days=rng.choice([0.0, 0.5, 2.0]),
                capacity=rng.randint(0, 4),
                stock=None if wh == "ORIGIN" else houses[wh],
                distance_km=rng.uniform(10, 5000),
            )
        )
    return orders, options


def _shared_lane_instance(rng: random.Random) -> tuple[list[RerouteOrder], list[RerouteOption]]:
    """Countries served by the same options (one country to the model), stock pools, mixed quantities."""
    orders = [
        _order(f"o{i}", rng.choice("AB"), rng.randint(1, 3), rng.choice(["US", "CA"]), rng.randint(0, 4))
        for i in range(rng.randint(2, 6))
    ]
    houses = {"W1": {"A": rng.randint(1, 6), "B": rng.randint(0, 4)}, "W2": {"A": rng.randint(0, 3), "B": 2}}
    options = [
        _option(
            f"p{j}",
            kind="carrier" if wh == "ORIGIN" else "warehouse",
            warehouse=wh,
            countries=frozenset({"US", "CA"}),
            cost_per_order=round(rng.uniform(1, 20), 2),
            transit_days=float(rng.randint(1, 6)),
            capacity=rng.randint(1, 4),
            stock=None if wh == "ORIGIN" else houses[wh],
            distance_km=rng.uniform(10, 5000),
        )
        for j, wh in enumerate(rng.choice(["ORIGIN", "W1", "W2"]) for _ in range(rng.randint(2, 4)))
    ]
    return orders, options


def _brute(orders: list[RerouteOrder], options: list[RerouteOption], carbon: float) -> tuple[int, float]:
    """Fewest unassigned orders, then least cost, over every assignment."""
    best = (len(orders) + 1, 0.0)
    choices = [[None, *[p for p in options if o.country in p.countries]] for o in orders]
    for pick in itertools.product(*choices):
        load: dict[str, int] = {}
        units: dict[tuple[str, str], int] = {}
        cost, left = 0.0, 0
        for o, p in zip(orders, pick, strict=True):
            if p is None:
                left += 1
                continue
            load[p.id] = load.get(p.id, 0) + 1
            if p.stock is not None:
                units[(p.warehouse, o.sku)] = units.get((p.warehouse, o.sku), 0) + o.qty
            late = max(0, (TODAY + timedelta(days=p.delivery_days()) - o.promised_by).days)
            cost += p.cost_per_order + 5.0 * late + carbon * p.kg_co2e(o.weight_kg)
        stock_of = {p.warehouse: p.stock for p in options if p.stock is not None}
        if any(n > p.capacity for p in options for k, n in load.items() if k == p.id):
            continue
        if any(n > stock_of[w].get(s, 0) for (w, s), n in units.items()):
            continue
        best = min(best, (left, cost))
    return best


def _check_limits(res: RerouteResult, orders: list[RerouteOrder], options: list[RerouteOption]) -> None:
    by_id = {p.id: p for p in options}
    sku = {o.id: o for o in orders}
    load: dict[str, int] = {}
    units: dict[tuple[str, str], int] = {}
    for a in res.assignments:
        p, o = by_id[a.option_id], sku[a.order_id]
        assert o.country in p.countries
        load[p.id] = load.get(p.id, 0) + 1
        if p.stock is not None:
            units[(p.warehouse, o.sku)] = units.get((p.warehouse, o.sku), 0) + o.qty
            assert units[(p.warehouse, o.sku)] <= p.stock.get(o.sku, 0)
        assert load[p.id] <= p.capacity
    assert {a.order_id for a in res.assignments}.isdisjoint(res.unassigned)
    assert len(res.assignments) + len(res.unassigned) == len(orders)


@pytest.fixture(params=["flow", "pairs"])
def form(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Solve through the flow form or the pair form, whichever is smaller being the default."""
    from flexloop.decide import optimizer_flow

    monkeypatch.setattr(optimizer_flow, "FLOW_MAX_SIZE", math.inf if request.param == "flow" else 0.0)
    return str(request.param)


Instance = Callable[[random.Random], tuple[list[RerouteOrder], list[RerouteOption]]]
CASES = [(_random_instance, seed) for seed in range(40)] + [(_shared_lane_instance, 1000 + s) for s in range(30)]


@pytest.mark.parametrize(("make", "seed"), CASES, ids=[f"{m.__name__.strip('_')}-{s}" for m, s in CASES])
def test_matches_brute_force(make: Instance, seed: int, form: str) -> None:
    """Random instances, and instances where lanes and stock are shared, solve to the brute-force optimum."""
    rng = random.Random(seed)
    orders, options = make(rng)
    carbon = rng.choice([0.0, 0.05])
    res = solve_reroute(orders, options, TODAY, carbon_price_per_kg=carbon)
    left, cost = _brute(orders, options, carbon)
    assert res.status == "optimal"
    assert len(res.unassigned) == left
    assert res.objective == pytest.approx(cost, rel=1e-4, abs=1e-6)
    _check_limits(res, orders, options)


def test_time_limit_leaves_orders_unassigned_with_that_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    """A part that the time limit leaves without any plan is reported as such, not as lacking capacity."""
    from flexloop.decide import optimizer_flow

    monkeypatch.setattr(optimizer_flow, "_run", lambda *a, **k: SimpleNamespace(x=None, status=1, mip_gap=None))
    orders = [_order("a"), _order("b", sku="B", qty=2), _order("lane", country="MX")]
    options = [_option("local", kind="warehouse", warehouse="W1", stock={"A": 5, "B": 5}, capacity=5)]
    res = solve_reroute(orders, options, TODAY)
    assert res.status == "time_limit"
    assert res.assignments == []
    assert res.unassigned == {"a": "time_limit", "b": "time_limit", "lane": "no_lane"}


def test_reasons_name_the_binding_limit() -> None:
    orders = [_order("lane", country="MX"), _order("stock", sku="B"), _order("cap1"), _order("cap2")]
    options = [
        _option("local", kind="warehouse", warehouse="W1", stock={"A": 5, "B": 0}, capacity=1),
    ]
    res = solve_reroute(orders, options, TODAY)
    assert res.unassigned == {"lane": "no_lane", "stock": "no_stock", "cap2": "no_capacity"} or (
        res.unassigned == {"lane": "no_lane", "stock": "no_stock", "cap1": "no_capacity"}
    )
    assert res.coverage_pct == pytest.approx(25.0)


def test_stock_used_up_by_others_is_no_stock() -> None:
    orders = [_order("a", qty=2), _order("b", qty=2)]
    options = [_option("local", kind="warehouse", warehouse="W1", stock={"A": 3}, capacity=5)]
    res = solve_reroute(orders, options, TODAY)
    assert len(res.assignments) == 1
    assert list(res.unassigned.values()) == ["no_stock"]


def test_shared_warehouse_stock_is_one_pool() -> None:
    stock = {"A": 2}
    options = [
        _option("w-c1", kind="warehouse", warehouse="W1", stock=stock, carrier="C1"),
        _option("w-c2", kind="warehouse", warehouse="W1", stock=stock, carrier="C2"),
    ]
    res = solve_reroute([_order(f"o{i}") for i in range(4)], options, TODAY)
    assert len(res.assignments) == 2
    assert set(res.unassigned.values()) == {"no_stock"}


def test_lateness_and_carbon_steer_the_choice() -> None:
    fast = _option("air", cost_per_order=9.0, transit_days=1.0, kg_co2e_per_tkm=0.6, distance_km=8000.0)
    slow = _option("sea", cost_per_order=4.0, transit_days=6.0, kg_co2e_per_tkm=0.016, distance_km=9000.0)
    order = [_order("o", days=2)]
    assert solve_reroute(order, [fast, slow], TODAY).assignments[0].option_id == "air"
    cheap_late = solve_reroute(order, [fast, slow], TODAY, lateness_penalty_per_day=0.5)
    assert cheap_late.assignments[0].option_id == "sea"
    a = solve_reroute(order, [fast], TODAY).assignments[0]
    assert a.expected_delivery == TODAY + timedelta(days=1)
    assert a.kg_co2e == pytest.approx(0.5 / 1000 * 8000 * 0.6)
    assert a.days_late == 0


def test_deterministic_and_empty() -> None:
    rng = random.Random(3)
    orders, options = _random_instance(rng)
    one = solve_reroute(orders, options, TODAY)
    two = solve_reroute(orders, options, TODAY)
    assert one.assignments == two.assignments and one.unassigned == two.unassigned
    empty = solve_reroute([], options, TODAY)
    assert empty.assignments == [] and empty.coverage_pct == 100.0
    none = solve_reroute(orders, [], TODAY)
    assert set(none.unassigned.values()) == {"no_lane"}


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        solve_reroute([_order("x"), _order("x")], [], TODAY)
    with pytest.raises(ValueError):
        solve_reroute([_order("x")], [_option("p", capacity=-1)], TODAY)
    w1 = _option("a", warehouse="W", stock={"A": 1})
    w2 = _option("b", warehouse="W", stock={"A": 2})
    with pytest.raises(ValueError):
        solve_reroute([_order("x")], [w1, w2], TODAY)


def _per_order_model(orders: list[RerouteOrder], options: list[RerouteOption]) -> tuple[int, float]:
    """The plain model, one binary per (order, option), solved lexicographically: coverage, then cost."""
    pairs = [(i, j) for i, o in enumerate(orders) for j, p in enumerate(options) if o.country in p.countries]
    pools = sorted({p.warehouse for p in options if p.stock is not None})
    skus = sorted({o.sku for o in orders})
    rows = lil_array((len(orders) + len(options) + len(pools) * len(skus), len(pairs)))
    ub = [1.0] * len(orders) + [float(p.capacity) for p in options]
    stock_of = {p.warehouse: p.stock for p in options if p.stock is not None}
    ub += [float(stock_of[w].get(s, 0)) for w in pools for s in skus]
    cost = np.zeros(len(pairs))
    for k, (i, j) in enumerate(pairs):
        o, p = orders[i], options[j]
        rows[i, k] = 1
        rows[len(orders) + j, k] = 1
        if p.stock is not None:
            rows[len(orders) + len(options) + pools.index(p.warehouse) * len(skus) + skus.index(o.sku), k] = o.qty
        late = max(0, (TODAY + timedelta(days=p.delivery_days()) - o.promised_by).days)
        cost[k] = p.cost_per_order + 5.0 * late
    cons = [LinearConstraint(rows.tocsr(), -np.inf, np.array(ub))]
    first = milp(-np.ones(len(pairs)), integrality=np.ones(len(pairs)), bounds=Bounds(0, 1), constraints=cons)
    covered = round(-first.fun)
    cons.append(LinearConstraint(np.ones((1, len(pairs))), covered, np.inf))
    second = milp(cost, integrality=np.ones(len(pairs)), bounds=Bounds(0, 1), constraints=cons)
    return covered, float(second.fun)


@pytest.mark.parametrize(("n", "k", "seed"), [(160, 5, 3), (240, 6, 11)])
def test_aggregated_model_matches_the_per_order_model(n: int, k: int, seed: int, form: str) -> None:
    inst = make_instance(n, k, seed=seed)
    res = solve_reroute(inst.orders, inst.options, inst.today)
    covered, cost = _per_order_model(inst.orders, inst.options)
    assert res.status == "optimal"
    assert len(res.assignments) == covered
    assert res.objective == pytest.approx(cost, rel=1e-4)
    _check_limits(res, inst.orders, inst.options)
