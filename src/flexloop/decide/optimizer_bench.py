"""Generated reroute instances for `flexloop bench optimizer`: same seed, same instance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from flexloop.decide.emissions import EMISSION_FACTORS
from flexloop.decide.optimizer import RerouteOption, RerouteOrder

N_SKUS = 50
COUNTRIES = ("US", "CA", "DE", "FR", "ID", "TH", "AE", "SA")
REGIONS = (("US", "CA"), ("DE", "FR"), ("ID", "TH"), ("AE", "SA"))
PROMISE_DAYS = 5
BINDING_SKU_SHARE = 0.2
CAPACITY_SLACK = 1.05
BENCH_TODAY = date(2026, 11, 2)


@dataclass(frozen=True)
class Instance:
    """A generated reroute problem: orders, options and the day it is solved on."""

    orders: list[RerouteOrder]
    options: list[RerouteOption]
    today: date


def _warehouses(region: int) -> list[tuple[str, str]]:
    """(name, kind) of the origin, two local warehouses and a remote one feeding this region."""
    return [
        (f"ORIGIN-{region}", "carrier"),
        (f"LOCAL-{region}a", "warehouse"),
        (f"LOCAL-{region}b", "warehouse"),
        (f"REMOTE-{region}", "transfer"),
    ]


def _split(total: int, share: np.ndarray) -> list[int]:
    """Whole capacities in proportion to `share` that add up to exactly `total`."""
    raw = total * share / share.sum()
    caps = np.floor(raw).astype(int)
    caps[np.argsort(caps - raw)[: total - int(caps.sum())]] += 1
    return [int(c) for c in caps]


def make_instance(n_orders: int, options_per_order: int, seed: int = 7) -> Instance:
    """Orders over 50 SKUs and 8 countries; each country sees `options_per_order` options."""
    if n_orders < 1 or options_per_order < 1:
        raise ValueError("orders and options must be at least 1")
    rng = np.random.default_rng(seed)
    today = BENCH_TODAY
    unit_kg = rng.uniform(0.1, 1.2, N_SKUS)
    sku_pop = rng.dirichlet(np.full(N_SKUS, 2.0))
    sku = rng.choice(N_SKUS, size=n_orders, p=sku_pop)
    qty = rng.integers(1, 4, size=n_orders)
    ctry = rng.integers(0, len(COUNTRIES), size=n_orders)
    prom = rng.integers(1, PROMISE_DAYS + 1, size=n_orders)
    value = rng.lognormal(np.log(40.0), 0.6, size=n_orders)
    orders = [
        RerouteOrder(
            id=f"O{i:07d}",
            sku=f"SKU{int(sku[i]):03d}",
            qty=int(qty[i]),
            country=COUNTRIES[int(ctry[i])],
            lane=f"CN-{COUNTRIES[int(ctry[i])]}",
            promised_by=today + timedelta(days=int(prom[i])),
            value=round(float(value[i]), 2),
            weight_kg=round(float(unit_kg[sku[i]] * qty[i]), 3),
        )
        for i in range(n_orders)
    ]
    binding = set(rng.choice(N_SKUS, size=round(BINDING_SKU_SHARE * N_SKUS), replace=False).tolist())
    options: list[RerouteOption] = []
    n_carriers = max(12, -(-options_per_order // 4) + 2)
    for r, region in enumerate(REGIONS):
        in_region = np.isin(ctry, [COUNTRIES.index(c) for c in region])
        demand = int(in_region.sum())
        units = np.bincount(sku[in_region], weights=qty[in_region], minlength=N_SKUS)
        houses = _warehouses(r)
        stock = {
            name: {
                f"SKU{s:03d}": int(units[s] * rng.uniform(0.05, 0.2)) if s in binding else int(units[s]) + 10
                for s in range(N_SKUS)
            }
            for name, kind in houses
            if kind != "carrier"
        }
        combos = [(c, h) for c in range(n_carriers) for h in range(len(houses))]
        picks = rng.choice(len(combos), size=min(options_per_order, len(combos)), replace=False)
        share = rng.lognormal(0.0, 0.5, size=len(picks))
        caps = _split(round(CAPACITY_SLACK * demand), share)
        for n, pick in enumerate(picks.tolist()):
            carrier, h = combos[pick]
            name, kind = houses[h]
            mode = "road" if kind != "carrier" else str(rng.choice(["air", "road", "sea", "rail"]))
            far = kind == "carrier"
            options.append(
                RerouteOption(
                    id=f"R{r}-{n:03d}",
                    kind="carrier" if kind == "carrier" else "warehouse" if kind == "warehouse" else "transfer",
                    carrier=f"CARRIER{carrier:02d}",
                    warehouse=name,
                    countries=frozenset(region),
                    cost_per_order=round(float(rng.lognormal(np.log(9.0 if far else 6.0), 0.4)), 2),
                    transit_days=float(rng.integers(2, 9) if far else rng.integers(1, 4)),
                    lead_days=2.0 if kind == "transfer" else 0.0,
                    capacity=int(caps[n]),
                    stock=stock.get(name),
                    kg_co2e_per_tkm=EMISSION_FACTORS[mode],
                    distance_km=float(rng.uniform(2000, 9000) if far else rng.uniform(50, 900)),
                    mode=mode,
                )
            )
    return Instance(orders, options, today)
