"""The bundled sample ingests completely, with nothing quarantined, and re-imports as duplicates."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

import flexloop
from flexloop.ingest.flow import ingest_file
from flexloop.store.db import open_engine

SAMPLE = Path(flexloop.__file__).parent / "data" / "sample"
NOW = datetime(2026, 11, 25, tzinfo=UTC)


def test_sample_ingests_cleanly(tmp_path: Path) -> None:
    store: Engine = open_engine(f"sqlite:///{tmp_path / 's.db'}")
    for kind, name in (("network", "network.jsonl"), ("orders", "orders.csv"), ("shipments", "shipments.jsonl"),
                       ("mentions", "mentions.jsonl")):
        s = ingest_file(store, kind, SAMPLE / name, NOW)
        assert s.quarantined == 0 and s.stored > 0, (kind, s.errors[:3])
        again = ingest_file(store, kind, SAMPLE / name, NOW)
        assert again.stored == 0 and again.duplicates == s.stored + s.duplicates, kind
    languages = {line.split('"text": ')[1][:3] for line in (SAMPLE / "mentions.jsonl").read_text().splitlines()}
    assert len(languages) > 5
