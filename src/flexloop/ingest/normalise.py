"""Turn validated rows into store rows: UTC times, lower-cased platforms, idempotency keys."""

from __future__ import annotations

from datetime import UTC
from typing import Any, NamedTuple

from pydantic import BaseModel

from flexloop.ingest.parse import Parsed, Pending, validate_pending
from flexloop.ingest.schemas import CarrierRow, MentionRow, OrderRow, ShipmentRow, WarehouseRow


def mention_row(m: MentionRow) -> dict[str, Any]:
    platform = m.platform.lower()
    return {
        "key": f"{platform}:{m.native_id}",
        "platform": platform,
        "native_id": m.native_id,
        "author_handle": m.author_handle.lstrip("@").lower(),
        "author_account_created": m.author_account_created.astimezone(UTC) if m.author_account_created else None,
        "author_followers": m.author_followers or 0,
        "text": m.text,
        "created_at": m.created_at.astimezone(UTC),
        "country": m.country,
        "url": m.url,
        "in_reply_to": m.in_reply_to,
        "product_hints": m.product_hints,
        "metrics": m.metrics,
        "analyzed": False,
    }


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
    """A batch ready for the store: rows to write and (line, raw, reason) of rows to quarantine."""

    rows: list[dict[str, Any]]
    bad: list[tuple[int, str, str]]


def prepare(kind: str, batch: list[Pending | Parsed]) -> Prepared:
    """Validate and normalise one batch of split rows (pure: it runs in worker processes too)."""
    parsed = validate_pending(kind, batch)
    rows = [to_store_row(kind, p.row) for p in parsed if p.row is not None]
    bad = [(p.line, p.raw, p.reason or "invalid row") for p in parsed if p.row is None]
    return Prepared(rows, bad)
