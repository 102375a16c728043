"""What every command shares: JSON output, one-line errors, the stderr console, the store."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy import Engine

from flexloop.errors import BadInput
from flexloop.settings import settings

err = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")


def _default(o: Any) -> Any:
    if isinstance(o, datetime | date):
        return o.isoformat()
    if isinstance(o, set | frozenset | tuple):
        return list(o)
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def dumps(obj: Any) -> str:
    return json.dumps(obj, default=_default, ensure_ascii=False)


def emit_json(obj: dict[str, Any]) -> None:
    """Write exactly one JSON object to stdout."""
    sys.stdout.write(dumps(obj) + "\n")
    sys.stdout.flush()


def fail(message: str) -> NoReturn:
    """Exit 2 with one clear line on stderr."""
    err.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def friendly(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn BadInput and common I/O errors into one line and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except BadInput as exc:
            fail(str(exc))
        except FileNotFoundError as exc:
            fail(f"file not found: {exc.filename}")
        except IsADirectoryError as exc:
            fail(f"is a directory, expected a file: {exc.filename}")
        except PermissionError as exc:
            fail(f"permission denied: {exc.filename}")

    return wrapper


def engine(url: str | None = None) -> Engine:
    """The store named by --database-url or FLEXLOOP_DATABASE_URL, migrated on first use."""
    from flexloop.store.db import open_engine

    try:
        return open_engine(url or settings().database_url)
    except Exception as exc:
        raise BadInput(f"cannot open the database: {str(exc).splitlines()[0]}") from exc
