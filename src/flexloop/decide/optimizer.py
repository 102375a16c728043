"""Reroute optimizer: give each affected unshipped order a backup carrier, local stock or a transfer.

The model, solved with HiGHS (``scipy.optimize.milp``) to a relative gap of at most 1e-4:

* each order takes at most one option that serves its country, or stays unassigned;
* an option ships at most ``capacity`` orders; options naming the same warehouse with a ``stock``
  mapping draw on one stock pool, in units per SKU (``stock=None`` means not stock-limited);
* coverage comes first (lexicographic: an unassigned order outweighs any cost), then the least
  cost_per_order + lateness_penalty_per_day x days late + carbon_price_per_kg x kg CO2e.

How the integer program is built and why it is exact: ``optimizer_model`` (aggregation) and
``optimizer_flow`` (the flow form HiGHS solves, with integers only where stock rows need them).

Orders left unassigned carry the reason that binds: ``no_lane`` (no option serves the country),
``no_stock`` (no option with stock for it left), ``no_capacity`` (lanes and stock exist but the
capacity went to other orders), or ``time_limit`` (the time limit ran out before HiGHS found any
plan for the independent part the order belongs to; status is then ``time_limit``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from flexloop.decide.optimizer_flow import solve
from flexloop.decide.optimizer_model import OPTIMAL_GAP, Model, SolveStatus, build

OptionKind = Literal["carrier", "warehouse", "transfer"]
Reason = Literal["no_lane", "no_stock", "no_capacity", "time_limit"]

__all__ = ["OPTIMAL_GAP", "Assignment", "RerouteOption", "RerouteOrder", "RerouteResult", "solve_reroute"]


@dataclass(frozen=True)
class RerouteOrder:
    """An affected, not yet shipped order that may be moved."""

    id: str
    sku: str
    qty: int
    country: str
    lane: str
    promised_by: date
    value: float
    weight_kg: float = 0.3


@dataclass(frozen=True, kw_only=True)
class RerouteOption:
    """A way to ship an order: a backup carrier, a local warehouse or a cross-region transfer."""

    id: str
    kind: OptionKind
    carrier: str
    warehouse: str
    countries: frozenset[str]
    cost_per_order: float
    transit_days: float
    lead_days: float = 0.0
    capacity: int
    stock: Mapping[str, int] | None = None
    kg_co2e_per_tkm: float
    distance_km: float
    mode: str = "road"

    def delivery_days(self) -> int:
        """Whole days from today until delivery through this option."""
        return max(0, math.ceil(self.lead_days + self.transit_days - 1e-9))

    def kg_co2e(self, weight_kg: float) -> float:
        """Emissions of one parcel of this weight: tonnes x km x kg CO2e per tonne-km."""
        return weight_kg / 1000.0 * self.distance_km * self.kg_co2e_per_tkm


@dataclass(frozen=True)
class Assignment:
    """One order moved to one option, with what it costs and when it arrives."""

    order_id: str
    option_id: str
    cost: float
    expected_delivery: date
    kg_co2e: float
    days_late: int


@dataclass(frozen=True)
class RerouteResult:
    """The plan: assignments, the orders left where they are and why, and the solver's figures.

    `objective` is cost + lateness penalty + carbon price of the assignments (coverage is maximised
    before it, so unassigned orders carry no finite price); `gap` is HiGHS's relative gap on it;
    `unassigned` maps order id to reason (see the module docstring; ``time_limit`` when the time
    ran out before any plan for the order's part was found);
    `cost` of an assignment and `total_cost` are the options' cost_per_order only.
    """

    status: SolveStatus
    objective: float
    gap: float
    seconds: float
    assignments: list[Assignment]
    unassigned: dict[str, Reason]
    coverage_pct: float
    total_cost: float
    total_kg_co2e: float


def _validate(orders: Sequence[RerouteOrder], options: Sequence[RerouteOption]) -> None:
    """Reject inputs the model cannot represent, with a message that names the culprit."""
    if len({o.id for o in orders}) != len(orders):
        raise ValueError("order ids must be unique")
    if len({o.id for o in options}) != len(options):
        raise ValueError("option ids must be unique")
    for o in orders:
        if o.qty < 1:
            raise ValueError(f"order {o.id}: qty must be at least 1")
    for p in options:
        if p.capacity < 0 or p.cost_per_order < 0 or p.distance_km < 0 or p.kg_co2e_per_tkm < 0:
            raise ValueError(f"option {p.id}: capacity, cost, distance and emissions must not be negative")


def _reasons(
    m: Model,
    orders: Sequence[RerouteOrder],
    options: Sequence[RerouteOption],
    used: NDArray[np.int64],
    left: list[int],
) -> dict[str, Reason]:
    """Binding reason per order left over, from the residual stock after the plan."""
    if not left:
        return {}
    used_stock: dict[tuple[int, int], int] = {}
    for i in np.flatnonzero(used >= 0).tolist():
        w = int(m.pool_of[used[i]])
        if w >= 0:
            key = (w, m.sku_index[orders[i].sku])
            used_stock[key] = used_stock.get(key, 0) + orders[i].qty
    cache: dict[tuple[str, str, int], Reason] = {}
    out: dict[str, Reason] = {}
    for i in left:
        o = orders[i]
        ck = (o.country, o.sku, o.qty)
        if ck not in cache:
            serving = [j for j, p in enumerate(options) if o.country in p.countries]
            s = m.sku_index[o.sku]
            stocked = [
                j
                for j in serving
                if m.pool_of[j] < 0
                or m.stock.get((int(m.pool_of[j]), s), 0) - used_stock.get((int(m.pool_of[j]), s), 0) >= o.qty
            ]
            cache[ck] = "no_lane" if not serving else "no_capacity" if stocked else "no_stock"
        out[o.id] = cache[ck]
    return out


def _assign(
    m: Model, orders: Sequence[RerouteOrder], options: Sequence[RerouteOption], today: date, x: NDArray[np.int64]
) -> tuple[list[Assignment], NDArray[np.int64], NDArray[np.int64]]:
    """Counts per (group, option) into assignments of the groups' first members, in pair order."""
    used = np.full(len(orders), -1, dtype=np.int64)
    assignments: list[Assignment] = []
    add = assignments.append
    taken = np.zeros(len(m.groups.n), dtype=np.int64)
    for k in np.flatnonzero(x).tolist():
        c, j, n = int(m.pair_group[k]), int(m.pair_option[k]), int(x[k])
        p = options[j]
        when = today + timedelta(days=p.delivery_days())
        start = int(taken[c])
        chosen = m.groups.members[c][start : start + n]
        used[chosen] = j
        late = max(0, (when - orders[chosen[0]].promised_by).days)  # a group shares its promised date
        pid, cost, km, per_tkm = p.id, p.cost_per_order, p.distance_km, p.kg_co2e_per_tkm
        for i in chosen:
            o = orders[i]
            add(Assignment(o.id, pid, cost, when, o.weight_kg / 1000.0 * km * per_tkm, late))
        taken[c] += n
    return assignments, used, taken


def solve_reroute(
    orders: Sequence[RerouteOrder],
    options: Sequence[RerouteOption],
    today: date,
    lateness_penalty_per_day: float = 5.0,
    carbon_price_per_kg: float = 0.0,
    time_limit_s: float = 30.0,
) -> RerouteResult:
    """Assign orders to options: most orders covered first, then least cost + lateness + carbon."""
    started = time.perf_counter()
    _validate(orders, options)
    if lateness_penalty_per_day < 0 or carbon_price_per_kg < 0:
        raise ValueError("lateness penalty and carbon price must not be negative")
    m = build(orders, options, today, lateness_penalty_per_day, carbon_price_per_kg)
    x, status, gap, unsolved = solve(m, time_limit_s)
    assignments, used, taken = _assign(m, orders, options, today, x)
    left = [i for c, mem in enumerate(m.groups.members) if not unsolved[c] for i in mem[int(taken[c]) :]]
    unassigned = _reasons(m, orders, options, used, left)
    unassigned.update({orders[i].id: "time_limit" for c in np.flatnonzero(unsolved) for i in m.groups.members[c]})
    objective = float(np.dot(m.pair_cost, x)) if len(x) else 0.0
    return RerouteResult(
        status=status,
        objective=objective,
        gap=gap,
        seconds=time.perf_counter() - started,
        assignments=assignments,
        unassigned=unassigned,
        coverage_pct=100.0 * len(assignments) / len(orders) if orders else 100.0,
        total_cost=sum(a.cost for a in assignments),
        total_kg_co2e=sum(a.kg_co2e for a in assignments),
    )
