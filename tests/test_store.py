"""The store on SQLite and PostgreSQL: migrations, UTC round trips, the event log, backup and restore."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Engine, inspect, select

from flexloop.domain.records import Event
from flexloop.store.backup import backup, restore
from flexloop.store.db import current_revision, head_revision, open_engine
from flexloop.store.events import append_events, read_events
from flexloop.store.tables import mentions, metadata

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=timezone(timedelta(hours=7)))


def _mention(i: int) -> dict[str, object]:
    return {
        "key": f"tiktok:{i}",
        "platform": "tiktok",
        "native_id": str(i),
        "author_handle": f"u{i}",
        "author_followers": i,
        "text": f"post {i} — ñ 发光",
        "created_at": T0 + timedelta(minutes=i),
        "product_hints": ["A"],
        "metrics": {"likes": 1.0},
        "analyzed": False,
    }


def test_migrations_build_every_table(store: Engine) -> None:
    assert current_revision(store) == head_revision(store)
    assert set(metadata.tables) <= set(inspect(store).get_table_names())


def test_timestamps_come_back_aware_utc(store: Engine) -> None:
    with store.begin() as conn:
        conn.execute(mentions.insert(), [_mention(1)])
    with store.connect() as conn:
        got = conn.execute(select(mentions.c.created_at)).scalar_one()
    assert got.tzinfo is not None
    assert got == T0 + timedelta(minutes=1)
    assert got.utcoffset() == timedelta(0)


def test_event_log_keeps_order_and_trace(store: Engine) -> None:
    evs = [
        Event(type=t, at=T0, trace_id="tr-1", payload={"n": i})
        for i, t in enumerate(["alert_fired", "plan_proposed"])
    ]
    with store.begin() as conn:
        append_events(conn, evs)
        append_events(conn, [Event(type="sla_met", at=T0, trace_id="tr-2")])
    with store.connect() as conn:
        assert [e.type for e in read_events(conn, trace_id="tr-1")] == ["alert_fired", "plan_proposed"]
        assert [e.payload for e in read_events(conn, types=["plan_proposed"])] == [{"n": 1}]


def test_backup_then_restore_round_trips(store: Engine, tmp_path: Path) -> None:
    with store.begin() as conn:
        conn.execute(mentions.insert(), [_mention(i) for i in range(5)])
        append_events(conn, [Event(type="alert_fired", at=T0, trace_id="tr")])
    file = tmp_path / "b.jsonl.gz"
    counts = backup(store, file)
    assert counts["mentions"] == 5 and counts["events"] == 1
    with store.begin() as conn:
        conn.execute(mentions.delete())
    restored = restore(store, file)
    assert restored == counts
    with store.connect() as conn:
        rows = conn.execute(select(mentions).order_by(mentions.c.id)).mappings().all()
    assert [r["text"] for r in rows] == [f"post {i} — ñ 发光" for i in range(5)]
    assert rows[0]["created_at"] == T0
    with store.begin() as conn:  # sequences continue after the restored ids
        conn.execute(mentions.insert(), [_mention(99)])


def test_backup_moves_between_back_ends(store: Engine, tmp_path: Path) -> None:
    with store.begin() as conn:
        conn.execute(mentions.insert(), [_mention(7)])
    file = tmp_path / "b.gz"
    backup(store, file)
    other = open_engine(f"sqlite:///{tmp_path / 'other.db'}")
    restore(other, file)
    with other.connect() as conn:
        assert conn.execute(select(mentions.c.native_id)).scalars().all() == ["7"]


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert datetime.now(UTC)
