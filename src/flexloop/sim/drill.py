"""Run a scenario through the real pipeline on a simulated clock and report what happened."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, select

from flexloop.act.flow import decide_approval
from flexloop.analyze.text import TextReader, default_reader
from flexloop.domain.records import Event
from flexloop.errors import BadInput
from flexloop.pipeline import Runtime, run_batch, run_executors
from flexloop.sim.report import report
from flexloop.sim.scenario import Scenario, load
from flexloop.sim.world import World
from flexloop.store import approvals_repo
from flexloop.store.db import open_engine
from flexloop.store.tables import mentions

OPERATOR = "operator (simulated)"


def approve_due(engine: Engine, sc: Scenario, seed: int, until: datetime) -> None:
    """The simulated operator approves each item a seeded delay after it was queued."""
    with engine.begin() as conn:
        for item in approvals_repo.listing(conn, status="pending"):
            rng = np.random.default_rng([seed, int(item["id"])])
            minutes = sc.operator.delay_minutes + sc.operator.jitter_minutes * (2 * float(rng.random()) - 1)
            at = item["created_at"] + timedelta(minutes=max(minutes, 0.5))
            if at <= until:
                decide_approval(conn, item["id"], True, OPERATOR, at)


def _posts(engine: Engine, ids: set[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    with engine.connect() as conn:
        q = select(mentions).where(mentions.c.id.in_([int(i) for i in ids]))
        return {str(r["id"]): dict(r) for r in conn.execute(q).mappings()}


def run_drill(name: str, seed: int = 1, database_url: str | None = None, reader: TextReader | None = None,
              on_tick: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Replay scenario NAME with SEED; a fresh temporary SQLite store unless a URL is given."""
    sc = load(name)
    with tempfile.TemporaryDirectory(prefix="flexloop-drill-") as tmp:
        engine = open_engine(database_url or f"sqlite:///{Path(tmp) / 'drill.db'}")
        with engine.connect() as conn:
            if conn.execute(select(mentions.c.id).limit(1)).first() is not None:
                engine.dispose()
                raise BadInput("the drill needs an empty store; the database at --database-url already has mentions")
        try:
            return _run(engine, sc, seed, reader or default_reader(sc.brand.languages), on_tick)
        finally:
            engine.dispose()


def _run(engine: Engine, sc: Scenario, seed: int, reader: TextReader,
         on_tick: Callable[[int, int], None] | None) -> dict[str, Any]:
    world = World(sc, seed)
    rt = Runtime(reader=reader, aliases=sc.brand.product_aliases(), partners=sc.brand.partners,
                 countries=[c.code for c in sc.brand.countries])
    with engine.begin() as conn:
        world.setup(conn)
    step = timedelta(minutes=sc.tick_minutes)
    ticks = int(timedelta(days=sc.days) / step)
    log: list[Event] = []
    for i in range(1, ticks + 1):
        now = sc.start + i * step
        with engine.begin() as conn:
            world.advance(conn, now)
        log += run_batch(engine, rt, now)
        approve_due(engine, sc, seed, now)
        executed = run_executors(engine, rt, now)
        log += executed
        world.on_published(executed, _posts(engine, {e.subject for e in executed if e.type == "reply_published"}))
        if on_tick:
            on_tick(i, ticks)
    return report(engine, sc, world)
