"""Idempotent writes of ingested rows and the quarantine; callers own the transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Connection, Date, Table, select

from flexloop.store.tables import carriers, mentions, orders, quarantine, shipment_events, warehouses
from flexloop.store.types import UtcDateTime


def _existing(conn: Connection, table: Table, column: str, keys: Sequence[str]) -> set[str]:
    col = table.c[column]
    found: set[str] = set()
    for i in range(0, len(keys), 900):
        found.update(conn.execute(select(col).where(col.in_(keys[i : i + 900]))).scalars())
    return found


def insert_new(conn: Connection, table: Table, key: str, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Insert rows whose key is not stored yet; returns (stored, duplicates)."""
    unique: dict[str, dict[str, Any]] = {}
    for row in rows:
        unique.setdefault(row[key], row)
    if conn.dialect.name == "sqlite":  # one statement: the unique key ignores what is already stored
        stored = bulk_insert(conn, table, list(unique.values()), or_ignore=True)
        return stored, len(rows) - stored
    seen = _existing(conn, table, key, list(unique))
    fresh = [row for k, row in unique.items() if k not in seen]
    if fresh:
        bulk_insert(conn, table, fresh)
    return len(fresh), len(rows) - len(fresh)


def _utc_text(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DATETIME stores, in UTC (the ISO form less its "+00:00")."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(sep=" ", timespec="microseconds")[:-6]


def _sqlite_encoder(col_type: object) -> Callable[[Any], Any] | None:
    """How SQLAlchemy's SQLite types store a value; None where it is stored as is."""
    if isinstance(col_type, UtcDateTime):
        return _utc_text
    if isinstance(col_type, JSON):
        return lambda v: orjson.dumps(v).decode()
    if isinstance(col_type, Date):
        return date.isoformat
    if isinstance(col_type, Boolean):
        return int
    return None


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]], or_ignore: bool = False) -> int:
    """Insert many rows (on SQLite through one prepared executemany); returns rows stored."""
    if not rows:
        return 0
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), rows)
        return len(rows)
    names = [c.name for c in table.columns if c.name in rows[0]]
    pick = itemgetter(*names) if len(names) > 1 else (lambda r: (r[names[0]],))
    return insert_values(conn, table, names, [pick(r) for r in rows], or_ignore)


def insert_values(
    conn: Connection, table: Table, names: Sequence[str], values: list[tuple[Any, ...]], or_ignore: bool = False
) -> int:
    """Insert value tuples in the order of NAMES (the ingest hot path: no dict per row); returns rows stored."""
    if not values:
        return 0
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), [dict(zip(names, v, strict=True)) for v in values])
        return len(values)
    verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
    sql = f"{verb} INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    return int(conn.exec_driver_sql(sql, _sqlite_params(table, names, values)).rowcount)


def _sqlite_params(table: Table, names: Sequence[str], values: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Value tuples encoded as SQLAlchemy's SQLite types store them, only where the column type needs it."""
    encoders = [(i, f) for i, n in enumerate(names) if (f := _sqlite_encoder(table.c[n].type)) is not None]
    if not encoders:
        return values
    params = []
    for row in values:
        encoded = list(row)
        for i, f in encoders:
            if encoded[i] is not None:
                encoded[i] = f(encoded[i])
        params.append(tuple(encoded))
    return params


def store_mention_values(conn: Connection, names: Sequence[str], values: list[tuple[Any, ...]]) -> tuple[int, int]:
    """Insert new mentions given as value tuples (key first); returns (stored, duplicates)."""
    assert names[0] == "key"
    if conn.dialect.name == "sqlite":  # one statement: the unique key ignores what is already stored
        stored = insert_values(conn, mentions, names, values, or_ignore=True)
        return stored, len(values) - stored
    return insert_new(conn, mentions, "key", [dict(zip(names, v, strict=True)) for v in values])


def upsert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Insert new ids, update changed ones, count identical ones as duplicates."""
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:
        latest[row["id"]] = row
    ids = list(latest)
    current = {
        r["id"]: dict(r)
        for i in range(0, len(ids), 900)
        for r in conn.execute(select(table).where(table.c.id.in_(ids[i : i + 900]))).mappings()
    }
    stored = 0
    fresh = [row for i, row in latest.items() if i not in current]
    if fresh:
        conn.execute(table.insert(), fresh)
        stored += len(fresh)
    for i, row in latest.items():
        if i in current and any(current[i].get(k) != v for k, v in row.items()):
            conn.execute(table.update().where(table.c.id == i).values(**row))
            stored += 1
    return stored, len(rows) - stored


def store_mentions(conn: Connection, rows: list[dict[str, Any]]) -> tuple[int, int]:
    return insert_new(conn, mentions, "key", rows)


def store_shipments(conn: Connection, rows: list[dict[str, Any]]) -> tuple[int, int]:
    return insert_new(conn, shipment_events, "key", rows)


def store_orders(conn: Connection, rows: list[dict[str, Any]]) -> tuple[int, int]:
    return upsert(conn, orders, rows)


def store_network(conn: Connection, rows: list[dict[str, Any]]) -> tuple[int, int]:
    wh = [{k: v for k, v in r.items() if k != "kind"} for r in rows if r["kind"] == "warehouse"]
    ca = [{k: v for k, v in r.items() if k != "kind"} for r in rows if r["kind"] == "carrier"]
    s1, d1 = upsert(conn, warehouses, wh) if wh else (0, 0)
    s2, d2 = upsert(conn, carriers, ca) if ca else (0, 0)
    return s1 + s2, d1 + d2


def store_quarantine(conn: Connection, kind: str, file: str, bad: list[tuple[int, str, str]], at: datetime) -> None:
    """Keep every rejected row with its file, line, raw text and reason (once per file, line and text)."""
    if bad:
        rows = [
            {
                "key": hashlib.sha256(f"{kind}|{file}|{ln}|{raw}".encode()).hexdigest(),
                "kind": kind,
                "file": file,
                "line": ln,
                "raw": raw,
                "reason": why,
                "at": at,
            }
            for ln, raw, why in bad
        ]
        insert_new(conn, quarantine, "key", rows)


WRITERS = {
    "mentions": store_mentions,
    "orders": store_orders,
    "shipments": store_shipments,
    "network": store_network,
}
