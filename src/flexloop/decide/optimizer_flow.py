"""The reroute optimizer's solve: each part of the aggregated model as a flow with a few integers.

A (group, option) count only matters to the rest of the model through three sums: the option's
capacity, the group's count and, when the option draws on a stock pool, the units of the group's SKU
taken from that pool. The cost of a pair depends on the group only through its *cost class*
(country, promised date, and weight when carbon has a price). So the part is solved over

* ``v[g, w]``: orders of group g shipped from stock pool w (``w = -1``: options without stock), and
* ``u[k, j]``: orders of cost class k shipped through option j,

linked by one equality per (class, pool): what the class's groups send through pool w is what the
pool's options carry for that class. Any integer (v, u) splits back into integer (group, option)
counts (fill the options of a (class, pool) from its groups in turn), and every such split has the
same cost, so both models have the same optimum.

Only the stock rows are weighted (by order quantity); without them the rows (group, link, capacity)
form a network matrix. Hence only ``v[g, w]`` that appear in a stock row need to be integer: for any
integer values of those, the rest is a network flow with integer data, whose LP has an integral
optimum of the same cost. After HiGHS solves the mixed model, the integer columns are fixed and the
network part is solved again as an LP, which returns an integral vertex.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_array, csr_array, hstack

from flexloop.decide.optimizer_model import (
    OPTIMAL_GAP,
    Ints,
    Model,
    SolveStatus,
    _stock_keys,
    _stock_load,
    components,
    max_coverage,
)
from flexloop.decide.quiet import quietly

REWARD_FACTOR = 2.0  # first reward per covered order, in units of the dearest assignment; only steers speed
HIGHS_OPTIONS = {"presolve": False}  # the parts are small and tight: HiGHS's presolve costs more than it saves
# HiGHS is asked for a closer gap than OPTIMAL_GAP (what "optimal" promises): its cuts usually close the gap at
# the root anyway, and this keeps it from settling for the first plan within 1e-4, so the reported optimum
# depends less on which incumbent it happened to find first.
SEARCH_GAP = 3e-5
FLOW_MAX_SIZE = 1.0  # solve the flow form when it has fewer columns than this times the pairs, else the pairs


@dataclass(frozen=True)
class Flow:
    """One part as a flow: columns u (class, option) then v (group, pool), rows, and how to map back."""

    u_class: Ints
    u_option: Ints
    v_group: Ints
    v_pool: Ints
    cost: NDArray[np.float64]
    ub: NDArray[np.float64]
    integer: NDArray[np.bool_]
    rows: csr_array
    row_lb: NDArray[np.float64]
    row_ub: NDArray[np.float64]
    group_class: Ints
    pairs: bool = False  # the columns are the (group, option) pairs themselves (see pair_model)


def _unique_rows(*cols: Ints) -> tuple[Ints, Ints]:
    """First occurrence and inverse index of the distinct tuples across equally long int columns."""
    if len(cols[0]) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    stacked = np.stack(cols, axis=1)
    _, first, inv = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
    return first.astype(np.int64), inv.reshape(-1).astype(np.int64)


def flow_model(m: Model) -> Flow:
    """Lay out the part's flow model from its (group, option) pairs."""
    g = m.groups
    ckeys: dict[tuple[str, int, float], int] = {}
    group_class = np.array(
        [ckeys.setdefault((g.country[c], int(g.prom[c]), float(g.kg[c])), len(ckeys)) for c in range(len(g.n))],
        dtype=np.int64,
    )
    pc, po = m.pair_group, m.pair_option
    pool = m.pool_of[po]
    first_u, pair_u = _unique_rows(group_class[pc], po)
    n_u = len(first_u)
    u_ub = np.minimum(np.bincount(pair_u, weights=m.pair_ub, minlength=n_u), m.cap[po[first_u]])
    first_v, pair_v = _unique_rows(pc, pool)
    n_v = len(first_v)
    v_group, v_pool = pc[first_v], pool[first_v]
    v_ub = np.minimum(np.bincount(pair_v, weights=m.pair_ub, minlength=n_v), g.n[v_group])
    stocked = (v_pool >= 0) & (g.sku[v_group] >= 0)
    width = int(g.sku.max(initial=0)) + 1
    skey = v_pool * width + g.sku[v_group]
    units = np.array(
        [m.stock.get((int(k // width), int(k % width)), 0) if s else 0 for k, s in zip(skey, stocked, strict=True)],
        dtype=np.int64,
    )
    qty = np.maximum(g.qty[v_group], 1)
    v_ub = np.where(stocked, np.minimum(v_ub, units // qty), v_ub)
    u_idx, v_idx = np.arange(n_u, dtype=np.int64), n_u + np.arange(n_v, dtype=np.int64)
    parts: list[tuple[Ints, Ints, NDArray[np.float64]]] = []
    lbs: list[NDArray[np.float64]] = []
    ubs: list[NDArray[np.float64]] = []
    n_rows = 0

    def add(cols: Ints, key: Ints, coef: NDArray[np.float64], lb: NDArray[np.float64], ub: NDArray[np.float64]) -> None:
        nonlocal n_rows
        parts.append((key + n_rows, cols, coef))
        lbs.append(lb)
        ubs.append(ub)
        n_rows += len(ub)

    def add_limit(
        cols: Ints, key: Ints, coef: NDArray[np.float64], col_ub: NDArray[np.float64], limit: Ints
    ) -> NDArray[np.bool_]:
        """Rows sum(coef x) <= limit, only those that the columns' bounds do not already imply."""
        load = np.bincount(key, weights=coef * col_ub, minlength=len(limit))
        binding = load > limit + 1e-9
        new_id = np.cumsum(binding) - 1
        on = binding[key]
        add(cols[on], new_id[key[on]], coef[on], np.full(int(binding.sum()), -np.inf), limit[binding].astype(float))
        return binding

    ones_v = np.ones(n_v)
    add_limit(v_idx, v_group, ones_v, v_ub, g.n)
    add_limit(u_idx, po[first_u], np.ones(n_u), u_ub, m.cap)
    skeys, sinv = np.unique(skey[stocked], return_inverse=True)
    limit = np.array([m.stock.get((int(k // width), int(k % width)), 0) for k in skeys], dtype=np.int64)
    row_on = add_limit(v_idx[stocked], sinv.reshape(-1), qty[stocked].astype(float), v_ub[stocked], limit)
    integer = np.zeros(n_u + n_v, dtype=bool)
    integer[v_idx[stocked][row_on[sinv.reshape(-1)]]] = True
    width_p = int(m.pool_of.max(initial=-1)) + 2
    v_link = group_class[v_group] * width_p + v_pool + 1
    links, v_link = np.unique(v_link, return_inverse=True)
    u_link = np.searchsorted(links, group_class[pc[first_u]] * width_p + pool[first_u] + 1)
    add(
        np.concatenate([v_idx, u_idx]),
        np.concatenate([v_link.reshape(-1), u_link]).astype(np.int64),
        np.concatenate([ones_v, -np.ones(n_u)]),
        np.zeros(len(links)),
        np.zeros(len(links)),
    )
    r, c, val = (np.concatenate([p[i] for p in parts]) for i in range(3))
    rows = coo_array((val, (r, c)), shape=(n_rows, n_u + n_v)).tocsr()
    cost = np.concatenate([m.pair_cost[first_u], np.zeros(n_v)])
    ub = np.concatenate([u_ub, v_ub]).astype(np.float64)
    return Flow(
        group_class[pc[first_u]],
        po[first_u],
        v_group,
        v_pool,
        cost,
        ub,
        integer,
        rows,
        np.concatenate(lbs),
        np.concatenate(ubs),
        group_class,
    )


def pair_model(m: Model) -> Flow:
    """The part over its (group, option) pairs, integer only where a stock row holds the pair.

    Used where cost classes barely merge groups (carbon priced per parcel weight), so the flow form
    would be larger. The same argument holds: with the pairs in stock rows fixed, group and capacity
    rows form a bipartite transportation problem, whose LP has an integral optimum.
    """
    g, pc, po = m.groups, m.pair_group, m.pair_option
    lim, key, uniq = _stock_keys(g, pc, po, m.pool_of)
    limit = np.array([float(m.stock.get(k, 0)) for k in uniq], dtype=np.float64)
    binding = _stock_load(g, pc, po, m.pair_ub, m.pool_of) > limit + 1e-9
    integer = np.zeros(len(pc), dtype=bool)
    integer[np.flatnonzero(lim)[binding[key]]] = True
    none = np.zeros(0, dtype=np.int64)
    n_rows = m.rows.shape[0]
    return Flow(
        none,
        none,
        pc,
        po,
        m.pair_cost,
        m.pair_ub.astype(np.float64),
        integer,
        m.rows,
        np.full(n_rows, -np.inf),
        m.row_ub,
        none,
        pairs=True,
    )


@quietly
def _run(f: Flow, cost: NDArray[np.float64], limit: float) -> Any:
    """One HiGHS run; a last column fixed at 1 carries the constant, so the gap is on the true objective."""
    a = hstack([f.rows, csr_array((f.rows.shape[0], 1))]).tocsr()
    return milp(
        cost,
        integrality=np.append(f.integer, False).astype(np.int64),
        bounds=Bounds(np.append(np.zeros(len(f.ub)), 1.0), np.append(f.ub, 1.0)),
        constraints=[LinearConstraint(a, f.row_lb, f.row_ub)] if a.shape[0] else [],
        options={
            "time_limit": max(limit, 0.05),
            "mip_rel_gap": OPTIMAL_GAP if f.pairs else SEARCH_GAP,
            **HIGHS_OPTIONS,
        },
    )


@quietly
def _network(f: Flow, cost: NDArray[np.float64], sol: NDArray[np.float64]) -> Ints | None:
    """The integer columns fixed at `sol`, the rest re-solved by simplex: a network LP, so a vertex is integral."""
    fix = np.where(f.integer, sol, 0.0), np.where(f.integer, sol, f.ub)
    eq = f.row_lb == f.row_ub
    res = linprog(
        cost,
        A_ub=f.rows[np.flatnonzero(~eq)] if (~eq).any() else None,
        b_ub=f.row_ub[~eq] if (~eq).any() else None,
        A_eq=f.rows[np.flatnonzero(eq)] if eq.any() else None,
        b_eq=f.row_ub[eq] if eq.any() else None,
        bounds=np.stack(fix, axis=1),
        method="highs-ds",
    )
    if res.x is None or np.abs(res.x - np.rint(res.x)).max(initial=0.0) > 1e-6:
        return None
    out: Ints = np.rint(res.x).astype(np.int64)
    return out


def _split(m: Model, f: Flow, y: Ints) -> Ints:
    """Integer (class, option) and (group, pool) counts back into counts per (group, option) pair."""
    n_u = len(f.u_class)
    pair_of = {(int(g), int(j)): k for k, (g, j) in enumerate(zip(m.pair_group, m.pair_option, strict=True))}
    supply: dict[tuple[int, int], list[list[int]]] = {}
    for i in np.flatnonzero(y[n_u:]).tolist():
        g = int(f.v_group[i])
        supply.setdefault((int(f.group_class[g]), int(f.v_pool[i])), []).append([g, int(y[n_u + i])])
    x = np.zeros(len(m.pair_group), dtype=np.int64)
    for i in np.flatnonzero(y[:n_u]).tolist():
        j, need = int(f.u_option[i]), int(y[i])
        queue = supply[(int(f.u_class[i]), int(m.pool_of[j]))]
        while need > 0:
            take = min(need, queue[0][1])
            x[pair_of[(queue[0][0], j)]] += take
            need -= take
            queue[0][1] -= take
            if queue[0][1] == 0:
                queue.pop(0)
    return x


def solve(m: Model, time_limit_s: float) -> tuple[Ints, SolveStatus, float, NDArray[np.bool_]]:
    """Solve each independent part on its own; the parts' gaps bound the whole plan's gap.

    Also returns which groups sit in a part that the time limit left without any plan: their orders
    stay unassigned for that reason, not for a lack of lanes, stock or capacity.
    """
    started = time.perf_counter()
    x = np.zeros(len(m.pair_group), dtype=np.int64)
    unsolved = np.zeros(len(m.groups.n), dtype=bool)
    status: SolveStatus = "optimal"
    gap = 0.0
    for part, idx, groups in components(m):
        left = time_limit_s - (time.perf_counter() - started)
        xp, st, gp = _solve_part(part, left)
        if xp is None:
            unsolved[groups] = True
        else:
            x[idx] = xp
        gap = max(gap, gp)
        if st != "optimal":
            status = "time_limit" if st == "time_limit" or status == "time_limit" else "feasible"
    return x, status, gap, unsolved


def _solve_part(m: Model, time_limit_s: float) -> tuple[Ints | None, SolveStatus, float]:
    """Most orders covered, then least cost: counts per pair, status and HiGHS's relative gap.

    With K the largest coverage, HiGHS minimises cost + R x (K - covered). A plan that covers K
    orders and is within the gap of that objective's bound is within the gap of the best plan of
    coverage K, whatever R is, so R only steers the search: it starts moderate (fast) and grows
    tenfold whenever the plan found falls short of K, up to a value where no plan can fall short.
    """
    started = time.perf_counter()
    if len(m.pair_group) == 0:
        return np.zeros(0, dtype=np.int64), "optimal", 0.0
    best = max_coverage(m, time_limit_s)
    f = flow_model(m)
    if len(f.ub) >= FLOW_MAX_SIZE * len(m.pair_group):
        f = pair_model(m)
    n_u = len(f.u_class)
    ceiling = 2.0 * float(np.dot(m.groups.n, _group_max(m))) + 1.0
    reward = min(REWARD_FACTOR * float(m.pair_cost.max()) + 1.0, ceiling)
    target = best if best is not None else int(m.groups.n.sum())
    while True:
        cost = np.append(f.cost - np.where(np.arange(len(f.ub)) >= n_u, reward, 0.0), reward * target)
        res = _run(f, cost, time_limit_s - (time.perf_counter() - started))
        if res.x is None:
            return None, "time_limit", math.inf
        # the integer columns fixed, the rest is a network flow: its LP optimum is an integral vertex
        y = _network(f, cost[:-1], np.rint(res.x[:-1]))
        if y is None and np.abs(res.x - np.rint(res.x)).max() <= 1e-6:
            y = np.rint(res.x[:-1]).astype(np.int64)  # HiGHS's own plan, already integral
        if y is None:
            return None, "time_limit", math.inf
        mip_gap = getattr(res, "mip_gap", None)  # None when no column is integer: then an LP, solved exactly
        gap = float(mip_gap) if mip_gap is not None else 0.0 if res.status == 0 else math.inf
        short = best is not None and int(y[n_u:].sum()) < best
        if short and reward < ceiling and time.perf_counter() - started < time_limit_s:
            reward = min(reward * 10.0, ceiling)
            continue
        break
    x = y if f.pairs else _split(m, f, y)
    proven = res.status == 0 and not short and best is not None and gap <= OPTIMAL_GAP
    return x, "optimal" if proven else "feasible", 0.0 if gap < 1e-12 else gap


def _group_max(m: Model) -> NDArray[np.float64]:
    """Dearest option cost per group (0 where none), to bound what any plan can cost."""
    out = np.zeros(len(m.groups.n), dtype=np.float64)
    np.maximum.at(out, m.pair_group, np.maximum(m.pair_cost, 0.0))
    return out
