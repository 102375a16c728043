"""`flexloop db`: migrate, back up and restore the store."""

from __future__ import annotations

from pathlib import Path

import typer

from flexloop.cli.common import emit_json, engine, err, friendly

db_app = typer.Typer(
    help="Migrate, back up and restore the store (FLEXLOOP_DATABASE_URL, default ./flexloop.db)."
)


@db_app.command("upgrade")
@friendly
def upgrade_cmd(json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """Migrate the schema to the newest revision (every command also does this on first use)."""
    from flexloop.store.db import current_revision

    eng = engine()
    rev = current_revision(eng)
    if json_out:
        emit_json({"revision": rev, "url": eng.url.render_as_string(hide_password=True)})
    else:
        err.print(f"schema at revision {rev}")


@db_app.command("backup")
@friendly
def backup_cmd(
    file: Path = typer.Argument(..., help="Where to write the backup (gzip JSON lines)."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Write every table to FILE; restorable into SQLite or PostgreSQL."""
    from flexloop.store.backup import backup

    counts = backup(engine(), file)
    if json_out:
        emit_json({"file": str(file), "rows": counts})
    else:
        err.print(f"backed up {sum(counts.values())} rows to {file}")


@db_app.command("restore")
@friendly
def restore_cmd(
    file: Path = typer.Argument(..., help="A file written by `flexloop db backup`."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Replace the store's content with FILE."""
    from flexloop.store.backup import restore

    if not file.is_file():
        raise FileNotFoundError(2, "not found", str(file))
    counts = restore(engine(), file)
    if json_out:
        emit_json({"file": str(file), "rows": counts})
    else:
        err.print(f"restored {sum(counts.values())} rows from {file}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
