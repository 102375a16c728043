"""The scenario file format (YAML), validated: brand, network, order flow, disruption, post streams."""

from __future__ import annotations

import functools
from datetime import datetime
from importlib import resources
from typing import Literal

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from flexloop.brand import Brand
from flexloop.errors import BadInput
from flexloop.ingest.schemas import CarrierRow, WarehouseRow


class OrderFlow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: str
    per_day: int = Field(gt=0)
    countries: dict[str, float]
    lanes: dict[str, str]
    carrier: str
    warehouse: str
    value: float = 29.9
    currency: str = "USD"
    ship_after_hours: float = 24
    promised_days: int = 7


class Disruption(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lane: str
    carrier: str
    from_day: float
    extra_days: int = 6
    notice_after_hours: float = 6


class Stream(BaseModel):
    """Posts of one truth class: how many, when, from whom, in which languages."""

    model_config = ConfigDict(extra="forbid")
    truth: Literal["logistics", "product_question", "fake", "other", "melting", "melting_complaint"]
    count: int = Field(ge=0)
    start_day: float
    end_day: float
    ramp: float = Field(default=1.0, description="rate at the end / rate at the start (>1: building up)")
    growth_per_week: float | None = Field(default=None, description="exponential growth instead of the ramp")
    countries: dict[str, float]
    languages: dict[str, dict[str, float]]
    order_id_share: float = 0.5
    bursts: int = 0
    authors: Literal["delayed_customers", "customers", "prospects", "fresh_accounts"] = "customers"
    platform: str = "tiktok"
    complaint: bool = True


class Tracking(BaseModel):
    """Carrier scans after pick-up (hours) and the delivery scan; without it parcels only get picked up."""

    model_config = ConfigDict(extra="forbid")
    scan_hours: list[float] = Field(default_factory=list)
    deliver_after_hours: float | None = None


class Weather(BaseModel):
    """Transit temperature on scans: lane normal + a linear ramp to `ramp_c` over `ramp_days` + noise."""

    model_config = ConfigDict(extra="forbid")
    normals_c: dict[str, float]
    ramp_c: float = 0.0
    ramp_from_day: float = 0.0
    ramp_days: float = Field(default=1.0, gt=0)
    noise_c: float = Field(default=1.0, ge=0)

    def expected(self, lane: str, day: float) -> float | None:
        if lane not in self.normals_c:
            return None
        share = min(max((day - self.ramp_from_day) / self.ramp_days, 0.0), 1.0)
        return self.normals_c[lane] + self.ramp_c * share


class Operator(BaseModel):
    model_config = ConfigDict(extra="forbid")
    delay_minutes: float = 5.0
    jitter_minutes: float = 2.0


class FollowUp(BaseModel):
    """P(a replied complainer turns positive) = base + offer_bonus - per_hour_late × hours to the reply."""

    model_config = ConfigDict(extra="forbid")
    base: float = 0.35
    offer_bonus: float = 0.3
    date_bonus: float = 0.1
    per_hour_late: float = 0.1
    delay_hours: tuple[float, float] = (2.0, 8.0)


class Network(BaseModel):
    model_config = ConfigDict(extra="forbid")
    warehouses: list[WarehouseRow]
    carriers: list[CarrierRow]


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str
    start: AwareDatetime
    days: float = Field(gt=0)
    tick_minutes: float = 5.0
    brand: Brand
    network: Network
    orders: OrderFlow
    disruption: Disruption | None = None
    tracking: Tracking | None = None
    weather: Weather | None = None
    streams: list[Stream]
    operator: Operator = Field(default_factory=Operator)
    follow_up: FollowUp = Field(default_factory=FollowUp)
    expect: dict[str, object] = Field(default_factory=dict)

    def at(self, day: float) -> datetime:
        from datetime import timedelta

        return self.start + timedelta(days=day)


def available() -> list[str]:
    folder = resources.files("flexloop") / "data" / "scenarios"
    return sorted(f.name[:-5] for f in folder.iterdir() if f.name.endswith(".yaml") and f.name != "texts.yaml")


@functools.cache
def texts() -> dict[str, dict[str, list[str]]]:
    raw = (resources.files("flexloop") / "data" / "scenarios" / "texts.yaml").read_text("utf-8")
    data: dict[str, dict[str, list[str]]] = yaml.safe_load(raw)
    return data


def load(name: str) -> Scenario:
    """A built-in scenario by name, validated."""
    if name not in available():
        raise BadInput(f"unknown scenario {name!r}; built in: {', '.join(available())}")
    raw = (resources.files("flexloop") / "data" / "scenarios" / f"{name}.yaml").read_text("utf-8")
    try:
        return Scenario.model_validate(yaml.safe_load(raw))
    except ValidationError as exc:
        e = exc.errors()[0]
        raise BadInput(f"scenario {name}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}") from exc
