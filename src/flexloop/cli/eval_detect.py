"""`flexloop eval detect`: score the shipped spike detector on a Numenta Anomaly Benchmark directory."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from flexloop.cli.common import emit_json, err, friendly
from flexloop.cli.eval_cmd import eval_app
from flexloop.errors import BadInput

PROFILES = ("standard", "reward_low_FP_rate", "reward_low_FN_rate")


@eval_app.command("detect")
@friendly
def detect_cmd(
    nab_dir: Path = typer.Option(
        ..., "--nab", help="NAB layout: data/<category>/<file>.csv and labels/combined_windows.json."
    ),
    json_out: bool = typer.Option(
        False, "--json", help="Print one JSON object: normalised scores, per-file raw scores."
    ),
    detections_out: Path | None = typer.Option(
        None, "--detections-out", help="Write per-file detections in NAB's results format under this directory."
    ),
) -> None:
    """Stream every series through the spike detector (shipped parameters) and score it as NAB does."""
    from flexloop.detect.nab_flow import evaluate

    if not nab_dir.is_dir():
        raise BadInput(f"not a directory: {nab_dir}")
    started = time.monotonic()
    with Progress(
        TextColumn("eval detect"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def advance(key: str, total: int) -> None:
            bar.update(task, total=total, advance=1, description=key)

        report = evaluate(nab_dir, detections_out=detections_out, progress=advance)
    report["seconds"] = round(time.monotonic() - started, 2)
    if json_out:
        emit_json(report)
    else:
        _print_table(report)


def _print_table(report: dict[str, Any]) -> None:
    table = Table(title=f"NAB normalised scores on {report['n_files']} files (0 = null, 100 = perfect)")
    table.add_column("detector")
    for name in PROFILES:
        table.add_column(name, justify="right")
    table.add_row("flexloop spike", *(f"{report[p]:.2f}" for p in PROFILES), style="bold")
    for name, scores in sorted(report.get("published", {}).items(), key=lambda kv: -kv[1]["standard"]):
        table.add_row(name, *(f"{scores[p]:.2f}" for p in PROFILES))
    Console().print(table)
