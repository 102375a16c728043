"""Stream CSV or JSONL rows into validated records, or a quarantine reason per bad row."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, TextIO

from pydantic import BaseModel, ValidationError

from flexloop.errors import BadInput
from flexloop.ingest.schemas import JSON_KINDS, KINDS, REQUIRED, NetworkRow

csv.field_size_limit(10_000_000)


@dataclass(frozen=True, slots=True)
class Parsed:
    """One input row: its validated record, or why it was quarantined."""

    line: int
    raw: str
    row: BaseModel | None
    reason: str | None = None


def sniff_format(name: str, head: bytes) -> str:
    """Tell CSV from JSONL; refuse empty, binary and non-UTF-8 files with one clear line."""
    if not head.strip():
        raise BadInput(f"{name} is empty")
    if b"\x00" in head:
        raise BadInput(f"{name} is a binary file, expected CSV or JSONL")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a multi-byte character cut by the peek
            raise BadInput(f"{name} is not UTF-8 text (byte {exc.start})") from exc
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lower.endswith((".csv", ".tsv")):
        return "csv"
    return "jsonl" if head.lstrip().startswith(b"{") else "csv"


def explain(exc: ValidationError) -> str:
    """One line naming the first bad field."""
    first = exc.errors()[0]
    loc = [str(p) for p in first["loc"] if p not in ("row", "warehouse", "carrier")]
    field = ".".join(loc) or "row"
    if first["type"] == "missing":
        return f"missing field {field}"
    value = first.get("input")
    shown = repr(value)[:60] if not isinstance(value, dict) else "an object"
    return f"bad value for {field} ({shown}): {first['msg']}"


def validate(kind: str, data: dict[str, Any]) -> BaseModel:
    """Validate one decoded row as KIND."""
    if kind == "network":
        return NetworkRow.model_validate({"row": data}).row
    return KINDS[kind].model_validate(data)


def _check_columns(kind: str, name: str, present: set[str]) -> None:
    missing = [c for c in REQUIRED[kind] if c not in present]
    if missing and len(missing) == len(REQUIRED[kind]):
        raise BadInput(f"{name} does not look like {kind}: none of the columns {', '.join(REQUIRED[kind])}")
    if missing and kind != "network":
        raise BadInput(f"{name} has wrong columns for {kind}: missing {', '.join(missing)}")


def _row(kind: str, line: int, raw: str, data: Any) -> Parsed:
    if not isinstance(data, dict):
        return Parsed(line, raw, None, "not a JSON object")
    try:
        return Parsed(line, raw, validate(kind, data))
    except ValidationError as exc:
        return Parsed(line, raw, None, explain(exc))
    except (ValueError, TypeError) as exc:
        return Parsed(line, raw, None, f"bad value: {exc}")


def _row_json(kind: str, line: int, text: str) -> Parsed:
    """Validate a JSON line straight from text (the fast path after the first row)."""
    try:
        return Parsed(line, text, JSON_KINDS[kind].model_validate_json(text))
    except ValidationError as exc:
        kinds = {e["type"] for e in exc.errors()}
        if "json_invalid" in kinds:
            return Parsed(line, text, None, "invalid JSON")
        if "model_type" in kinds:
            return Parsed(line, text, None, "not a JSON object")
        return Parsed(line, text, None, explain(exc))
    except (ValueError, TypeError) as exc:
        return Parsed(line, text, None, f"bad value: {exc}")


def _row_any_json(kind: str, line: int, text: str) -> Parsed:
    """Validate a JSON line through a Python object (network rows: two shapes in one file)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Parsed(line, text, None, f"invalid JSON: {exc.msg}")
    return _row(kind, line, text, data)


class Pending(NamedTuple):
    """A row split from its file but not validated yet: cells from CSV, or a JSON line (cells None)."""

    line: int
    raw: str
    cells: dict[str, str] | None = None


def validate_pending(kind: str, batch: list[Pending | Parsed]) -> list[Parsed]:
    """Validate a batch of split rows (pure, so it can run in a worker process)."""
    json_row = _row_json if kind != "network" else _row_any_json
    out: list[Parsed] = []
    for p in batch:
        if isinstance(p, Parsed):
            out.append(p)
        elif p.cells is None:
            out.append(json_row(kind, p.line, p.raw))
        else:
            out.append(_row(kind, p.line, p.raw, p.cells))
    return out


def split_jsonl(kind: str, name: str, stream: TextIO) -> Iterator[Pending | Parsed]:
    """One Pending per non-blank line; the first object must share the kind's columns."""
    checked = False
    for line, raw in enumerate(stream, start=1):
        text = raw.strip()
        if not text:
            continue
        if not checked:
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                if line == 1:
                    raise BadInput(f"{name} is neither JSONL nor CSV: line 1 is not JSON ({exc.msg})") from exc
                yield Parsed(line, text, None, f"invalid JSON: {exc.msg}")
                continue
            if isinstance(data, dict):
                _check_columns(kind, name, set(data))
                checked = True
        yield Pending(line, text)


def split_csv(kind: str, name: str, stream: TextIO) -> Iterator[Pending | Parsed]:
    """One Pending per data row (or a Parsed rejection); the header must carry the kind's columns."""
    reader = csv.reader(stream)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise BadInput(f"{name} is empty") from exc
    except csv.Error as exc:
        raise BadInput(f"{name} is not a readable CSV: {exc}") from exc
    _check_columns(kind, name, set(header))
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Parsed(reader.line_num, "", None, f"unreadable CSV row: {exc}")
            continue
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        raw = json.dumps(cells, ensure_ascii=False)
        if len(cells) != len(header):
            yield Parsed(line, raw, None, f"row has {len(cells)} cells, the header has {len(header)}")
            continue
        yield Pending(line, raw, dict(zip(header, cells, strict=True)))
