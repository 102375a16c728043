"""The cultural calendar: holidays, religious periods and commerce peaks, and the advisories they raise.

Dates come from three places: public holidays per country from the `holidays` package; Hijri dates
(Ramadan, Eid al-Fitr, Eid al-Adha) from `hijridate`, which implements the Umm al-Qura calendar of
Saudi Arabia (local moon sightings can move a day); everything else from the rules in
`data/calendar/peaks.yaml` (Lunar New Year and Diwali read off China's and India's public holidays).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import holidays
import yaml
from hijridate import Gregorian, Hijri
from pydantic import BaseModel, ConfigDict, Field, model_validator

EventKind = Literal["public_holiday", "religious", "festival", "commerce_peak"]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FixedRule(_Rule):
    """The same Gregorian date every year."""

    type: Literal["fixed"]
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)


class NthWeekdayRule(_Rule):
    """The n-th weekday of a month, shifted by some days (Black Friday: 4th Thursday of November + 1)."""

    type: Literal["nth_weekday"]
    month: int = Field(ge=1, le=12)
    weekday: int = Field(ge=0, le=6)
    n: int = Field(ge=1, le=5)
    offset_days: int = 0


class HijriRule(_Rule):
    """A day of the Hijri (Umm al-Qura) calendar."""

    type: Literal["hijri"]
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=30)


class HolidayRule(_Rule):
    """The first public holiday of a year in a country whose name contains `name`."""

    type: Literal["holiday"]
    country: str = Field(min_length=2, max_length=3)
    name: str = Field(min_length=1)


Rule = Annotated[FixedRule | NthWeekdayRule | HijriRule | HolidayRule, Field(discriminator="type")]


class EventSpec(BaseModel):
    """One recurring event of the calendar file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    kind: Literal["religious", "festival", "commerce_peak"]
    rule: Rule
    days: int = Field(default=1, ge=1, le=60)
    whole_month: bool = False
    countries: list[str] = Field(min_length=1)
    logistics_impact: str = Field(min_length=1)

    @model_validator(mode="after")
    def _whole_month_needs_hijri(self) -> EventSpec:
        if self.whole_month and not isinstance(self.rule, HijriRule):
            raise ValueError("whole_month applies to hijri rules only")
        return self


class CalendarSpec(BaseModel):
    """The calendar file: a version and its events."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    events: list[EventSpec]


@dataclass(frozen=True)
class CalendarEvent:
    """An event on given dates in one country, with what it does to logistics."""

    name: str
    kind: EventKind
    country: str
    start: date
    end: date
    logistics_impact: str


@dataclass(frozen=True)
class Advisory:
    """An upcoming event, the countries, lanes, warehouses and open orders it touches; dedupe by key."""

    key: str
    name: str
    kind: EventKind
    start: date
    end: date
    starts_in_days: int
    countries: tuple[str, ...]
    lanes: tuple[str, ...]
    warehouses: tuple[str, ...]
    open_orders: int
    logistics_impact: str
    event: CalendarEvent


def load_calendar(path: Path | None = None) -> CalendarSpec:
    """The shipped calendar, or the given file, validated."""
    if path is None:
        return _shipped()
    return CalendarSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@functools.cache
def _shipped() -> CalendarSpec:
    text = resources.files("flexloop").joinpath("data/calendar/peaks.yaml").read_text(encoding="utf-8")
    return CalendarSpec.model_validate(yaml.safe_load(text))


@functools.cache
def _public(country: str, year: int) -> tuple[tuple[date, str], ...]:
    """A country's public holidays in a year; none where the package does not know the country."""
    try:
        table = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        return ()
    return tuple(sorted((d, str(n)) for d, n in table.items()))


def _hijri_to_gregorian(year: int, month: int, day: int) -> date | None:
    try:
        g = Hijri(year, month, day).to_gregorian()
    except (OverflowError, ValueError):
        return None
    return date(g.year, g.month, g.day)


