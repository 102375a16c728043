"""`flexloop playbook`: list the shipped playbooks and test one against an event, with no database."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from flexloop.cli.common import emit_json, err, friendly

playbook_app = typer.Typer(help="Playbooks are YAML: trigger, when, then, fallback, examples.")


@playbook_app.command("test")
@friendly
def test_cmd(
    file: Path = typer.Argument(..., help="A playbook YAML file."),
    event: Path = typer.Option(..., "--event", help='JSON or YAML: {"type": "alert_fired", "incident": {...}}.'),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Match or no match, the failing condition, and the plan on a match."""
    import yaml

    from flexloop.decide.examples import check_example, run_event
    from flexloop.decide.playbooks import load_file
    from flexloop.errors import BadInput

    pb = load_file(file)
    try:
        ev = yaml.safe_load(event.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BadInput(f"{event} is not JSON or YAML: {exc}") from exc
    if not isinstance(ev, dict) or "type" not in ev:
        raise BadInput(f"{event} must be an object with a `type` (an event type such as alert_fired)")
    matched, why, plan = run_event(pb, ev)
    examples = {f"example {i + 1}": check_example(pb, ex) or "ok" for i, ex in enumerate(pb.examples)}
    out = {"playbook": pb.id, "match": matched, "failed_condition": why, "plan": plan, "examples": examples}
    if json_out:
        emit_json(out)
        return
    typer.echo(f"{pb.id}: {'MATCH' if matched else 'no match'}" + ("" if matched else f" — {why}"))
    if plan:
        typer.echo(json.dumps(plan, indent=2, ensure_ascii=False))
    for name, res in examples.items():
        err.print(f"{name}: {res}")


@playbook_app.command("list")
def list_cmd() -> None:
    """The shipped playbooks, highest priority first."""
    from flexloop.decide.playbooks import shipped

    for pb in shipped():
        typer.echo(f"{pb.id:24} {pb.trigger.value:16} {pb.name}")


def register(app: typer.Typer) -> None:
    app.add_typer(playbook_app, name="playbook")
