"""Ingest: every format and kind, every quarantine reason, idempotent re-import, wrong files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, Table, func, select

from flexloop.errors import BadInput
from flexloop.ingest.flow import ingest_file
from flexloop.store.tables import carriers, mentions, orders, quarantine, shipment_events, warehouses

NOW = datetime(2026, 11, 25, tzinfo=UTC)
MENTION = {
    "platform": "TikTok",
    "native_id": "1",
    "author_handle": "@Ana",
    "author_followers": 120,
    "text": "¿Dónde está mi pedido? 😡",
    "created_at": "2026-11-20T10:00:00-05:00",
    "country": "MX",
    "product_hints": ["NECK-LUX-01"],
    "metrics": {"likes": 4},
}
ORDER = {
    "id": "SL-1",
    "customer_handle": "ana",
    "sku": "NECK-LUX-01",
    "qty": 1,
    "country": "MX",
    "warehouse": "CN-SZ",
    "carrier": "swift",
    "lane": "CN-MX",
    "status": "processing",
    "created_at": "2026-11-19T08:00:00+08:00",
    "promised_by": "2026-11-26",
    "value": 29.9,
    "currency": "USD",
}
SHIPMENT = {
    "tracking_number": "TRK1",
    "order_id": "SL-1",
    "carrier": "swift",
    "lane": "CN-MX",
    "status": "delayed",
    "at": "2026-11-21T00:00:00Z",
    "revised_delivery": "2026-11-29",
    "temperature_c": 31.5,
}
NETWORK = [
    {
        "kind": "warehouse",
        "id": "MX-LOCAL",
        "country": "MX",
        "stock": {"NECK-LUX-01": 500},
        "daily_capacity": 800,
    },
    {
        "kind": "carrier",
        "id": "backup-air",
        "lanes": ["CN-MX"],
        "cost_per_order": 6.5,
        "transit_days": 3,
        "daily_capacity": 1000,
        "kg_co2e_per_tkm": 0.6,
        "backup": True,
        "mode": "air",
    },
]


def write_jsonl(path: Path, rows: Sequence[object], extra: str = "") -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + extra, encoding="utf-8")
    return path


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def count(store: Engine, table: Table) -> int:
    with store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_mentions_jsonl_normalised_and_idempotent(store: Engine, tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "m.jsonl", [MENTION, {**MENTION, "native_id": "2"}, MENTION])
    s = ingest_file(store, "mentions", f, NOW)
    assert (s.stored, s.duplicates, s.quarantined) == (2, 1, 0)
    again = ingest_file(store, "mentions", f, NOW)
    assert (again.stored, again.duplicates) == (0, 3)
    with store.connect() as conn:
        row = conn.execute(select(mentions).where(mentions.c.native_id == "1")).mappings().one()
    assert row["platform"] == "tiktok" and row["author_handle"] == "ana"
    assert row["created_at"] == datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    assert row["product_hints"] == ["NECK-LUX-01"] and row["metrics"] == {"likes": 4.0}


def test_mentions_csv_with_list_and_mapping_cells(store: Engine, tmp_path: Path) -> None:
    header = [
        "platform",
        "native_id",
        "author_handle",
        "text",
        "created_at",
        "product_hints",
        "metrics",
        "country",
    ]
    f = write_csv(
        tmp_path / "m.csv",
        header,
        [
            [
                "x",
                "9",
                "bo",
                "late again, 2 weeks",
                "2026-11-20T10:00:00+00:00",
                "A|B",
                "likes:3;shares:1",
                "",
            ],
        ],
    )
    s = ingest_file(store, "mentions", f, NOW)
    assert s.stored == 1
    with store.connect() as conn:
        row = conn.execute(select(mentions)).mappings().one()
    assert row["product_hints"] == ["A", "B"] and row["metrics"] == {"likes": 3.0, "shares": 1.0}
    assert row["country"] is None


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "not a JSON object"),
        (json.dumps({**MENTION, "native_id": "q1", "created_at": "2026-11-20T10:00:00"}), "created_at"),
        (
            json.dumps({k: v for k, v in MENTION.items() if k != "text"} | {"native_id": "q2"}),
            "missing field text",
        ),
        (json.dumps({**MENTION, "native_id": "q3", "author_followers": -5}), "author_followers"),
        (json.dumps({**MENTION, "native_id": "q4", "country": "Mexico"}), "country"),
    ],
)
def test_each_quarantine_reason(store: Engine, tmp_path: Path, bad: str, reason: str) -> None:
    f = write_jsonl(tmp_path / "m.jsonl", [MENTION], extra=bad + "\n")
    s = ingest_file(store, "mentions", f, NOW)
    assert (s.stored, s.quarantined) == (1, 1)
    assert s.errors[0]["line"] == 2 and reason in s.errors[0]["reason"]
    with store.connect() as conn:
        q = conn.execute(select(quarantine)).mappings().one()
    assert q["line"] == 2 and q["raw"] == bad and reason in q["reason"] and q["file"].endswith("m.jsonl")
    ingest_file(store, "mentions", f, NOW)
    assert count(store, quarantine) == 1  # re-import does not duplicate the quarantine


def test_csv_row_with_wrong_cell_count_is_quarantined(store: Engine, tmp_path: Path) -> None:
    f = tmp_path / "o.csv"
    f.write_text(
        ",".join(ORDER) + "\n" + ",".join(str(v) for v in ORDER.values()) + "\nSL-2,ana\n", encoding="utf-8"
    )
    s = ingest_file(store, "orders", f, NOW)
    assert (s.stored, s.quarantined) == (1, 1)
    assert "cells" in s.errors[0]["reason"] and s.errors[0]["line"] == 3


def test_orders_upsert_by_id(store: Engine, tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "o.jsonl", [ORDER])
    assert ingest_file(store, "orders", f, NOW).stored == 1
    assert ingest_file(store, "orders", f, NOW).duplicates == 1
    g = write_jsonl(
        tmp_path / "o2.jsonl", [{**ORDER, "status": "shipped"}, {**ORDER, "id": "SL-2", "status": "bogus"}]
    )
    s = ingest_file(store, "orders", g, NOW)
    assert (s.stored, s.quarantined) == (1, 1) and "status" in s.errors[0]["reason"]
    with store.connect() as conn:
        assert conn.execute(select(orders.c.status)).scalar_one() == "shipped"


def test_shipments_idempotent_by_tracking_status_time(store: Engine, tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "s.jsonl", [SHIPMENT, {**SHIPMENT, "status": "in_transit"}, SHIPMENT])
    s = ingest_file(store, "shipments", f, NOW)
    assert (s.stored, s.duplicates) == (2, 1)
    bad = write_jsonl(tmp_path / "s2.jsonl", [{**SHIPMENT, "status": "teleported"}])
    assert ingest_file(store, "shipments", bad, NOW).quarantined == 1
    assert count(store, shipment_events) == 2


def test_network_jsonl_and_csv(store: Engine, tmp_path: Path) -> None:
    s = ingest_file(store, "network", write_jsonl(tmp_path / "n.jsonl", NETWORK), NOW)
    assert s.stored == 2
    csv_file = write_csv(
        tmp_path / "n.csv",
        ["kind", "id", "country", "stock", "daily_capacity"],
        [
            ["warehouse", "US-LOCAL", "US", "NECK-LUX-01:40;RING:3", "100"],
            ["truck", "x", "US", "", "1"],
        ],
    )
    s2 = ingest_file(store, "network", csv_file, NOW)
    assert (s2.stored, s2.quarantined) == (1, 1)
    assert count(store, warehouses) == 2 and count(store, carriers) == 1
    with store.connect() as conn:
        stock = conn.execute(select(warehouses.c.stock).where(warehouses.c.id == "US-LOCAL")).scalar_one()
    assert stock == {"NECK-LUX-01": 40, "RING": 3}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b"foo,bar\n1,2\n", "does not look like mentions"),
        (b"platform,native_id,text\nx,1,hi\n", "missing author_handle"),
    ],
)
def test_wrong_files_are_refused_before_storing(
    store: Engine, tmp_path: Path, content: bytes, message: str
) -> None:
    f = tmp_path / "bad.csv"
    f.write_bytes(content)
    with pytest.raises(BadInput, match=message):
        ingest_file(store, "mentions", f, NOW)
    assert count(store, mentions) == 0


def test_nulls_take_defaults_and_out_of_range_values_are_quarantined(store: Engine, tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "m.jsonl", [{**MENTION, "author_followers": None}])
    assert ingest_file(store, "mentions", f, NOW).stored == 1
    with store.connect() as conn:
        assert conn.execute(select(mentions.c.author_followers)).scalar_one() == 0
    hot = {**SHIPMENT, "at": "2026-11-22T00:00:00Z", "temperature_c": 120}
    g = write_jsonl(tmp_path / "s.jsonl", [{**SHIPMENT, "temperature_c": None}, hot])
    s = ingest_file(store, "shipments", g, NOW)
    assert (s.stored, s.quarantined) == (1, 1) and "temperature_c" in s.errors[0]["reason"]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_many_batches_keep_file_order_duplicates_and_quarantine(
    store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    import flexloop.ingest.flow as flow

    monkeypatch.setattr(flow, "BATCH", 7)
    good = [{**MENTION, "native_id": str(i), "text": f"post {i}"} for i in range(40)]
    rows = [*good[:20], good[3], *good[20:]]  # one duplicate after the first batches
    if fmt == "jsonl":
        f = write_jsonl(tmp_path / "m.jsonl", rows, extra="{broken\n")
    else:
        cols = ["platform", "native_id", "author_handle", "text", "created_at"]
        cells = [[str(r[c]) for c in cols] for r in rows] + [["tiktok", "x", "bo", "late", "yesterday"]]
        f = write_csv(tmp_path / "m.csv", cols, cells)
    s = ingest_file(store, "mentions", f, NOW)
    assert (s.stored, s.duplicates, s.quarantined) == (40, 1, 1)
    assert s.errors[0]["line"] == (43 if fmt == "csv" else 42)
    with store.connect() as conn:
        texts = list(conn.execute(select(mentions.c.text).order_by(mentions.c.id)).scalars())
    assert texts == [f"post {i}" for i in range(40)]
    again = ingest_file(store, "mentions", f, NOW)
    assert (again.stored, again.duplicates) == (0, 41)
