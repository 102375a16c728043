"""Write N synthetic mention JSON lines (5 languages, offsets, hints, metrics) for the ingest benchmark.

Usage: python scripts/make_bench_mentions.py OUT.jsonl [N=1000000] [SEED=7]
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta, timezone

import orjson

TEXTS = [
    "Where is my order #{n}? It has been stuck for days",
    "¿Dónde está mi pedido {n}? Llevo una semana esperando",
    "Pedido {n} chegou atrasado, que decepção",
    "Pesanan {n} belum sampai, kurirnya lambat sekali",
    "กล่องแตก ของเสียหาย คำสั่งซื้อ {n}",
    "Love the new jacket, fits perfectly! 😍 #{n}",
]
PLATFORMS = ["tiktok", "instagram", "x", "reddit", "youtube", "review"]
COUNTRIES = ["US", "ES", "BR", "ID", "TH", "MX"]
OFFSETS = [timedelta(hours=h) for h in (-5, 0, 1, 7, 8)]


def mention(i: int, rng: random.Random, start: datetime) -> dict[str, object]:
    """One plausible mention; every field the schema knows appears in some rows."""
    at = start + timedelta(seconds=i * 3)
    tz = rng.choice(OFFSETS)
    return {
        "platform": rng.choice(PLATFORMS),
        "native_id": f"b{i}",
        "author_handle": f"@user{rng.randrange(200_000)}",
        "author_account_created": (at - timedelta(days=rng.randrange(1, 3000))).isoformat(),
        "author_followers": rng.randrange(0, 50_000),
        "text": rng.choice(TEXTS).format(n=rng.randrange(10**6, 10**7)),
        "created_at": at.astimezone(timezone(tz)).isoformat(),
        "country": rng.choice(COUNTRIES),
        "url": f"https://example.com/p/{i}",
        "in_reply_to": None,
        "product_hints": ["SL-JKT-01"] if i % 7 == 0 else [],
        "metrics": {"likes": float(rng.randrange(100)), "shares": float(rng.randrange(10))},
    }


def main() -> None:
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with open(out, "wb") as f:
        for i in range(n):
            f.write(orjson.dumps(mention(i, rng, start)) + b"\n")


if __name__ == "__main__":
    main()
