"""Calendar advisories in the loop: once per simulated day, warn about holidays ahead in the brand's countries.

The advisory names the lanes, warehouses and open (unshipped) orders the event touches and carries an
`incident` scope (the product with the most open orders there) so `decide` can answer it with a playbook.
Issued keys and the last day run live in `detector_state`, so each event occurrence is announced once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from flexloop.decide.calendar import Advisory, CalendarSpec, advisories, events_between
from flexloop.decide.plan import destination
from flexloop.domain.records import Carrier, Event, Warehouse
from flexloop.domain.vocab import UNSHIPPED, EventType
from flexloop.store import network_repo, state_repo
from flexloop.store.events import append_events

STATE_KEY = "calendar:advisories"
UNKNOWN_PRODUCT = "unknown"
SLUG = 10


@dataclass(frozen=True)
class Exposure:
    """What the brand has in each country: lanes into it, warehouses in it, open orders per SKU."""

    lanes: dict[str, list[str]]
    warehouses: dict[str, list[str]]
    open_orders: dict[str, dict[str, int]]

    def open_by_country(self) -> dict[str, int]:
        return {c: sum(by_sku.values()) for c, by_sku in self.open_orders.items()}

    def top_product(self, countries: Iterable[str]) -> str:
        """The SKU with the most open orders in these countries (ties: the first SKU by name)."""
        totals: dict[str, int] = defaultdict(int)
        for c in countries:
            for sku, n in self.open_orders.get(c, {}).items():
                totals[sku] += n
        return min(totals, key=lambda s: (-totals[s], s)) if totals else UNKNOWN_PRODUCT


def exposure(countries: Collection[str], carriers: Sequence[Carrier], warehouses: Sequence[Warehouse],
             orders: Iterable[tuple[str, str, str, int]]) -> Exposure:
    """Index the network and the (country, sku, lane, n) open-order rows by destination country."""
    lanes: dict[str, set[str]] = defaultdict(set)
    for carrier in carriers:
        for lane in carrier.lanes:
            if destination(lane) in countries:
                lanes[destination(lane)].add(lane)
    opens: dict[str, dict[str, int]] = defaultdict(dict)
    for country, sku, lane, n in orders:
        if country in countries:
            lanes[country].add(lane)
            opens[country][sku] = opens[country].get(sku, 0) + n
    houses: dict[str, list[str]] = defaultdict(list)
    for w in warehouses:
        if w.country in countries:
            houses[w.country].append(w.id)
    return Exposure({c: sorted(v) for c, v in lanes.items()}, {c: sorted(v) for c, v in houses.items()},
                    dict(opens))


def due(body: dict[str, Any] | None, today: date) -> bool:
    """True when the advisories have not yet run on this day (or any later one)."""
    last = (body or {}).get("last_day")
    return last is None or date.fromisoformat(str(last)) < today


def still_ahead(issued: Iterable[str], today: date) -> list[str]:
    """Issued keys whose event has not started yet; the others can never be issued again."""
    return sorted(k for k in issued if date.fromisoformat(k.rsplit(":", 1)[-1]) >= today)


def subject(adv: Advisory) -> str:
    """A short readable id for the event log and plan ids (which must fit 64 characters): adv-<name>-<start>."""
    slug = re.sub(r"[^a-z0-9]+", "-", adv.name.lower()).strip("-")[:SLUG].strip("-") or "event"
    return f"adv-{slug}-{adv.start:%Y%m%d}"


def payload(adv: Advisory, product: str) -> dict[str, Any]:
    """The advisory as the event log and the playbooks see it, with the incident scope decide reads."""
    return {
        "key": adv.key,
        "advisory": {
            "name": adv.name, "kind": adv.kind, "start": adv.start.isoformat(), "end": adv.end.isoformat(),
            "starts_in_days": adv.starts_in_days, "countries": list(adv.countries), "lanes": list(adv.lanes),
            "warehouses": list(adv.warehouses), "open_orders": adv.open_orders,
            "logistics_impact": adv.logistics_impact,
        },
        "incident": {"product": product, "countries": list(adv.countries), "issue_type": "other", "tier": "none"},
    }


def advisory_events(found: Sequence[Advisory], ex: Exposure, at: datetime) -> list[Event]:
    """One advisory_issued event per advisory, traced by its subject."""
    out = []
    for adv in found:
        sub = subject(adv)
        out.append(Event(EventType.ADVISORY_ISSUED, at, f"tr-{sub}", subject=sub,
                         payload=payload(adv, ex.top_product(adv.countries))))
    return out


def issue_advisories(conn: Connection, countries: Sequence[str], now: datetime, days_ahead: int = 14,
                     spec: CalendarSpec | None = None) -> list[Event]:
    """Once per (UTC) day: advisories for events starting within `days_ahead` days; appended to the log."""
    wanted = sorted({c.upper() for c in countries})
    today = now.astimezone(UTC).date()
    body = state_repo.read_state(conn, STATE_KEY)
    if not wanted or not due(body, today):
        return []
    issued = set(still_ahead((body or {}).get("issued", []), today))
    ex = exposure(wanted, network_repo.load_carriers(conn), network_repo.load_warehouses(conn),
                  state_repo.open_orders(conn, wanted, [s.value for s in UNSHIPPED], now))
    evs = events_between(wanted, today, today + timedelta(days=days_ahead), spec)
    found = advisories(evs, today, days_ahead, ex.lanes, ex.warehouses, ex.open_by_country(), issued)
    out = advisory_events(found, ex, now)
    issued |= {a.key for a in found}
    state_repo.write_state(conn, STATE_KEY, {"last_day": today.isoformat(), "issued": sorted(issued)}, now)
    append_events(conn, out)
    return out
