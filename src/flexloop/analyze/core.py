"""Assemble a full analysis per post: text labels + entities + product/country + authenticity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from flexloop.analyze.authenticity import RULES, AuthenticityRules, burst_sizes, judge
from flexloop.analyze.entities import extract
from flexloop.analyze.resolve import resolve
from flexloop.analyze.text import TextLabels
from flexloop.domain.records import Analysis, Mention, Order
from flexloop.domain.vocab import SUSPECTED


@dataclass(frozen=True)
class Context:
    """What the analysis may look up: catalogue aliases, orders, and recent posts for burst detection."""

    aliases: Mapping[str, str]
    orders_by_id: Mapping[str, Order] = field(default_factory=dict)
    orders_by_author: Mapping[str, Sequence[Order]] = field(default_factory=dict)
    recent: Sequence[Mention] = ()
    rules: AuthenticityRules = RULES


def analyze_posts(
    posts: Sequence[Mention],
    labels: Sequence[TextLabels],
    ctx: Context,
    now: datetime,
    bursts: Mapping[int, int] | None = None,
) -> list[Analysis]:
    """One Analysis per post, in order (bursts over recent + posts are computed unless given)."""
    bursts = burst_sizes([*ctx.recent, *posts], ctx.rules) if bursts is None else bursts
    out: list[Analysis] = []
    for post, lab in zip(posts, labels, strict=True):
        assert post.id is not None
        ents = extract(post.text, post.country)
        text_orders = [ctx.orders_by_id[o] for o in ents.order_ids if o in ctx.orders_by_id]
        author_orders = list(ctx.orders_by_author.get(post.author_handle, ()))
        product, country, how = resolve(post, ctx.aliases, text_orders, author_orders)
        verified = bool(text_orders) or bool(author_orders)
        auth, evidence = judge(post, verified, bursts.get(post.id, 1), now, ctx.rules)
        evidence["product_from"] = how
        out.append(
            Analysis(
                mention_id=post.id, lang=lab.lang, sentiment=lab.sentiment,
                sentiment_confidence=lab.sentiment_confidence, complaint=lab.complaint,
                issue_type=lab.issue_type, intent=lab.intent, authenticity=auth, safety_risk=lab.safety_risk,
                product=product, country=country, entities=ents, evidence=evidence,
            )
        )
    return out


def rejudge_recent(
    recent: Sequence[Mention],
    current: Mapping[int, Analysis],
    ctx: Context,
    now: datetime,
    bursts: Mapping[int, int] | None = None,
) -> list[Analysis]:
    """Posts analysed earlier that a burst seen now turns into suspected_coordinated."""
    bursts = burst_sizes(recent, ctx.rules) if bursts is None else bursts
    changed: list[Analysis] = []
    for post in recent:
        old = current.get(post.id or -1)
        if old is None or old.evidence.get("purchase_verified"):
            continue
        auth, evidence = judge(post, False, bursts.get(post.id or -1, 1), now, ctx.rules)
        if auth != old.authenticity and auth in SUSPECTED:  # a burst only ever adds suspicion
            changed.append(replace(old, authenticity=auth, evidence={**old.evidence, **evidence}))
    return changed
