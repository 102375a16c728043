"""`flexloop drill`, `flexloop demo` and `flexloop kpis`: the whole loop, replayed and measured."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from flexloop.cli.common import emit_json, engine, err, friendly


def _progress(label: str) -> Progress:
    return Progress(TextColumn(label), BarColumn(), TextColumn("{task.completed}/{task.total} ticks"),
                    TimeElapsedColumn(), console=err, transient=True)


def _run(name: str, seed: int, url: str | None) -> dict[str, Any]:
    from flexloop.sim.drill import run_drill

    with _progress(f"drill {name} seed {seed}") as bar:
        task = bar.add_task("drill", total=None)
        return run_drill(name, seed, url, on_tick=lambda i, n: bar.update(task, completed=i, total=n))


@friendly
def drill_cmd(
    name: str = typer.Argument(..., help="A built-in scenario: stylelink."),
    seed: int = typer.Option(1, "--seed", help="Random seed of the scenario's traffic."),
    database_url: str = typer.Option(None, "--database-url", help="An empty store to keep the drill in; "
                                     "default: a fresh temporary SQLite file (never your own store)."),
    json_out: bool = typer.Option(False, "--json", help="Print the drill report as one JSON object."),
) -> None:
    """Replay a scenario through the real pipeline on an accelerated clock and report the loop's figures."""
    started = time.perf_counter()
    result = _run(name, seed, database_url)
    result["wall_s"] = round(time.perf_counter() - started, 2)
    if json_out:
        emit_json(result)
    else:
        from flexloop.cli.timeline import print_report

        print_report(result)


@friendly
def demo_cmd(
    db: Path = typer.Option(Path("flexloop-demo.db"), "--db", help="The demo's own SQLite file (recreated)."),
) -> None:
    """Replay the StyleLink crisis end to end and print a readable timeline (about a minute)."""
    from flexloop.cli.timeline import print_report, print_timeline

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    err.print("flexloop demo: StyleLink, a light-up necklace selling 5,000 orders a day on TikTok Shop; "
              "from day 3 one carrier lane slows down.")
    started = time.perf_counter()
    result = _run("stylelink", 1, f"sqlite:///{db}")
    print_timeline(engine(f"sqlite:///{db}"))
    print_report(result)
    typer.echo(f"\ndone in {time.perf_counter() - started:.1f} s. Explore it: "
               f"FLEXLOOP_DATABASE_URL=sqlite:///{db} flexloop approvals list | flexloop kpis")


@friendly
def kpis_cmd(json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """KPIs computed from the event log of the store (FLEXLOOP_DATABASE_URL)."""
    from flexloop.measure.flow import current_kpis

    with engine().connect() as conn:
        k = current_kpis(conn)
    if json_out:
        emit_json({key: k[key] for key in ("alert_to_first_action_s", "coverage_pct", "sla_met_pct", "sla_met",
                                            "sla_breached", "complaint_to_positive_pct")})
    else:
        for key, value in k.items():
            typer.echo(f"{key:28} {value}")


def register(app: typer.Typer) -> None:
    app.command("drill")(drill_cmd)
    app.command("demo")(demo_cmd)
    app.command("kpis")(kpis_cmd)
