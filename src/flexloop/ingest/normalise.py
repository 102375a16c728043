"""Turn validated rows into store rows: UTC times, lower-cased platforms, idempotency keys."""

from __future__ import annotations

from datetime import UTC
from typing import Any, NamedTuple

from pydantic import BaseModel

from flexloop.ingest.parse import Parsed, Pending, validate_pending
from flexloop.ingest.schemas import CarrierRow, MentionRow, OrderRow, ShipmentRow, WarehouseRow

MENTION_COLUMNS = (
    "key", "platform", "native_id", "author_handle", "author_account_created", "author_followers", "text",
    "created_at", "country", "url", "in_reply_to", "product_hints", "metrics", "analyzed",
)  # fmt: skip


def mention_values(m: MentionRow) -> tuple[Any, ...]:
    """A mention as store values in MENTION_COLUMNS order: UTC times, lower-cased platform and handle, its key."""
    platform = m.platform.lower()
    created = m.author_account_created
    return (
        f"{platform}:{m.native_id}",
        platform,
        m.native_id,
        m.author_handle.lstrip("@").lower(),
        created.astimezone(UTC) if created else None,
        m.author_followers or 0,
        m.text,
        m.created_at.astimezone(UTC),
        m.country,
        m.url,
        m.in_reply_to,
        m.product_hints,
        m.metrics,
        False,
    )


def mention_row(m: MentionRow) -> dict[str, Any]:
    return dict(zip(MENTION_COLUMNS, mention_values(m), strict=True))


def order_row(o: OrderRow) -> dict[str, Any]:
    row = o.model_dump()
    row["customer_handle"] = o.customer_handle.lstrip("@").lower()
    row["status"] = o.status.value
    row["created_at"] = o.created_at.astimezone(UTC)
    return row


def shipment_row(s: ShipmentRow) -> dict[str, Any]:
    at = s.at.astimezone(UTC)
    row = s.model_dump()
    row.update(status=s.status.value, at=at, key=f"{s.tracking_number}|{s.status.value}|{at.isoformat()}")
    return row


def network_row(n: WarehouseRow | CarrierRow) -> dict[str, Any]:
    return n.model_dump()


def to_store_row(kind: str, row: BaseModel) -> dict[str, Any]:
    """Dispatch on KIND."""
    if kind == "mentions":
        assert isinstance(row, MentionRow)
        return mention_row(row)
    if kind == "orders":
        assert isinstance(row, OrderRow)
        return order_row(row)
    if kind == "shipments":
        assert isinstance(row, ShipmentRow)
        return shipment_row(row)
    assert isinstance(row, WarehouseRow | CarrierRow)
    return network_row(row)


class Prepared(NamedTuple):
    """A validated batch: the good rows' records and (line, raw, reason) of the rows to quarantine."""

    good: list[BaseModel]
    bad: list[tuple[int, str, str]]


def prepare(kind: str, batch: list[Pending | Parsed]) -> Prepared:
    """Validate one batch of split rows."""
    parsed = validate_pending(kind, batch)
    good = [p.row for p in parsed if p.row is not None]
    bad = [(p.line, p.raw, p.reason or "invalid row") for p in parsed if p.row is None]
    return Prepared(good, bad)
