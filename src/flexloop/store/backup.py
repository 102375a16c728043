"""Portable backup and restore: every table as gzip JSON lines, restorable into SQLite or PostgreSQL."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Date, Engine, select, text

from flexloop.errors import BadInput
from flexloop.store.db import current_revision
from flexloop.store.tables import metadata
from flexloop.store.types import UtcDateTime

FORMAT = "flexloop-backup/1"


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _rows(conn: Connection) -> Iterator[dict[str, Any]]:
    for table in metadata.sorted_tables:
        for row in conn.execute(select(table)).mappings():
            yield {"t": table.name, "r": {k: _encode(v) for k, v in row.items()}}


def backup(engine: Engine, path: Path) -> dict[str, int]:
    """Write a consistent snapshot of every table; returns rows per table."""
    counts: dict[str, int] = {t.name: 0 for t in metadata.sorted_tables}
    with engine.connect() as conn, gzip.open(path, "wt", encoding="utf-8") as out:
        header = {"format": FORMAT, "revision": current_revision(engine)}
        out.write(json.dumps(header) + "\n")
        for line in _rows(conn):
            counts[line["t"]] += 1
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return counts


def _decode(table: str, row: dict[str, Any]) -> dict[str, Any]:
    cols = metadata.tables[table].c
    out: dict[str, Any] = {}
    for key, value in row.items():
        col_type = cols[key].type
        if value is not None and isinstance(col_type, UtcDateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(col_type, Date):
            value = date.fromisoformat(value)
        out[key] = value
    return out


def restore(engine: Engine, path: Path) -> dict[str, int]:
    """Replace the store's content with a backup taken at the same schema revision."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as src:
            header = json.loads(src.readline())
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path} is not a flexloop backup ({exc})") from exc
    if header.get("format") != FORMAT:
        raise BadInput(f"{path} is not a flexloop backup (format {header.get('format')!r})")
    if header.get("revision") != current_revision(engine):
        raise BadInput(
            f"backup is at schema {header.get('revision')}, the store at {current_revision(engine)}"
        )
    counts: dict[str, int] = {t.name: 0 for t in metadata.sorted_tables}
    with engine.begin() as conn, gzip.open(path, "rt", encoding="utf-8") as src:
        src.readline()
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        batch: dict[str, list[dict[str, Any]]] = {}
        for raw in src:
            line = json.loads(raw)
            batch.setdefault(line["t"], []).append(_decode(line["t"], line["r"]))
            counts[line["t"]] += 1
            if len(batch[line["t"]]) >= 1000:
                conn.execute(metadata.tables[line["t"]].insert(), batch.pop(line["t"]))
        for table in metadata.sorted_tables:
            if batch.get(table.name):
                conn.execute(table.insert(), batch[table.name])
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)
    return counts


def _reset_sequences(conn: Connection) -> None:
    for table in metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement is True:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                    f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
                )
            )
