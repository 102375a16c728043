"""`flexloop approvals`: the human gate in front of every supply-chain action and public reply."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import typer

from flexloop.cli.common import dumps, emit_json, engine, err, friendly

approvals_app = typer.Typer(help="List, inspect, approve, reject and edit queued actions and reply drafts.")

BY = typer.Option(..., "--by", help="Who decides (recorded in the event log).")


def _summary(item: dict[str, Any]) -> dict[str, Any]:
    body = item["body"]
    what = f"{body['type']} x{len(body.get('orders', []))}" if item["kind"] == "action" else \
        f"reply [{body.get('lang')}] {body.get('text', '')[:60]}"
    return {"id": item["id"], "kind": item["kind"], "status": item["status"], "incident": item["incident_id"],
            "created_at": item["created_at"], "what": what}


@approvals_app.command("list")
@friendly
def list_cmd(
    status: str = typer.Option("pending", "--status", help="pending, approved, rejected, executed, published, all."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """The queue, oldest first."""
    from flexloop.store import approvals_repo

    with engine().connect() as conn:
        items = [_summary(i) for i in approvals_repo.listing(conn, None if status == "all" else status)]
    if json_out:
        emit_json({"items": items})
        return
    for i in items:
        typer.echo(f"{i['id']:>6}  {i['kind']:6} {i['status']:9} {i['incident'] or '-':36} {i['what']}")
    err.print(f"{len(items)} item(s)")


@approvals_app.command("show")
@friendly
def show_cmd(approval_id: int = typer.Argument(..., help="The item's id.")) -> None:
    """Everything about one item: the plan's action with its orders, or the reply text."""
    from flexloop.errors import BadInput
    from flexloop.store import approvals_repo

    with engine().connect() as conn:
        item = approvals_repo.get(conn, approval_id)
    if item is None:
        raise BadInput(f"no approval with id {approval_id}")
    typer.echo(dumps(item))


def _decide(approval_id: int, approve: bool, by: str, text: str | None, dry_run: bool) -> dict[str, Any]:
    from flexloop.act.flow import decide_approval, execute_approved
    from flexloop.connectors.fakes import FakeOrderSystem, FakePlatform

    eng = engine()
    now = datetime.now(UTC)
    with eng.begin() as conn:
        ev = decide_approval(conn, approval_id, approve, by, now, text)
    executed = []
    if approve:
        with eng.begin() as conn:
            executed = execute_approved(conn, FakeOrderSystem(), FakePlatform(), now, dry_run)
    return {"id": approval_id, "decision": ev.type, "executed": [e.type for e in executed]}


@approvals_app.command("approve")
@friendly
def approve_cmd(
    approval_id: int = typer.Argument(...), by: str = BY,
    text: str = typer.Option(None, "--text", help="Replace a reply's text before approving it."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Record what the executor would do; change nothing."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Approve an item; its executor runs once, right after (idempotent)."""
    out = _decide(approval_id, True, by, text, dry_run)
    emit_json(out) if json_out else err.print(f"approved {approval_id}; ran: {', '.join(out['executed']) or 'nothing'}")


@approvals_app.command("reject")
@friendly
def reject_cmd(approval_id: int = typer.Argument(...), by: str = BY,
               json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """Reject an item; nothing is executed."""
    out = _decide(approval_id, False, by, None, False)
    emit_json(out) if json_out else err.print(f"rejected {approval_id}")


@approvals_app.command("edit")
@friendly
def edit_cmd(approval_id: int = typer.Argument(...), text: str = typer.Option(..., "--text"), by: str = BY) -> None:
    """Replace a reply draft's text; the redaction check runs again."""
    from flexloop.act.flow import edit_reply

    with engine().begin() as conn:
        edit_reply(conn, approval_id, text, by, datetime.now(UTC))
    err.print(f"edited {approval_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(approvals_app, name="approvals")
