"""`flexloop bench`: generated instances that time the product's heavy parts."""

from __future__ import annotations

import importlib

import typer

bench_app = typer.Typer(help="Benchmarks on generated instances; each prints figures with --json.")

# Modules that add a command to bench_app on import; one line per module.
BENCH_MODULES: list[str] = ["flexloop.cli.bench_optimizer", "flexloop.cli.bench_latency"]


def register(app: typer.Typer) -> None:
    for name in BENCH_MODULES:
        importlib.import_module(name)
    app.add_typer(bench_app, name="bench")
