"""The simulated world of a drill: orders, carrier events and customers' posts appear in the store as time passes."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, select, update

from flexloop.domain.records import Event
from flexloop.domain.vocab import EventType, OrderStatus, ShipmentStatus
from flexloop.ingest.normalise import mention_row, network_row, order_row, shipment_row
from flexloop.ingest.schemas import MentionRow, OrderRow, ShipmentRow
from flexloop.sim.generate import NewOrder, Slot, lognormal_followers, noisy, orders, slots
from flexloop.sim.scenario import Scenario, texts
from flexloop.store.ingest_repo import bulk_insert, store_mentions, store_network, store_shipments
from flexloop.store.tables import orders as orders_table

LONG_AGO = datetime(2021, 1, 1, tzinfo=UTC)


@dataclass
class Truth:
    """What really happened, for scoring the drill: class per post, complaint or not."""

    classes: dict[str, str] = field(default_factory=dict)
    complaints: dict[str, bool] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)


class World:
    """Emits a scenario's traffic into the store, tick by tick, reacting to published replies."""

    def __init__(self, sc: Scenario, seed: int) -> None:
        self.sc, self.seed = sc, seed
        self.rng = np.random.default_rng(seed + 7)
        self.orders: list[NewOrder] = orders(sc, seed)
        self.slots: list[Slot] = slots(sc, seed)
        self.next_order = 0
        self.next_slot = 0
        self.pending_ship: deque[tuple[datetime, str]] = deque()  # ship times grow with creation times
        self.scheduled: list[tuple[datetime, int, dict[str, Any]]] = []
        self.delayed_customers: list[tuple[str, str]] = []
        self.used_authors: set[str] = set()
        self.truth = Truth()
        self.disrupted = False
        self._seq = 0
        self.langs: dict[str, str] = {}
        self.weather_rng = np.random.default_rng(seed + 31)  # its own stream: weather never shifts the posts

    def setup(self, conn: Connection) -> None:
        store_network(conn, [network_row(w) for w in self.sc.network.warehouses]
                      + [network_row(c) for c in self.sc.network.carriers])

    def advance(self, conn: Connection, until: datetime) -> None:
        self._new_orders(conn, until)
        self._ship(conn, until)
        self._disrupt(conn, until)
        self._emit_scheduled(conn, until)
        self._posts(conn, until)

    def _schedule(self, at: datetime, item: dict[str, Any]) -> None:
        self._seq += 1
        heapq.heappush(self.scheduled, (at, self._seq, item))

    def _new_orders(self, conn: Connection, until: datetime) -> None:
        flow = self.sc.orders
        rows = []
        while self.next_order < len(self.orders) and self.orders[self.next_order].created_at <= until:
            o = self.orders[self.next_order]
            self.next_order += 1
            rows.append(order_row(OrderRow(
                id=o.id, customer_handle=o.customer, sku=flow.sku, qty=1, country=o.country,
                warehouse=flow.warehouse, carrier=flow.carrier, lane=flow.lanes[o.country],
                status=OrderStatus.PROCESSING,
                created_at=o.created_at, promised_by=(o.created_at + timedelta(days=flow.promised_days)).date(),
                value=flow.value, currency=flow.currency)))
            self.pending_ship.append((o.created_at + timedelta(hours=flow.ship_after_hours), o.id))
        if rows:
            bulk_insert(conn, orders_table, rows)  # always new orders: no need for the upsert's lookups

    def _ship(self, conn: Connection, until: datetime) -> None:
        due = []
        while self.pending_ship and self.pending_ship[0][0] <= until:
            due.append(self.pending_ship.popleft())
        if not due:
            return
        when = dict((oid, t) for t, oid in due)
        rows = conn.execute(select(orders_table).where(orders_table.c.id.in_(list(when)),
                                                       orders_table.c.status == "processing")).mappings().all()
        events = []
        track = self.sc.tracking
        for r in rows:
            at = when[r["id"]]
            events.append(self._shipment(r, ShipmentStatus.PICKED_UP, at, temp=self._temperature(r["lane"], at)))
            if track is not None:
                for h in track.scan_hours:
                    self._schedule(at + timedelta(hours=h), {"kind": "scan", "order": dict(r), "status": "in_transit"})
                if track.deliver_after_hours is not None:
                    self._schedule(at + timedelta(hours=track.deliver_after_hours),
                                   {"kind": "scan", "order": dict(r), "status": "delivered"})
            d = self.sc.disruption
            if d is not None and self._is_disrupted(r["carrier"], r["lane"], at):
                self._schedule(at + timedelta(hours=d.notice_after_hours), {"kind": "delay", "order": dict(r)})
        shipped = [r["id"] for r in rows]
        conn.execute(update(orders_table).where(orders_table.c.id.in_(shipped)).values(status="shipped"))
        if events:
            store_shipments(conn, events)

    def _is_disrupted(self, carrier: str, lane: str, at: datetime) -> bool:
        d = self.sc.disruption
        return d is not None and carrier == d.carrier and lane == d.lane and at >= self.sc.at(d.from_day)

    def _shipment(self, r: Any, status: ShipmentStatus, at: datetime, revised: Any = None,
                  temp: float | None = None) -> dict[str, Any]:
        return shipment_row(ShipmentRow(tracking_number=f"TRK{r['id'][3:]}", order_id=r["id"], carrier=r["carrier"],
                                        lane=r["lane"], status=status, at=at, revised_delivery=revised,
                                        temperature_c=temp))

    def _temperature(self, lane: str, at: datetime) -> float | None:
        """The transit temperature a scan reports, where the scenario has weather on that lane."""
        w = self.sc.weather
        mean = None if w is None else w.expected(lane, (at - self.sc.start) / timedelta(days=1))
        if w is None or mean is None:
            return None
        return round(mean + w.noise_c * float(self.weather_rng.standard_normal()), 2)

    def _disrupt(self, conn: Connection, until: datetime) -> None:
        d = self.sc.disruption
        if d is None or self.disrupted or until < self.sc.at(d.from_day):
            return
        self.disrupted = True
        start = self.sc.at(d.from_day)
        q = select(orders_table).where(orders_table.c.lane == d.lane, orders_table.c.carrier == d.carrier,
                                       orders_table.c.status == "shipped",
                                       orders_table.c.created_at >= start - timedelta(days=8))
        for r in conn.execute(q).mappings():
            self._schedule(start + timedelta(hours=d.notice_after_hours * float(self.rng.random())),
                           {"kind": "delay", "order": dict(r)})

    def _emit_scheduled(self, conn: Connection, until: datetime) -> None:
        ships, posts = [], []
        while self.scheduled and self.scheduled[0][0] <= until:
            at, _, item = heapq.heappop(self.scheduled)
            if item["kind"] == "scan":
                r = item["order"]
                temp = self._temperature(r["lane"], at)
                ships.append(self._shipment(r, ShipmentStatus(item["status"]), at, temp=temp))
            elif item["kind"] == "delay":
                r = item["order"]
                extra = self.sc.disruption.extra_days if self.sc.disruption else 0
                revised = r["promised_by"] + timedelta(days=extra)
                ships.append(self._shipment(r, ShipmentStatus.DELAYED, at, revised))
                self.delayed_customers.append((r["customer_handle"], r["id"]))
            else:
                posts.append(item["row"])
        if ships:
            store_shipments(conn, ships)
        if posts:
            store_mentions(conn, posts)

    def _posts(self, conn: Connection, until: datetime) -> None:
        rows = []
        while self.next_slot < len(self.slots) and self.slots[self.next_slot].at <= until:
            slot = self.slots[self.next_slot]
            self.next_slot += 1
            row = self._post(slot)
            if row is not None:
                rows.append(row)
        if rows:
            store_mentions(conn, rows)

    def _author(self, slot: Slot) -> tuple[str, str | None, datetime, int, str]:
        kind = self.sc.streams[slot.stream].authors
        n = len(self.truth.order) + 1
        if kind == "delayed_customers":
            free = [(c, o) for c, o in self.delayed_customers if c not in self.used_authors]
            if not free:
                return "", None, LONG_AGO, 0, slot.country
            c, o = free[int(self.rng.integers(len(free)))]
            return c, o, LONG_AGO + timedelta(days=int(self.rng.integers(0, 900))), lognormal_followers(
                self.rng, 180), slot.country
        if kind == "fresh_accounts":
            age = timedelta(days=float(1 + 9 * self.rng.random()))
            return f"acct{self.seed}x{n}", None, slot.at - age, int(self.rng.integers(0, 20)), slot.country
        return f"fan{self.seed}x{n}", None, LONG_AGO + timedelta(days=int(self.rng.integers(0, 900))), \
            lognormal_followers(self.rng, 250), slot.country

    def _post(self, slot: Slot) -> dict[str, Any] | None:
        author, order_id, created, followers, country = self._author(slot)
        if not author:
            return None
        self.used_authors.add(author)
        stream = self.sc.streams[slot.stream]
        product = self._alias(slot.lang)
        cls = "fake" if slot.truth == "fake" else slot.truth
        pool = texts()[cls].get(slot.lang) or texts()[cls]["en"]
        order = f" #{order_id}" if order_id and self.rng.random() < stream.order_id_share else ""
        text = pool[int(self.rng.integers(len(pool)))].format(product=product, order=order,
                                                               days=int(self.rng.integers(5, 15)))
        if slot.truth != "fake":
            text = noisy(text, self.rng, slot.truth)
        native = f"{self.sc.name}-{len(self.truth.order) + 1:05d}"
        self.truth.classes[native] = slot.truth
        self.langs[native] = slot.lang
        self.truth.complaints[native] = stream.complaint
        self.truth.order.append(native)
        return mention_row(MentionRow(
            platform=stream.platform, native_id=native, author_handle=author, author_account_created=created,
            author_followers=followers, text=text, created_at=slot.at, country=country))

    def _alias(self, lang: str) -> str:
        p = self.sc.brand.products[0]
        names = p.aliases.get(lang) or p.aliases.get("en") or [p.name]
        return names[int(self.rng.integers(len(names)))]

    def on_published(self, events: Sequence[Event], posts: dict[str, dict[str, Any]]) -> None:
        """Complainers who got a reply may post a positive follow-up: likelier when fast and with an offer."""
        f = self.sc.follow_up
        for ev in events:
            if ev.type != EventType.REPLY_PUBLISHED or ev.payload.get("status") != "published":
                continue
            post = posts.get(ev.subject)
            if post is None or self.truth.classes.get(post["native_id"]) != "logistics":
                continue
            hours = (ev.at - post["created_at"]).total_seconds() / 3600
            p = f.base + f.offer_bonus * bool(ev.payload.get("has_offer")) \
                + f.date_bonus * bool(ev.payload.get("has_new_date")) - f.per_hour_late * hours
            if self.rng.random() < min(max(p, 0.0), 1.0):
                self._follow_up(ev.at, post)

    def _follow_up(self, at: datetime, post: dict[str, Any]) -> None:
        lo, hi = self.sc.follow_up.delay_hours
        when = at + timedelta(hours=lo + (hi - lo) * float(self.rng.random()))
        lang = self.langs.get(post["native_id"], "en")
        pool = texts()["follow_up"].get(lang) or texts()["follow_up"]["en"]
        native = f"{self.sc.name}-{len(self.truth.order) + 1:05d}"
        self.truth.classes[native] = "other"
        self.truth.complaints[native] = False
        self.truth.order.append(native)
        text = pool[int(self.rng.integers(len(pool)))].format(product=self._alias(lang))
        row = mention_row(MentionRow(
            platform=post["platform"], native_id=native, author_handle=post["author_handle"],
            author_account_created=LONG_AGO, author_followers=post["author_followers"], text=text, created_at=when,
            country=post["country"], in_reply_to=post["native_id"]))
        self._schedule(when, {"kind": "post", "row": row})
