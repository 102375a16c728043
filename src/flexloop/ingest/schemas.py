"""Row schemas per ingest kind; their JSON Schema is what `flexloop schema KIND` prints."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from flexloop.domain.vocab import OrderStatus, ShipmentStatus


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and value.strip() == "" else value


def _list(value: Any) -> Any:
    """Accept a JSON list, or a `|`-separated string as CSV cells carry it."""
    value = _blank_to_none(value)
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in text.split("|") if part.strip()]
    return value


def _mapping(value: Any) -> Any:
    """Accept a JSON object, or `key:value;key:value` as CSV cells carry it."""
    value = _blank_to_none(value)
    if value is None:
        return {}
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            return json.loads(text)
        pairs = [part.split(":", 1) for part in text.split(";") if part.strip()]
        if any(len(p) != 2 for p in pairs):
            raise ValueError("expected key:value;key:value or a JSON object")
        return {k.strip(): v.strip() for k, v in pairs}
    return value


Opt = BeforeValidator(_blank_to_none)
StrList = Annotated[list[str], BeforeValidator(_list)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class MentionRow(_Row):
    """A post, comment, review or DM; idempotent by (platform, native_id)."""

    platform: Annotated[str, Field(min_length=1, max_length=40, examples=["tiktok"])]
    native_id: Annotated[str, Field(min_length=1, max_length=255)]
    author_handle: Annotated[str, Field(min_length=1, max_length=255)]
    author_account_created: Annotated[AwareDatetime | None, Opt] = None
    author_followers: Annotated[Annotated[int, Field(ge=0)] | None, Opt] = 0
    text: Annotated[str, Field(min_length=1)]
    created_at: Annotated[AwareDatetime, Field(description="post time with its UTC offset")]
    country: Annotated[Country | None, Opt] = None
    url: Annotated[str | None, Opt] = None
    in_reply_to: Annotated[str | None, Opt] = None
    product_hints: StrList = Field(default_factory=list)
    metrics: Annotated[dict[str, float], BeforeValidator(_mapping)] = Field(default_factory=dict)


class MentionJsonRow(MentionRow):
    """The same row read from JSON, where null (not "") means absent: no per-field Python hooks, twice as fast."""

    author_account_created: AwareDatetime | None = None
    author_followers: Annotated[int, Field(ge=0)] | None = 0
    country: Country | None = None
    url: str | None = None
    in_reply_to: str | None = None
    product_hints: list[str] = Field(default_factory=list)
    metrics: dict[str, float] = Field(default_factory=dict)


class OrderRow(_Row):
    """An order line; idempotent by id (a changed row updates the order)."""

    id: Annotated[str, Field(min_length=1, max_length=64)]
    customer_handle: Annotated[str, Field(min_length=1, max_length=255)]
    sku: Annotated[str, Field(min_length=1, max_length=64)]
    qty: Annotated[int, Field(ge=1)]
    country: Country
    warehouse: Annotated[str, Field(min_length=1)]
    carrier: Annotated[str, Field(min_length=1)]
    lane: Annotated[str, Field(min_length=1)]
    status: OrderStatus
    created_at: AwareDatetime
    promised_by: Annotated[date | None, Opt] = None
    value: Annotated[float, Field(ge=0)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class ShipmentRow(_Row):
    """A carrier tracking event; idempotent by (tracking_number, status, at)."""

    tracking_number: Annotated[str, Field(min_length=1, max_length=64)]
    order_id: Annotated[str | None, Opt] = None
    carrier: Annotated[str, Field(min_length=1)]
    lane: Annotated[str, Field(min_length=1)]
    status: ShipmentStatus
    at: AwareDatetime
    revised_delivery: Annotated[date | None, Opt] = None
    temperature_c: Annotated[Annotated[float, Field(ge=-80, le=90)] | None, Opt] = None


class WarehouseRow(_Row):
    """A warehouse: stock per SKU and daily capacity in orders; idempotent by id."""

    kind: Literal["warehouse"]
    id: Annotated[str, Field(min_length=1, max_length=64)]
    country: Country
    stock: Annotated[dict[str, Annotated[int, Field(ge=0)]], BeforeValidator(_mapping)] = Field(default_factory=dict)
    daily_capacity: Annotated[int, Field(ge=0)]
    temperature_control: bool = False
    cost_per_order: Annotated[float, Field(ge=0, description="pick, pack and last-mile cost")] = 3.0
    transit_days: Annotated[float, Field(gt=0, description="to a customer in its country")] = 2.0


class CarrierRow(_Row):
    """A carrier: lanes it serves, cost, transit time, capacity and emissions; idempotent by id."""

    kind: Literal["carrier"]
    id: Annotated[str, Field(min_length=1, max_length=64)]
    lanes: StrList
    cost_per_order: Annotated[float, Field(ge=0)]
    transit_days: Annotated[float, Field(gt=0)]
    daily_capacity: Annotated[int, Field(ge=0)]
    kg_co2e_per_tkm: Annotated[float, Field(ge=0)]
    backup: bool = False
    mode: Literal["road", "rail", "sea", "air"] = "road"


class NetworkRow(BaseModel):
    """One network line: a warehouse or a carrier, told apart by `kind`."""

    row: Annotated[WarehouseRow | CarrierRow, Field(discriminator="kind")]


KINDS: dict[str, type[BaseModel]] = {
    "mentions": MentionRow,
    "orders": OrderRow,
    "shipments": ShipmentRow,
    "network": NetworkRow,
}

# JSONL lines after the first are validated straight from text with these models.
JSON_KINDS: dict[str, type[BaseModel]] = {**KINDS, "mentions": MentionJsonRow}

REQUIRED: dict[str, tuple[str, ...]] = {
    "mentions": ("platform", "native_id", "author_handle", "text", "created_at"),
    "orders": (
        "id",
        "customer_handle",
        "sku",
        "qty",
        "country",
        "warehouse",
        "carrier",
        "lane",
        "status",
        "created_at",
        "value",
        "currency",
    ),
    "shipments": ("tracking_number", "carrier", "lane", "status", "at"),
    "network": ("kind", "id"),
}


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one row of KIND."""
    if kind == "network":
        return {
            "title": "NetworkRow",
            "description": "A warehouse or a carrier per line, told apart by `kind`.",
            "oneOf": [WarehouseRow.model_json_schema(), CarrierRow.model_json_schema()],
        }
    return KINDS[kind].model_json_schema()
