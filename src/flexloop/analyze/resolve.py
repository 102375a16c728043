"""Which product and country a post is about: hints, catalogue aliases, order ids, the author's orders."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

from flexloop.domain.records import Mention, Order

UNKNOWN = "unknown"
_LATIN = "0-9A-Za-z\u00c0-\u024f\u1e00-\u1eff"  # letters and digits of spaced Latin-script words (Vietnamese too)
_LATIN_CHAR = re.compile(f"[{_LATIN}]")


@functools.lru_cache(maxsize=4096)
def _alias_pattern(alias: str) -> re.Pattern[str]:
    """Where ALIAS names the product: not inside a longer Latin-script word ("fan" is not in "fantastic"), a
    plural "s"/"es" allowed; anywhere next to other scripts ("发光项链", "我的neck fan坏了")."""
    before = f"(?<![{_LATIN}])" if _LATIN_CHAR.match(alias[0]) else ""
    after = f"(?:e?s)?(?![{_LATIN}])" if _LATIN_CHAR.match(alias[-1]) else ""
    return re.compile(before + re.escape(alias) + after)


def alias_product(text: str, aliases: Mapping[str, str]) -> str | None:
    """The SKU whose longest alias names something in the text."""
    low = text.lower()
    best: tuple[int, str] | None = None
    for alias, sku in aliases.items():
        if alias and alias in low and (best is None or len(alias) > best[0]) and _alias_pattern(alias).search(low):
            best = (len(alias), sku)
    return best[1] if best else None


def resolve(
    post: Mention,
    aliases: Mapping[str, str],
    text_orders: Sequence[Order],
    author_orders: Sequence[Order],
) -> tuple[str, str, str]:
    """(product, country, how) — `how` names the evidence used for the product."""
    skus = set(aliases.values())
    product, how = UNKNOWN, "none"
    hinted = [h for h in post.product_hints if h in skus]
    named = alias_product(post.text, aliases)
    if hinted:
        product, how = hinted[0], "hint"
    elif named:
        product, how = named, "alias"
    elif text_orders:
        product, how = text_orders[0].sku, "order_id"
    elif author_orders:
        product, how = author_orders[-1].sku, "author_orders"
    orders = [*text_orders, *author_orders]
    country = orders[0].country if orders else (post.country or UNKNOWN)
    return product, country, how
