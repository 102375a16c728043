"""Regenerate src/flexloop/data/sample/ from the StyleLink scenario (seed 3): mentions, orders, shipments, network.

Run: .venv/bin/python scripts/make_sample.py   (the texts are the team's scenario templates, not shared data)
"""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

from sqlalchemy import select

from flexloop.sim.drill import run_drill
from flexloop.store.db import make_engine
from flexloop.store.tables import carriers, mentions, orders, shipment_events, warehouses

OUT = Path(__file__).resolve().parent.parent / "src" / "flexloop" / "data" / "sample"
MAX_ORDERS = 1500


def iso(v: object) -> object:
    return v.isoformat() if hasattr(v, "isoformat") else v


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/s.db"
        run_drill("stylelink", 3, url)
        with make_engine(url).connect() as conn:
            ms = conn.execute(select(mentions).order_by(mentions.c.created_at)).mappings().all()
            authors = {m["author_handle"] for m in ms}
            os_ = conn.execute(select(orders).order_by(orders.c.id)).mappings().all()
            keep = [o for o in os_ if o["customer_handle"] in authors]
            keep += [o for o in os_[:: max(1, len(os_) // MAX_ORDERS)] if o["customer_handle"] not in authors]
            ids = {o["id"] for o in keep}
            ships = [s for s in conn.execute(select(shipment_events)).mappings() if s["order_id"] in ids]
            net = [dict(r, kind="warehouse") for r in conn.execute(select(warehouses)).mappings()]
            net += [dict(r, kind="carrier") for r in conn.execute(select(carriers)).mappings()]
    drop = {"id", "key", "analyzed"}
    with (OUT / "mentions.jsonl").open("w", encoding="utf-8") as f:
        for m in ms:
            f.write(json.dumps({k: iso(v) for k, v in m.items() if k not in drop}, ensure_ascii=False) + "\n")
    with (OUT / "orders.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        cols = [c for c in keep[0] if c != "id"]
        w.writerow(["id", *cols])
        for o in sorted(keep, key=lambda o: o["id"]):
            w.writerow([o["id"], *[iso(o[c]) for c in cols]])
    with (OUT / "shipments.jsonl").open("w", encoding="utf-8") as f:
        for s in ships:
            f.write(json.dumps({k: iso(v) for k, v in s.items() if k not in drop}) + "\n")
    with (OUT / "network.jsonl").open("w", encoding="utf-8") as f:
        for n in net:
            f.write(json.dumps(n) + "\n")
    print(f"{len(ms)} mentions, {len(keep)} orders, {len(ships)} shipment events, {len(net)} network rows")


if __name__ == "__main__":
    main()
