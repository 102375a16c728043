"""The cultural calendar: known 2026-2027 dates, the data file, and advisories that fire once."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from flexloop.decide.calendar import (
    CalendarEvent,
    advisories,
    events_between,
    load_calendar,
)


def _start(name: str, country: str, year: int) -> tuple[date, date]:
    evs = [
        e
        for e in events_between([country], date(year, 1, 1), date(year, 12, 31), public_holidays=False)
        if e.name == name and e.start.year == year
    ]
    assert len(evs) == 1, evs
    return evs[0].start, evs[0].end


@pytest.mark.parametrize(
    ("name", "country", "start", "end"),
    [
        # Umm al-Qura (hijridate): 1 Ramadan 1447 = 2026-02-18, 1 Shawwal 1447 = 2026-03-20
        ("Ramadan", "SA", date(2026, 2, 18), date(2026, 3, 19)),
        ("Eid al-Fitr", "AE", date(2026, 3, 20), date(2026, 3, 22)),
        ("Eid al-Adha", "SA", date(2026, 5, 27), date(2026, 5, 30)),
        ("Ramadan", "AE", date(2027, 2, 8), date(2027, 3, 8)),
        ("Eid al-Fitr", "SA", date(2027, 3, 9), date(2027, 3, 11)),
        ("Eid al-Adha", "AE", date(2027, 5, 16), date(2027, 5, 19)),
        ("Lunar New Year", "CN", date(2026, 2, 17), date(2026, 2, 23)),
        ("Lunar New Year", "VN", date(2027, 2, 6), date(2027, 2, 12)),
        ("Golden Week (China)", "CN", date(2026, 10, 1), date(2026, 10, 7)),
        ("Golden Week (Japan)", "JP", date(2027, 4, 29), date(2027, 5, 5)),
        ("Songkran", "TH", date(2026, 4, 13), date(2026, 4, 15)),
        ("Diwali", "IN", date(2026, 11, 8), date(2026, 11, 8)),
        ("Diwali", "IN", date(2027, 10, 29), date(2027, 10, 29)),
        ("Black Friday", "US", date(2026, 11, 27), date(2026, 11, 27)),
        ("Black Friday", "DE", date(2027, 11, 26), date(2027, 11, 26)),
        ("Cyber Monday", "US", date(2026, 11, 30), date(2026, 11, 30)),
        ("Singles' Day (11.11)", "CN", date(2026, 11, 11), date(2026, 11, 11)),
        ("Double-day sale 9.9", "ID", date(2027, 9, 9), date(2027, 9, 9)),
    ],
)
def test_known_dates(name: str, country: str, start: date, end: date) -> None:
    assert _start(name, country, start.year) == (start, end)


def test_events_only_where_they_matter() -> None:
    names = {e.name for e in events_between(["US"], date(2026, 1, 1), date(2026, 12, 31))}
    assert {"Black Friday", "Thanksgiving Day"} <= names
    assert not names & {"Ramadan", "Songkran", "Lunar New Year", "Diwali"}


def test_public_holidays_are_merged_and_unknown_countries_skipped() -> None:
    evs = events_between(["CN", "ZZ"], date(2026, 9, 28), date(2026, 10, 10))
    national = [e for e in evs if e.kind == "public_holiday" and e.name == "National Day"]
    assert len(national) == 1 and national[0].start == date(2026, 10, 1)
    assert all(e.country == "CN" for e in evs)


def test_overlap_keeps_events_that_started_before_the_window() -> None:
    evs = events_between(["SA"], date(2026, 3, 1), date(2026, 3, 2), public_holidays=False)
    assert [e.name for e in evs] == ["Ramadan"]
    with pytest.raises(ValueError):
        events_between(["SA"], date(2026, 3, 2), date(2026, 3, 1))


def test_advisory_fires_once_on_the_first_day_inside_the_horizon() -> None:
    start = date(2026, 2, 18)
    evs = events_between(["AE", "SA", "US"], date(2026, 1, 1), date(2026, 3, 31), public_holidays=False)
    issued: set[str] = set()
    seen: list[tuple[date, str, int]] = []
    day = date(2026, 1, 20)
    while day < start + timedelta(days=3):
        for adv in advisories(
            evs,
            day,
            days_ahead=14,
            lanes_by_country={"AE": ["CN-AE"], "SA": ["CN-SA", "AE-SA"], "US": ["CN-US"]},
            warehouses_by_country={"AE": ["DXB-1"]},
            open_orders_by_country={"AE": 40, "SA": 12, "US": 900},
            issued=issued,
        ):
            issued.add(adv.key)
            seen.append((day, adv.name, adv.starts_in_days))
            if adv.name == "Ramadan":
                assert adv.countries == ("AE", "SA")
                assert adv.lanes == ("AE-SA", "CN-AE", "CN-SA")
                assert adv.warehouses == ("DXB-1",)
                assert adv.open_orders == 52
        day += timedelta(days=1)
    ramadan = [s for s in seen if s[1] == "Ramadan"]
    assert ramadan == [(start - timedelta(days=14), "Ramadan", 14)]


def test_advisory_after_a_missed_day_still_fires_and_past_events_do_not() -> None:
    ev = CalendarEvent("Songkran", "festival", "TH", date(2026, 4, 13), date(2026, 4, 15), "x")
    late = advisories([ev], date(2026, 4, 5), days_ahead=14)
    assert [a.starts_in_days for a in late] == [8]
    assert advisories([ev], date(2026, 4, 14)) == []
    assert advisories([ev], date(2026, 4, 5), issued={late[0].key}) == []


def test_shipped_file_validates_and_bad_files_are_rejected(tmp_path: Path) -> None:
    spec = load_calendar()
    assert {e.name for e in spec.events} >= {"Ramadan", "Lunar New Year", "Songkran", "Black Friday"}
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\nevents:\n  - name: X\n    kind: festival\n    rule: {type: fixed, month: 13, day: 1}\n"
        "    countries: [US]\n    logistics_impact: y\n"
    )
    with pytest.raises(ValidationError):
        load_calendar(bad)


def test_a_gregorian_year_can_hold_two_ramadans() -> None:
    evs = events_between(["SA"], date(2030, 1, 1), date(2030, 12, 31), public_holidays=False)
    assert [e.start for e in evs if e.name == "Ramadan"] == [date(2030, 1, 5), date(2030, 12, 26)]
