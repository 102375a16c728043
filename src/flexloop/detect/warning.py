"""Early warning: indicators (topic growth, concentration, lane delay, transit heat) and fusion rules, pure.

Rules are data (flexloop/data/warnings.yaml): each names a topic and a list of conditions on indicators
computed per (country, product); a rule fires when every condition holds. The flow passes `now` and the
records it read; nothing here touches the store.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from flexloop.errors import BadInput

Indicator = Literal[
    "topic_mentions", "topic_mentions_before", "topic_growth_pct", "country_share_pct", "topic_hhi",
    "delay_rate_pct", "temperature_c", "temperature_anomaly_c",
]
Op = Literal["gte", "gt", "lte", "lt"]
OPS = {"gte": lambda a, b: a >= b, "gt": lambda a, b: a > b, "lte": lambda a, b: a <= b, "lt": lambda a, b: a < b}


class Topic(BaseModel):
    """Keywords per language; a mention belongs to the topic when its lower-cased text contains one."""

    model_config = ConfigDict(extra="forbid")
    keywords: dict[str, list[str]] = Field(min_length=1)

    def words(self) -> tuple[str, ...]:
        return tuple(sorted({w.lower() for ws in self.keywords.values() for w in ws}))


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    indicator: Indicator
    op: Op
    value: float


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    description: str = ""
    topic: str
    all: list[Condition] = Field(min_length=1)
    cooldown_hours: float = Field(default=72, ge=0)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    week_days: float = Field(default=7, gt=0)
    temperature_hours: float = Field(default=24, gt=0)
    learn_days: float = Field(default=2, gt=0)
    min_learn_readings: int = Field(default=20, ge=1)
    min_temperature_readings: int = Field(default=30, ge=1, description="fewer in a country: no temperature reading")
    delay_lookback_hours: float = Field(default=48, gt=0)
    stuck_hours: float = Field(default=48, gt=0)
    evaluate_every_minutes: float = Field(default=60, gt=0)


class WarningRules(BaseModel):
    """The whole warnings file: settings, per-lane transit temperature normals, topics and rules."""

    model_config = ConfigDict(extra="forbid")
    settings: Settings = Field(default_factory=Settings)
    normals_c: dict[str, float] = Field(default_factory=dict, description="lane -> normal transit temperature")
    topics: dict[str, Topic]
    rules: list[Rule]

    @model_validator(mode="after")
    def _known_topics(self) -> WarningRules:
        for r in self.rules:
            if r.topic not in self.topics:
                raise ValueError(f"rule {r.id}: unknown topic {r.topic!r}")
        if len({r.id for r in self.rules}) != len(self.rules):
            raise ValueError("rule ids must be unique")
        return self


def parse_rules(text: str, source: str = "warnings.yaml") -> WarningRules:
    try:
        return WarningRules.model_validate(yaml.safe_load(text))
    except (ValidationError, yaml.YAMLError) as exc:
        raise BadInput(f"{source}: {exc}") from exc


@functools.cache
def shipped_rules() -> WarningRules:
    """The rules shipped in flexloop/data/warnings.yaml."""
    text = (resources.files("flexloop") / "data" / "warnings.yaml").read_text("utf-8")
    return parse_rules(text)


# --- records the flow passes in --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TopicMention:
    at: datetime
    country: str
    product: str
    text: str


@dataclass(frozen=True, slots=True)
class LaneDelay:
    """Parcels on a lane seen in the lookback: active, with a trouble event or a revised date, stuck."""

    lane: str
    country: str
    active: int
    troubled: int
    stuck: int


@dataclass(frozen=True, slots=True)
class LaneTemperature:
    lane: str
    country: str
    readings: int
    mean_c: float


@dataclass(frozen=True, slots=True)
class Firing:
    rule: str
    country: str
    product: str
    indicators: dict[str, float | None]


# --- indicators ------------------------------------------------------------------------------------


def in_topic(text: str, words: Sequence[str]) -> bool:
    low = text.lower()
    return any(w in low for w in words)


def week_counts(times: Sequence[datetime], now: datetime, week: timedelta) -> tuple[int, int]:
    """(mentions in (now - week, now], mentions in the week before)."""
    cur = sum(1 for t in times if now - week < t <= now)
    prev = sum(1 for t in times if now - 2 * week < t <= now - week)
    return cur, prev


def growth_pct(current: int, previous: int) -> float:
    """Week-over-week growth in percent; a topic with nothing last week grows from a base of one."""
    base = max(previous, 1)
    return 100.0 * (current - base) / base


def shares(counts: Mapping[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {k: v / total for k, v in counts.items()} if total else {}


def hhi(counts: Mapping[str, int]) -> float:
    """Herfindahl index of the regional split, 0..1 (1: all in one country)."""
    return sum(s * s for s in shares(counts).values())


def delay_rate_pct(lanes: Sequence[LaneDelay]) -> float | None:
    """Share of parcels with a revised date, an exception/delay/loss, or stuck; None without parcels."""
    seen = sum(x.active + x.stuck for x in lanes)
    if not seen:
        return None
    return 100.0 * sum(x.troubled + x.stuck for x in lanes) / seen


def mean_temperature(lanes: Sequence[LaneTemperature]) -> float | None:
    n = sum(x.readings for x in lanes)
    return sum(x.mean_c * x.readings for x in lanes) / n if n else None


def temperature_anomaly(lanes: Sequence[LaneTemperature], normals: Mapping[str, float]) -> float | None:
    """Reading-weighted mean of (lane mean - lane normal) over the lanes that have a normal."""
    known = [x for x in lanes if x.lane in normals and x.readings]
    n = sum(x.readings for x in known)
    return sum((x.mean_c - normals[x.lane]) * x.readings for x in known) / n if n else None


def learned_normals(first_days: Sequence[LaneTemperature], given: Mapping[str, float],
                    min_readings: int) -> dict[str, float]:
    """The file's normals, completed by each lane's mean over its first days where it had enough readings."""
    out = dict(given)
    for x in first_days:
        if x.lane not in out and x.readings >= min_readings:
            out[x.lane] = x.mean_c
    return out


# --- fusion ----------------------------------------------------------------------------------------


def indicators(mentions: Sequence[TopicMention], words: Sequence[str], delays: Sequence[LaneDelay],
               temps: Sequence[LaneTemperature], normals: Mapping[str, float], now: datetime,
               week: timedelta, min_readings: int = 1) -> dict[tuple[str, str], dict[str, float | None]]:
    """Every indicator per (country, product) that has topic mentions this week.

    A country with fewer than `min_readings` transit temperatures gets none: a handful of parcels is noise.
    """
    topical = [m for m in mentions if in_topic(m.text, words)]
    this_week = [m for m in topical if now - week < m.at <= now]
    by_country = Counter(m.country for m in this_week)
    concentration = hhi(by_country)
    split = shares(by_country)
    out: dict[tuple[str, str], dict[str, float | None]] = {}
    for country, product in sorted({(m.country, m.product) for m in this_week}):
        cur, prev = week_counts([m.at for m in topical if (m.country, m.product) == (country, product)], now, week)
        lane_d = [d for d in delays if d.country == country]
        lane_t = [t for t in temps if t.country == country]
        if sum(t.readings for t in lane_t) < min_readings:
            lane_t = []
        temp = mean_temperature(lane_t)
        anomaly = temperature_anomaly(lane_t, normals)
        out[(country, product)] = {
            "topic_mentions": float(cur),
            "topic_mentions_before": float(prev),
            "topic_growth_pct": round(growth_pct(cur, prev), 2),
            "country_share_pct": round(100.0 * split.get(country, 0.0), 2),
            "topic_hhi": round(concentration, 4),
            "delay_rate_pct": _round(delay_rate_pct(lane_d)),
            "temperature_c": _round(temp),
            "temperature_anomaly_c": _round(anomaly),
        }
    return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def holds(rule: Rule, values: Mapping[str, float | None]) -> bool:
    """Every condition true; an indicator without data fails its condition."""
    for c in rule.all:
        v = values.get(c.indicator)
        if v is None or not OPS[c.op](v, c.value):
            return False
    return True


def due(last_evaluated: datetime | None, now: datetime, settings: Settings) -> bool:
    return last_evaluated is None or now - last_evaluated >= timedelta(minutes=settings.evaluate_every_minutes)


def cooled(last_fired: datetime | None, now: datetime, rule: Rule) -> bool:
    return last_fired is None or now - last_fired >= timedelta(hours=rule.cooldown_hours)


def evaluate(rule: Rule, per_key: Mapping[tuple[str, str], Mapping[str, float | None]],
             last_fired: Mapping[tuple[str, str], datetime], now: datetime) -> list[Firing]:
    """The (country, product) pairs where the rule holds now and is out of its cooldown."""
    return [Firing(rule.id, country, product, dict(values))
            for (country, product), values in sorted(per_key.items())
            if holds(rule, values) and cooled(last_fired.get((country, product)), now, rule)]
