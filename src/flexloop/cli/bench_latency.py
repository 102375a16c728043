"""`flexloop bench detect` and `flexloop bench pipeline`: latency under paced streams on the wall clock."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from flexloop.cli.bench_cmd import bench_app
from flexloop.cli.common import emit_json, err, friendly
from flexloop.errors import BadInput


@bench_app.command("detect")
@friendly
def detect_cmd(
    rate: float = typer.Option(2000.0, "--rate", help="Mentions per second, paced on the wall clock."),
    seconds: float = typer.Option(600.0, "--seconds", help="How long the stream runs."),
    burst_every: float = typer.Option(2.0, "--burst-every", help="Seconds between complaint bursts (alerts)."),
    seed: int = typer.Option(7, "--seed", help="Stream seed: same seed, same stream."),
    database_url: str = typer.Option(
        "", "--database-url", help="An empty store to run in; default: a fresh temporary SQLite file."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object with the figures."),
) -> None:
    """Feed analysed mentions at RATE for SECONDS; report p50/p99 from threshold-crossing mention to alert."""
    from flexloop.detect.latency_bench import StreamSpec, run
    from flexloop.store.db import open_engine

    if not (0 < rate <= 100_000 and 0 < seconds <= 3600 and burst_every > 0):
        raise BadInput("--rate must be in (0, 100000], --seconds in (0, 3600], --burst-every positive")
    spec = StreamSpec(rate=rate, seconds=seconds, burst_every_s=burst_every, seed=seed)
    with tempfile.TemporaryDirectory(prefix="flexloop-bench-") as tmp:
        engine = open_engine(database_url or f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            with Progress(
                TextColumn("detect stream"), BarColumn(), TimeElapsedColumn(), console=err, transient=True
            ) as bar:
                task = bar.add_task("stream", total=seconds)
                report = run(engine, spec, on_progress=lambda s: bar.update(task, completed=s))
        finally:
            engine.dispose()
    if json_out:
        emit_json(report)
        return
    lat = report["alert_latency_ms"]
    err.print(
        f"{report['mentions']} mentions at {report['achieved_rate']}/s: {report['alerts']} alerts, "
        f"latency p50 {lat['p50']} ms, p99 {lat['p99']} ms, max {lat['max']} ms",
        markup=False,
    )


@bench_app.command("pipeline")
@friendly
def pipeline_cmd(
    rate: float = typer.Option(1000.0, "--rate", help="Raw posts per second, paced on the wall clock."),
    seconds: float = typer.Option(60.0, "--seconds", help="How long the stream runs."),
    seed: int = typer.Option(7, "--seed", help="Stream seed: same seed, same posts."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object with the figures."),
) -> None:
    """Feed raw posts at RATE through the embedded runner; report p50/p99 from arrival to analysed and acted on."""
    from flexloop.analyze.text import default_reader
    from flexloop.sim.pipeline_bench import PipelineSpec, run
    from flexloop.store.db import open_engine

    if not (0 < rate <= 100_000 and 0 < seconds <= 3600):
        raise BadInput("--rate must be in (0, 100000] and --seconds in (0, 3600]")
    with err.status("loading the models"):
        reader = default_reader()
        reader.read(["warm up"])
    with tempfile.TemporaryDirectory(prefix="flexloop-bench-") as tmp:
        engine = open_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            with Progress(
                TextColumn("pipeline stream"), BarColumn(), TimeElapsedColumn(), console=err, transient=True
            ) as bar:
                task = bar.add_task("stream", total=seconds)
                report = run(
                    engine,
                    reader,
                    PipelineSpec(rate, seconds, seed),
                    on_progress=lambda s: bar.update(task, completed=min(s, seconds)),
                )
        finally:
            engine.dispose()
    if json_out:
        emit_json(report)
        return
    lat = report["latency_ms"]
    err.print(
        f"{report['analysed']}/{report['posts']} posts analysed at {report['throughput']}/s: "
        f"latency p50 {lat['p50']} ms, p99 {lat['p99']} ms",
        markup=False,
    )
