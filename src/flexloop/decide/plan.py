"""Turn a matched playbook, the incident and the network into a plan: reroute, actions, offers, money at risk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from flexloop.decide.emissions import DeliveryOption, green_vs_expedite
from flexloop.decide.optimizer import RerouteOption, RerouteOrder, RerouteResult
from flexloop.decide.playbooks import Playbook, Then
from flexloop.domain.records import Carrier, Order, Warehouse
from flexloop.domain.vocab import ActionType

CROSS_BORDER_KM = 8000.0
DOMESTIC_KM = 600.0
TRANSFER_LEAD_DAYS = 3.0


def destination(lane: str) -> str:
    """Lanes are written ORIGIN-DESTINATION (country codes)."""
    return lane.rsplit("-", 1)[-1]


def outline(pb: Playbook, then: Then | None = None) -> dict[str, Any]:
    """The plan a playbook produces before any order is looked at (what `playbook test` shows)."""
    t = then or pb.then
    return {
        "playbook": pb.id,
        "name": pb.name,
        "actions": [{"type": a.type.value, "params": a.params, "needs_approval": a.needs_approval} for a in t.actions],
        "reroute": t.reroute.model_dump() if t.reroute else None,
        "cadence_minutes": t.cadence_minutes,
        "compensation": [o.model_dump() for o in t.compensation],
        "approvals": t.approvals,
        "notify_owner": t.notify_owner,
        "owner_on_camera": t.owner_on_camera,
        "public_update": t.public_update,
    }


def reroute_options(
    kinds: Sequence[str], sku: str, lanes: Sequence[str], carriers: Sequence[Carrier], warehouses: Sequence[Warehouse]
) -> list[RerouteOption]:
    """Backup carriers on the delayed lanes, local warehouses with stock, cross-region transfers."""
    countries = {destination(lane) for lane in lanes}
    out: list[RerouteOption] = []
    if "backup_carrier" in kinds:
        for c in carriers:
            served = frozenset(destination(lane) for lane in c.lanes if lane in lanes)
            if c.backup and served:
                out.append(RerouteOption(
                    id=f"carrier:{c.id}", kind="carrier", carrier=c.id, warehouse="origin", countries=served,
                    cost_per_order=c.cost_per_order, transit_days=c.transit_days, capacity=c.daily_capacity,
                    kg_co2e_per_tkm=c.kg_co2e_per_tkm, distance_km=CROSS_BORDER_KM, mode=c.mode))
    for w in warehouses:
        if w.stock.get(sku, 0) <= 0:
            continue
        local = w.country in countries
        if local and "local_warehouse" in kinds:
            out.append(_warehouse_option(w, sku, "warehouse", frozenset({w.country}), 0.0, DOMESTIC_KM))
        elif not local and "transfer" in kinds:
            out.append(_warehouse_option(w, sku, "transfer", frozenset(countries), TRANSFER_LEAD_DAYS, CROSS_BORDER_KM))
    return out


def _warehouse_option(w: Warehouse, sku: str, kind: Literal["warehouse", "transfer"], countries: frozenset[str],
                      lead: float, km: float) -> RerouteOption:
    return RerouteOption(
        id=f"{kind}:{w.id}", kind=kind, carrier="local", warehouse=w.id, countries=countries,
        cost_per_order=w.cost_per_order, transit_days=w.transit_days,
        lead_days=lead, capacity=w.daily_capacity, stock={sku: w.stock.get(sku, 0)},
        kg_co2e_per_tkm=0.107, distance_km=km)


def reroute_orders(orders: Sequence[Order], today: date) -> list[RerouteOrder]:
    return [RerouteOrder(id=o.id, sku=o.sku, qty=o.qty, country=o.country, lane=o.lane,
                         promised_by=o.promised_by or today, value=o.value) for o in orders]


def actions_from(result: RerouteResult, options: Sequence[RerouteOption]) -> list[dict[str, Any]]:
    """One switch_carrier or move_to_warehouse action per chosen option, listing its orders."""
    by_option: dict[str, list[str]] = defaultdict(list)
    for a in result.assignments:
        by_option[a.option_id].append(a.order_id)
    kinds = {o.id: o for o in options}
    out = []
    for option_id, ids in sorted(by_option.items()):
        opt = kinds[option_id]
        if opt.kind == "carrier":
            out.append({"type": ActionType.SWITCH_CARRIER.value, "params": {"carrier": opt.carrier}, "orders": ids})
        else:
            out.append({"type": ActionType.MOVE_TO_WAREHOUSE.value,
                        "params": {"warehouse": opt.warehouse, "transfer": opt.kind == "transfer"}, "orders": ids})
    return out


@dataclass(frozen=True)
class Money:
    """Revenue at risk against what the plan costs."""

    affected_orders: int
    average_order_value: float
    coupon_spend: float
    expedite_cost: float

    def as_dict(self) -> dict[str, float]:
        at_risk = self.affected_orders * self.average_order_value
        plan_cost = self.coupon_spend + self.expedite_cost
        return {"affected_orders": self.affected_orders, "average_order_value": round(self.average_order_value, 2),
                "revenue_at_risk": round(at_risk + plan_cost, 2), "sales_at_risk": round(at_risk, 2),
                "coupon_spend": round(self.coupon_spend, 2), "expedite_cost": round(self.expedite_cost, 2),
                "plan_cost": round(plan_cost, 2)}


def money(affected: Sequence[Order], offers: Sequence[Mapping[str, Any]], reroute_cost: float) -> Money:
    """Affected orders × average value + coupon spend (every customer takes the coupon) + expedite cost."""
    aov = sum(o.value for o in affected) / len(affected) if affected else 0.0
    coupon = max((float(o.get("coupon_pct", 0)) for o in offers), default=0.0) / 100 * sum(o.value for o in affected)
    return Money(len(affected), aov, coupon, reroute_cost)


def offer_choices(today: date, current_days: float, local_days: float) -> list[dict[str, Any]]:
    """Green vs expedite: keep the current shipment or switch to local shipping, with CO2e and date."""
    options = [
        DeliveryOption(label="wait", legs=[("sea", CROSS_BORDER_KM * 1.5), ("road", DOMESTIC_KM)], days=current_days),
        DeliveryOption(label="local_48h", legs=[("road", DOMESTIC_KM)], days=local_days),
        DeliveryOption(label="expedite_air", legs=[("air", CROSS_BORDER_KM), ("road", DOMESTIC_KM)], days=3),
    ]
    return [
        {"label": c.label, "delivery": c.delivery.isoformat(), "kg_co2e": c.kg_co2e, "greenest": c.greenest,
         "fastest": c.fastest}
        for c in green_vs_expedite(0.3, options, today)
    ]
