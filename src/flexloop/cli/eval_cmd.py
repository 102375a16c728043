"""`flexloop eval`: measure the models and detectors on any conforming file or directory."""

from __future__ import annotations

import importlib

import typer

eval_app = typer.Typer(help="Measure flexloop on labelled data: classifiers (CSV) and the spike detector (NAB).")

# Modules that add a command to eval_app on import; one line per module.
EVAL_MODULES: list[str] = [
    "flexloop.cli.eval_classify",
    "flexloop.cli.eval_detect",
]


def register(app: typer.Typer) -> None:
    for name in EVAL_MODULES:
        importlib.import_module(name)
    app.add_typer(eval_app, name="eval")
