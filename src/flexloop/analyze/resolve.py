"""Which product and country a post is about: hints, catalogue aliases, order ids, the author's orders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flexloop.domain.records import Mention, Order

UNKNOWN = "unknown"


def alias_product(text: str, aliases: Mapping[str, str]) -> str | None:
    """The SKU whose longest alias occurs in the text."""
    low = text.lower()
    best: tuple[int, str] | None = None
    for alias, sku in aliases.items():
        if alias and alias in low and (best is None or len(alias) > best[0]):
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