def _occurrences(spec: EventSpec, year: int) -> list[tuple[date, date]]:
    """(start, end) of the event's occurrences that start in a Gregorian year."""
    rule = spec.rule
    span = timedelta(days=spec.days - 1)
    if isinstance(rule, FixedRule):
        start = date(year, rule.month, rule.day)
        return [(start, start + span)]
    if isinstance(rule, NthWeekdayRule):
        first = date(year, rule.month, 1)
        nth = first + timedelta(days=(rule.weekday - first.weekday()) % 7 + 7 * (rule.n - 1))
        start = nth + timedelta(days=rule.offset_days)
        return [(start, start + span)]
    if isinstance(rule, HolidayRule):
        hits = [d for d, n in _public(rule.country, year) if rule.name.lower() in n.lower()]
        return [(hits[0], hits[0] + span)] if hits else []
    out = []
    try:
        h_year = Gregorian(year, 1, 1).to_hijri().year
    except (OverflowError, ValueError):
        return []
    for hy in (h_year, h_year + 1, h_year + 2):
        start_d = _hijri_to_gregorian(hy, rule.month, rule.day)
        if start_d is None or start_d.year != year:
            continue
        if spec.whole_month:
            nxt = _hijri_to_gregorian(hy + rule.month // 12, rule.month % 12 + 1, 1)
            end = nxt - timedelta(days=1) if nxt else start_d + timedelta(days=29)
        else:
            end = start_d + span
        out.append((start_d, end))
    return out


_NOTE = re.compile(r"\s*\((observed|estimated|in lieu)\)", re.IGNORECASE)


def _holiday_events(country: str, years: Iterable[int]) -> list[CalendarEvent]:
    """Public holidays; days of the same holiday at most three days apart merge into one event."""
    days = [(d, _NOTE.sub("", n).strip()) for y in years for d, n in _public(country, y)]
    out: list[CalendarEvent] = []
    for d, name in sorted(days):
        last = out[-1] if out else None
        if last and last.name == name and (d - last.end).days <= 3:  # a weekend between days
            out[-1] = CalendarEvent(
                name, "public_holiday", country, last.start, max(d, last.end), last.logistics_impact
            )
        else:
            out.append(
                CalendarEvent(
                    name,
                    "public_holiday",
                    country,
                    d,
                    d,
                    "Public holiday: carriers, customs "
                    "and warehouses may close or run reduced; deliveries slip a day or more.",
                )
            )
    return out


def events_between(
    countries: Collection[str],
    start: date,
    end: date,
    spec: CalendarSpec | None = None,
    public_holidays: bool = True,
) -> list[CalendarEvent]:
    """Every event in these countries that overlaps [start, end], sorted by start date."""
    if end < start:
        raise ValueError("end must not be before start")
    spec = spec or load_calendar()
    wanted = sorted({c.upper() for c in countries})
    years = range(start.year - 1, end.year + 1)
    out: list[CalendarEvent] = []
    for ev in spec.events:
        places = wanted if "*" in ev.countries else [c for c in wanted if c in ev.countries]
        if not places:
            continue
        for y in years:
            for s, e in _occurrences(ev, y):
                if s <= end and e >= start:
                    out.extend(CalendarEvent(ev.name, ev.kind, c, s, e, ev.logistics_impact) for c in places)
    if public_holidays:
        for c in wanted:
            out.extend(ev for ev in _holiday_events(c, years) if ev.start <= end and ev.end >= start)
    return sorted(out, key=lambda e: (e.start, e.kind, e.name, e.country))


def advisory_key(event: CalendarEvent) -> str:
    """Stable identity of one occurrence of an event, for deduplicating daily runs."""
    return f"{event.kind}:{event.name}:{event.start.isoformat()}"


def advisories(
    events: Iterable[CalendarEvent],
    today: date,
    days_ahead: int = 14,
    lanes_by_country: Mapping[str, Sequence[str]] | None = None,
    warehouses_by_country: Mapping[str, Sequence[str]] | None = None,
    open_orders_by_country: Mapping[str, int] | None = None,
    issued: Collection[str] = (),
) -> list[Advisory]:
    """One advisory per event occurrence that starts within `days_ahead` days and is not yet issued.

    The pipeline runs this daily and stores the keys it issued: an event then yields exactly one
    advisory, on the first run that sees it inside the horizon (normally `starts_in_days ==
    days_ahead`; later when a run was missed or the event was added late).
    """
    if days_ahead < 0:
        raise ValueError("days_ahead must not be negative")
    lanes, houses, opens = lanes_by_country or {}, warehouses_by_country or {}, open_orders_by_country or {}
    grouped: dict[str, list[CalendarEvent]] = {}
    for ev in events:
        if 0 <= (ev.start - today).days <= days_ahead:
            grouped.setdefault(advisory_key(ev), []).append(ev)
    out = []
    for key, evs in grouped.items():
        if key in issued:
            continue
        first = evs[0]
        where = tuple(sorted({e.country for e in evs}))
        out.append(
            Advisory(
                key=key,
                name=first.name,
                kind=first.kind,
                start=first.start,
                end=max(e.end for e in evs),
                starts_in_days=(first.start - today).days,
                countries=where,
                lanes=tuple(sorted({lane for c in where for lane in lanes.get(c, ())})),
                warehouses=tuple(sorted({w for c in where for w in houses.get(c, ())})),
                open_orders=sum(int(opens.get(c, 0)) for c in where),
                logistics_impact=first.logistics_impact,
                event=first,
            )
        )
    return sorted(out, key=lambda a: (a.start, a.name))
