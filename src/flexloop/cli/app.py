"""The `flexloop` command: listens to customers, turns complaints into supply-chain action and replies."""

from __future__ import annotations

import importlib

import typer

from flexloop.logs import configure
from flexloop.settings import settings

app = typer.Typer(
    name="flexloop",
    help=(
        "Close the loop from social mentions to supply-chain action and public replies.\n\n"
        "Start with `flexloop demo`, then `flexloop init` for your own brand and "
        "`flexloop ingest mentions FILE`. Every reporting command takes --json."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Each module adds its commands to `app` through register(app); one line per module.
COMMAND_MODULES = [
    "flexloop.cli.db_cmd",
    "flexloop.cli.config_cmd",
    "flexloop.cli.ingest_cmd",
    "flexloop.cli.eval_cmd",
    "flexloop.cli.bench_cmd",
    "flexloop.cli.loop_cmd",
    "flexloop.cli.approvals_cmd",
    "flexloop.cli.playbook_cmd",
    "flexloop.cli.train_cmd",
    "flexloop.cli.label_cmd",
]


@app.callback()
def _root() -> None:
    configure(settings().log_level)


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    """Run the CLI; an unexpected error is one line on stderr (details with FLEXLOOP_LOG_LEVEL=DEBUG), exit 1."""
    import logging
    import sys

    try:
        app()
    except Exception as exc:
        logging.getLogger("flexloop").debug("unexpected error", exc_info=True)
        if settings().log_level.upper() == "DEBUG":
            import traceback

            traceback.print_exc()
        sys.stderr.write(f"error: unexpected {type(exc).__name__}: {exc} (rerun with FLEXLOOP_LOG_LEVEL=DEBUG)\n")
        sys.exit(1)
