"""`flexloop init` and `flexloop config check`: onboarding a brand."""

from __future__ import annotations

from pathlib import Path

import typer

from flexloop.cli.common import emit_json, err, fail, friendly
from flexloop.settings import settings

config_app = typer.Typer(help="Validate the brand config (FLEXLOOP_CONFIG, default ./flexloop.toml).")


def init_cmd(
    path: Path = typer.Argument(Path("flexloop.toml"), help="Where to write the config."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a commented brand config to edit: catalogue, countries, partners, languages."""
    from flexloop.brand import EXAMPLE

    if path.exists() and not force:
        fail(f"{path} exists; pass --force to overwrite it")
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    err.print(f"wrote {path}; edit it, then run `flexloop config check`")


@config_app.command("check")
@friendly
def check_cmd(
    path: Path = typer.Argument(None, help="Config file (default FLEXLOOP_CONFIG or ./flexloop.toml)."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Validate the config; exit 2 with the first problem named by its key."""
    from flexloop.brand import load_brand

    brand = load_brand(path or settings().config)
    summary = {
        "ok": True,
        "name": brand.name,
        "products": len(brand.products),
        "countries": [c.code for c in brand.countries],
        "languages": brand.languages,
        "partners": len(brand.partners),
    }
    if json_out:
        emit_json(summary)
    else:
        err.print(f"ok: {brand.name}, {len(brand.products)} products, {len(brand.countries)} countries")


def register(app: typer.Typer) -> None:
    app.command("init")(init_cmd)
    app.add_typer(config_app, name="config")
