"""Shared fixtures: a migrated store on SQLite and, when the server is up, on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from flexloop.store.db import open_engine

PG_URL = os.environ.get("FLEXLOOP_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_schema_url() -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:
        pytest.fail(f"PostgreSQL at {PG_URL} is required for the store tests: {exc}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database, on both back ends."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield from _pg_schema_url()


@pytest.fixture
def store(db_url: str) -> Iterator[Engine]:
    """A migrated store on both back ends."""
    engine = open_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'flexloop.db'}"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> Path:
    """Run CLI commands in a temporary folder with their own SQLite store."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLEXLOOP_DATABASE_URL", sqlite_url)
    return tmp_path
