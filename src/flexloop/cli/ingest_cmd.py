"""`flexloop ingest KIND FILE` and `flexloop schema KIND`: bring data in, show what it must look like."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from flexloop.cli.common import emit_json, engine, err, friendly


class Kind(StrEnum):
    mentions = "mentions"
    orders = "orders"
    shipments = "shipments"
    network = "network"


@friendly
def ingest_cmd(
    kind: Kind = typer.Argument(..., help="What the file holds: mentions, orders, shipments or network."),
    file: Path = typer.Argument(..., help="A CSV (with header) or JSONL file; see `flexloop schema KIND`."),
    json_out: bool = typer.Option(
        False, "--json", help="Print one JSON object: stored, duplicates, quarantined, errors."
    ),
) -> None:
    """Import FILE idempotently; malformed rows go to quarantine with file, line and reason."""
    from flexloop.ingest.flow import ingest_file

    if not file.exists():
        raise FileNotFoundError(2, "not found", str(file))
    eng = engine()
    size = file.stat().st_size
    with Progress(
        TextColumn(f"ingest {kind.value}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=size)
        summary = ingest_file(eng, kind.value, file, datetime.now(UTC), lambda n: bar.advance(task, n))
    line = f"{kind.value}: {summary.stored} stored, {summary.duplicates} duplicates, {summary.quarantined} quarantined"
    err.print(line, markup=False)
    for e in summary.errors[:5]:
        err.print(f"  line {e['line']}: {e['reason']}", markup=False)
    if json_out:
        emit_json(summary.as_json())


def schema_cmd(kind: Kind = typer.Argument(..., help="mentions, orders, shipments or network.")) -> None:
    """Print the JSON Schema of one row of KIND (CSV columns carry the same names)."""
    from flexloop.ingest.schemas import json_schema

    typer.echo(json.dumps(json_schema(kind.value), indent=2, ensure_ascii=False))


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_cmd)
    app.command("schema")(schema_cmd)
