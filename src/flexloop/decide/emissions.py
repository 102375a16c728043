"""Freight emissions per transport mode, and the green-vs-expedite choice offered to a customer.

Emission factors are kg CO2e per tonne-km, well-to-wheel, rounded from the UK Government GHG
Conversion Factors for Company Reporting 2023 (DESNZ/DEFRA), table "Freighting goods":

* road — 0.107: HGV (all diesel), average laden;
* rail — 0.028: freight train;
* sea  — 0.016: container ship, average;
* air  — 0.602: international air freight to/from non-UK, without radiative forcing;
* air_rf — 1.13: the same with the radiative-forcing uplift DEFRA recommends reporting alongside;
* van  — 0.6: average van up to 3.5 t, for last-mile moves from a local warehouse.

The values were transcribed without network access to the published table: check them against the
current DESNZ release before quoting them publicly. They are defaults for reporting the difference
between options, not a certified footprint; the GLEC Framework v3 (Smart Freight Centre, 2023) and
ISO 14083:2023 give the method, and a carrier's own figures, where known, should replace them (pass
`kg_co2e_per_tkm` explicitly).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

EMISSION_FACTORS: Mapping[str, float] = {
    "road": 0.107,
    "rail": 0.028,
    "sea": 0.016,
    "air": 0.602,
    "air_rf": 1.13,
    "van": 0.6,
}
EMISSION_SOURCE = "UK DESNZ/DEFRA GHG Conversion Factors for Company Reporting 2023, freighting goods"


def kg_co2e(weight_kg: float, distance_km: float, mode: str = "road", factor: float | None = None) -> float:
    """CO2e of one shipment: tonnes x km x the mode's factor (or the given one)."""
    per_tkm = EMISSION_FACTORS[mode] if factor is None else factor
    if weight_kg < 0 or distance_km < 0 or per_tkm < 0:
        raise ValueError("weight, distance and emission factor must not be negative")
    return weight_kg / 1000.0 * distance_km * per_tkm


@dataclass(frozen=True)
class DeliveryOption:
    """One way to deliver: its label, legs of (mode, km), days until delivery and cost."""

    label: str
    legs: Sequence[tuple[str, float]]
    days: float
    cost: float = 0.0


@dataclass(frozen=True)
class Choice:
    """What the customer is shown for one option: delivery date, CO2e and cost."""

    label: str
    delivery: date
    kg_co2e: float
    cost: float
    extra_kg_co2e: float = 0.0
    days_sooner: int = 0
    greenest: bool = False
    fastest: bool = False


def green_vs_expedite(weight_kg: float, options: Sequence[DeliveryOption], today: date) -> list[Choice]:
    """Each option's delivery and CO2e, relative to the greenest, so both can be offered."""
    if len(options) < 2:
        raise ValueError("green vs expedite needs at least two options")
    rows = []
    for opt in options:
        kg = sum(kg_co2e(weight_kg, km, mode) for mode, km in opt.legs)
        days = max(0, -int(-opt.days // 1))
        rows.append((opt, today + timedelta(days=days), kg))
    green_kg = min(r[2] for r in rows)
    green_day = min((r for r in rows if r[2] == green_kg), key=lambda r: r[1])[1]
    first_day = min(r[1] for r in rows)
    out = [
        Choice(
            label=opt.label,
            delivery=when,
            kg_co2e=round(kg, 4),
            cost=opt.cost,
            extra_kg_co2e=round(kg - green_kg, 4),
            days_sooner=(green_day - when).days,
            greenest=kg == green_kg,
            fastest=when == first_day,
        )
        for opt, when, kg in rows
    ]
    return sorted(out, key=lambda c: (c.kg_co2e, c.delivery, c.label))
