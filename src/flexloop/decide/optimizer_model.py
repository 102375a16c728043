"""The reroute optimizer's integer program: interchangeable orders aggregated, solved with HiGHS.

Countries that exactly the same options serve are one country to the model (the first, sorted).
Orders that share SKU, quantity, country, promised date and weight (when carbon has a price) are
interchangeable: same options, same costs, same use of stock and capacity. Their variables are
integer counts per (group, option). Groups whose SKU can never run short in any pool they can reach ("free" groups:
no stock row can bind and no pair is bounded by stock) are merged further by country, promised date
(and weight when carbon has a price), since then SKU and quantity no longer enter any constraint.
A plan of counts splits back into orders in any way, so an optimum of the aggregated model is an
optimum of the one-binary-per-(order, option) model.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array, hstack
from scipy.sparse.csgraph import connected_components

from flexloop.decide.quiet import quietly

if TYPE_CHECKING:
    from flexloop.decide.optimizer import RerouteOption, RerouteOrder

SolveStatus = Literal["optimal", "feasible", "infeasible", "time_limit"]
OPTIMAL_GAP = 1e-4  # a HiGHS optimum counts as "optimal" when its relative gap is at most this
Ints = NDArray[np.int64]


@dataclass(frozen=True)
class Groups:
    """Interchangeable orders: members, count, and what the model needs of them (sku -1 = merged)."""

    members: list[list[int]]
    n: Ints
    qty: Ints
    sku: Ints
    prom: Ints
    kg: NDArray[np.float64]
    country: list[str]


@dataclass(frozen=True)
class Model:
    """The aggregated model: groups, (group, option) pairs with bounds and costs, and the rows."""

    groups: Groups
    pair_group: Ints
    pair_option: Ints
    pair_ub: Ints
    pair_cost: NDArray[np.float64]
    rows: csr_array
    row_ub: NDArray[np.float64]
    pool_of: Ints
    stock: dict[tuple[int, int], int]
    sku_index: dict[str, int]
    countries: list[frozenset[str]]
    cap: Ints


def _pools(options: Sequence[RerouteOption], sku_index: dict[str, int]) -> tuple[Ints, dict[tuple[int, int], int]]:
    """Stock pool per option (-1 when not stock-limited) and units per (pool, sku)."""
    pool_of = np.full(len(options), -1, dtype=np.int64)
    seen: dict[str, tuple[int, Mapping[str, int]]] = {}
    stock: dict[tuple[int, int], int] = {}
    for j, p in enumerate(options):
        if p.stock is None:
            continue
        if p.warehouse not in seen:
            seen[p.warehouse] = (len(seen), p.stock)
            for sku, units in p.stock.items():
                if sku in sku_index:
                    stock[(seen[p.warehouse][0], sku_index[sku])] = max(0, int(units))
        elif dict(seen[p.warehouse][1]) != dict(p.stock):
            raise ValueError(f"options at warehouse {p.warehouse} disagree on its stock")
        pool_of[j] = seen[p.warehouse][0]
    return pool_of, stock


def _group(keys: Sequence[Hashable], members: Sequence[Sequence[int]]) -> tuple[list[Any], list[list[int]]]:
    """Merge member lists that share a key, keeping first-seen order."""
    out: dict[Hashable, list[int]] = {}
    for k, m in zip(keys, members, strict=True):
        out.setdefault(k, []).extend(m)
    return list(out), list(out.values())


def _pairs(
    g: Groups, countries: Sequence[frozenset[str]], cap: Ints, pool_of: Ints, stock: dict[tuple[int, int], int]
) -> tuple[Ints, Ints, Ints]:
    """Every (group, option) pair that serves the group's country, bounded by count, capacity, stock."""
    by_country: dict[str, list[int]] = {}
    for j, served in enumerate(countries):
        for ctry in served:
            by_country.setdefault(ctry, []).append(j)
    pc_parts, po_parts = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for ctry, cls in zip(*_group(g.country, [[c] for c in range(len(g.country))]), strict=True):
        if opts := by_country.get(ctry):
            ca, oa = np.asarray(cls, dtype=np.int64), np.asarray(sorted(opts), dtype=np.int64)
            pc_parts.append(np.repeat(ca, len(oa)))
            po_parts.append(np.tile(oa, len(ca)))
    pc, po = np.concatenate(pc_parts), np.concatenate(po_parts)
    ub = np.minimum(g.n[pc], cap[po])
    lim, key, uniq = _stock_keys(g, pc, po, pool_of)
    units = np.array([stock.get(k, 0) for k in uniq], dtype=np.int64)[key]
    ub[lim] = np.minimum(ub[lim], units // np.maximum(g.qty[pc][lim], 1))
    return pc, po, ub


def _stock_keys(g: Groups, pc: Ints, po: Ints, pool_of: Ints) -> tuple[NDArray[np.bool_], Ints, list[tuple[int, int]]]:
    """Which pairs draw on a stock pool, the (pool, sku) row index of each, and the rows' keys."""
    lim = (pool_of[po] >= 0) & (g.sku[pc] >= 0)
    width = int(g.sku.max(initial=0)) + 1
    code = pool_of[po][lim] * width + g.sku[pc][lim]
    uniq, inv = np.unique(code, return_inverse=True)
    return lim, inv.astype(np.int64), [(int(u // width), int(u % width)) for u in uniq]


def _stock_load(g: Groups, pc: Ints, po: Ints, ub: Ints, pool_of: Ints) -> NDArray[np.float64]:
    """Most units each (pool, sku) row could be asked for: a group ships at most its count per pool."""
    lim, key, uniq = _stock_keys(g, pc, po, pool_of)
    gp = pc[lim] * (int(pool_of.max(initial=0)) + 1) + pool_of[po][lim]
    pairs, first, inv = np.unique(gp, return_index=True, return_inverse=True)
    per = np.bincount(inv, weights=ub[lim], minlength=len(pairs))
    grp = pc[lim][first]
    usage = np.minimum(per, g.n[grp]) * g.qty[grp]
    return np.bincount(key[first], weights=usage, minlength=len(uniq)).astype(np.float64)


def _stock_touched(
    g: Groups, pc: Ints, po: Ints, ub: Ints, m_cap: Ints, pool_of: Ints, stock: dict[tuple[int, int], int]
) -> NDArray[np.bool_]:
    """Groups whose stock can bind: a pair bounded by stock, or a (pool, sku) row that can fill up."""
    lim, key, uniq = _stock_keys(g, pc, po, pool_of)
    limit = np.array([float(stock.get(k, 0)) for k in uniq], dtype=np.float64)
    hot = np.zeros(len(pc), dtype=bool)
    hot[lim] = (_stock_load(g, pc, po, ub, pool_of) > limit + 1e-9)[key]
    hot |= ub < np.minimum(g.n[pc], m_cap[po])
    touched = np.zeros(len(g.n), dtype=bool)
    touched[pc[hot]] = True
    return touched


def build(
    orders: Sequence[RerouteOrder],
    options: Sequence[RerouteOption],
    today: date,
    lateness_penalty_per_day: float,
    carbon_price_per_kg: float,
) -> Model:
    """Aggregate orders into groups and lay out the integer program over (group, option) counts."""
    lanes: dict[frozenset[int], str] = {}
    canon = {  # countries that the same options serve are one country to the model
        ctry: lanes.setdefault(frozenset(j for j, p in enumerate(options) if ctry in p.countries), ctry)
        for ctry in sorted({o.country for o in orders})
    }
    carbon = carbon_price_per_kg != 0
    index: dict[tuple[str, int, str, date, float], int] = {}
    members: list[list[int]] = []
    for i, o in enumerate(orders):
        k = (o.sku, o.qty, canon[o.country], o.promised_by, o.weight_kg if carbon else 0.0)
        c = index.get(k)
        if c is None:
            index[k] = len(members)
            members.append([i])
        else:
            members[c].append(i)
    keys = list(index)
    sku_index = {s: n for n, s in enumerate(sorted({k[0] for k in keys}))}
    pool_of, stock = _pools(options, sku_index)
    countries = [p.countries for p in options]
    cap = np.array([p.capacity for p in options], dtype=np.int64)
    fine = Groups(
        members,
        np.array([len(m) for m in members], dtype=np.int64),
        np.array([k[1] for k in keys], dtype=np.int64),
        np.array([sku_index[k[0]] for k in keys], dtype=np.int64),
        np.zeros(len(keys), dtype=np.int64),
        np.zeros(len(keys), dtype=np.float64),
        [k[2] for k in keys],
    )
    fpc, fpo, fub = _pairs(fine, countries, cap, pool_of, stock)
    touched = _stock_touched(fine, fpc, fpo, fub, cap, pool_of, stock)
    gkeys, gmembers = _group(
        [("f", c) if touched[c] else ("m", k[2], k[3], k[4] if carbon else 0.0) for c, k in enumerate(keys)],
        members,
    )
    rep = [k[1] if k[0] == "f" else -1 for k in gkeys]
    g = Groups(
        gmembers,
        np.array([len(m) for m in gmembers], dtype=np.int64),
        np.array([fine.qty[c] if c >= 0 else 0 for c in rep], dtype=np.int64),
        np.array([fine.sku[c] if c >= 0 else -1 for c in rep], dtype=np.int64),
        np.array([(orders[m[0]].promised_by - today).days for m in gmembers], dtype=np.int64),
        np.array([orders[m[0]].weight_kg if carbon else 0.0 for m in gmembers], dtype=np.float64),
        [canon[orders[m[0]].country] for m in gmembers],
    )
    pc, po, ub = _pairs(g, countries, cap, pool_of, stock)
    keep = ub > 0
    pc, po, ub = pc[keep], po[keep], ub[keep]
    days = np.array([p.delivery_days() for p in options], dtype=np.int64)
    base = np.array([p.cost_per_order for p in options], dtype=np.float64)
    co2 = np.array([p.distance_km * p.kg_co2e_per_tkm / 1000.0 for p in options], dtype=np.float64)
    late = np.maximum(0, days[po] - g.prom[pc])
    cost = base[po] + lateness_penalty_per_day * late + carbon_price_per_kg * g.kg[pc] * co2[po]
    rows, row_ub = _rows(g, pc, po, ub, cap, pool_of, stock)
    return Model(g, pc, po, ub, cost, rows, row_ub, pool_of, stock, sku_index, countries, cap)


def _rows(
    g: Groups, pc: Ints, po: Ints, ub: Ints, cap: Ints, pool_of: Ints, stock: dict[tuple[int, int], int]
) -> tuple[csr_array, NDArray[np.float64]]:
    """Group, capacity and stock rows; rows that the variable bounds already imply are left out."""
    var = np.arange(len(pc), dtype=np.int64)
    parts: list[tuple[Ints, Ints, NDArray[np.float64]]] = []
    bounds: list[NDArray[np.float64]] = []
    n_rows = 0

    def add(
        sub: Ints, key: Ints, coef: NDArray[np.float64], limit: NDArray[np.float64], load: NDArray[np.float64]
    ) -> None:
        nonlocal n_rows
        binding = load > limit + 1e-9
        new_id = np.cumsum(binding) - 1 + n_rows
        on = binding[key]
        parts.append((new_id[key[on]], sub[on], coef[on]))
        bounds.append(limit[binding])
        n_rows += int(binding.sum())

    ones = np.ones(len(pc), dtype=np.float64)
    add(var, pc, ones, g.n.astype(np.float64), np.bincount(pc, weights=ub, minlength=len(g.n)).astype(np.float64))
    add(var, po, ones, cap.astype(np.float64), np.bincount(po, weights=ub, minlength=len(cap)).astype(np.float64))
    lim, key, uniq = _stock_keys(g, pc, po, pool_of)
    limit = np.array([float(stock.get(k, 0)) for k in uniq], dtype=np.float64)
    add(var[lim], key, g.qty[pc][lim].astype(np.float64), limit, _stock_load(g, pc, po, ub, pool_of))
    r, c, v = (np.concatenate([p[i] for p in parts]) for i in range(3))
    return coo_array((v, (r, c)), shape=(n_rows, len(pc))).tocsr(), np.concatenate(bounds)


@quietly
def _milp(
    cost: NDArray[np.float64], ub: Ints, rows: csr_array, row_ub: NDArray[np.float64], gap: float, limit: float
) -> Any:
    """One HiGHS run over integer counts; a last column fixed at 1 carries cost[-1] as a constant."""
    n = len(ub)
    return milp(
        cost,
        integrality=np.append(np.ones(n), 0.0),
        bounds=Bounds(np.append(np.zeros(n), 1.0), np.append(ub.astype(np.float64), 1.0)),
        constraints=[LinearConstraint(hstack([rows, csr_array((rows.shape[0], 1))]).tocsr(), -np.inf, row_ub)]
        if rows.shape[0]
        else [],
        options={"time_limit": max(limit, 0.05), "mip_rel_gap": gap},
    )


def max_coverage(m: Model, time_limit_s: float) -> int | None:
    """Most orders any plan can cover, solved exactly on a model without dates, costs or carriers.

    Coverage ignores dates and costs, and options that share countries and stock pool differ only in
    capacity, so merging them (capacities added) and merging groups by SKU, quantity and country
    leaves the largest coverage unchanged.
    """
    g = m.groups
    keys, members = _group(
        [(int(g.sku[c]), int(g.qty[c]), g.country[c]) for c in range(len(g.n))], [[c] for c in range(len(g.n))]
    )
    zeros = np.zeros(len(keys), dtype=np.int64)
    tiny = Groups(
        [[] for _ in keys],
        np.array([int(g.n[mem].sum()) for mem in members], dtype=np.int64),
        np.array([k[1] for k in keys], dtype=np.int64),
        np.array([k[0] for k in keys], dtype=np.int64),
        zeros,
        zeros.astype(np.float64),
        [k[2] for k in keys],
    )
    okeys, omembers = _group(
        [(int(w), c) for w, c in zip(m.pool_of, m.countries, strict=True)], [[j] for j in range(len(m.cap))]
    )
    cap = np.array([int(m.cap[mem].sum()) for mem in omembers], dtype=np.int64)
    pool_of = np.array([k[0] for k in okeys], dtype=np.int64)
    pc, po, ub = _pairs(tiny, [k[1] for k in okeys], cap, pool_of, m.stock)
    keep = ub > 0
    pc, po, ub = pc[keep], po[keep], ub[keep]
    if len(pc) == 0:
        return 0
    rows, row_ub = _rows(tiny, pc, po, ub, cap, pool_of, m.stock)
    res = _milp(np.append(-np.ones(len(pc)), 0.0), ub, rows, row_ub, 1e-9, time_limit_s)
    return round(-res.fun) if res.status == 0 and res.x is not None else None


def components(m: Model) -> list[tuple[Model, Ints, Ints]]:
    """Independent parts (no group, option or stock pool in common), with their variables and groups."""
    n_g, n_o = len(m.groups.n), len(m.cap)
    n_pool = int(m.pool_of.max(initial=-1)) + 1
    has_pool = np.flatnonzero(m.pool_of >= 0)
    src = np.concatenate([m.pair_group, n_g + has_pool])
    dst = np.concatenate([n_g + m.pair_option, n_g + n_o + m.pool_of[has_pool]])
    size = n_g + n_o + n_pool
    graph = coo_array((np.ones(len(src)), (src, dst)), shape=(size, size))
    n_parts, label = connected_components(graph, directed=False)
    if n_parts == 1:
        return [(m, np.arange(len(m.pair_group), dtype=np.int64), np.arange(n_g, dtype=np.int64))]
    out = []
    for part in range(n_parts):
        gs = np.flatnonzero(label[:n_g] == part)
        vs = np.flatnonzero(label[m.pair_group] == part)
        if len(vs) == 0:
            continue
        os_ = np.flatnonzero(label[n_g : n_g + n_o] == part)
        g_new = np.full(n_g, -1, dtype=np.int64)
        g_new[gs] = np.arange(len(gs))
        o_new = np.full(n_o, -1, dtype=np.int64)
        o_new[os_] = np.arange(len(os_))
        sub = m.rows[:, vs].tocsr()
        live = np.flatnonzero(np.diff(sub.indptr) > 0)
        g = m.groups
        groups = Groups(
            [g.members[i] for i in gs], g.n[gs], g.qty[gs], g.sku[gs], g.prom[gs], g.kg[gs], [g.country[i] for i in gs]
        )
        out.append(
            (
                Model(
                    groups,
                    g_new[m.pair_group[vs]],
                    o_new[m.pair_option[vs]],
                    m.pair_ub[vs],
                    m.pair_cost[vs],
                    sub[live],
                    m.row_ub[live],
                    m.pool_of[os_],
                    m.stock,
                    m.sku_index,
                    [m.countries[j] for j in os_],
                    m.cap[os_],
                ),
                vs,
                gs.astype(np.int64),
            )
        )
    return out
