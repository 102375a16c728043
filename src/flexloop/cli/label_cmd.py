"""`flexloop label`: a person corrects what the models read in a mention; retraining can use it."""

from __future__ import annotations

import typer

from flexloop.cli.common import emit_json, engine, err, friendly
from flexloop.errors import BadInput


@friendly
def label_cmd(
    mention_id: int = typer.Argument(..., help="The mention's id in the store."),
    task: str = typer.Option(..., "--task", help="sentiment, complaint, issue or intent."),
    label: str = typer.Option(..., "--label", help="The right label for this task."),
    by: str = typer.Option(..., "--by", help="Who made the correction."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Record a correction (and a label_corrected event); `flexloop train --include-corrections` learns it."""
    from flexloop.analyze.evaluation import TASKS, map_label
    from flexloop.store.corrections import add_correction, mention_exists

    if task not in TASKS:
        raise BadInput(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    if map_label(task, label) != label.strip().lower() or label.strip().lower() not in TASKS[task]:
        raise BadInput(f"unknown {task} label {label!r}; choose one of {', '.join(TASKS[task])}")
    if not by.strip():
        raise BadInput("--by must name who made the correction")
    eng = engine()
    with eng.begin() as conn:
        if not mention_exists(conn, mention_id):
            raise BadInput(f"no mention with id {mention_id}")
        cid = add_correction(conn, mention_id, task, label.strip().lower(), by.strip())
    if json_out:
        emit_json({"correction_id": cid, "mention_id": mention_id, "task": task, "label": label.strip().lower(),
                   "by": by.strip()})  # fmt: skip
    else:
        err.print(f"mention {mention_id}: {task} = {label.strip().lower()} (correction {cid})")


def register(app: typer.Typer) -> None:
    app.command("label")(label_cmd)
