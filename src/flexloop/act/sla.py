"""SLA rules: budgets per policy, when a clock stops, and when it warns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flexloop.domain.records import Analysis
from flexloop.domain.vocab import LOGISTICS_ISSUES, Tier


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    name: str
    budget: timedelta


CRISIS = SlaPolicy("crisis", timedelta(minutes=15))
LOGISTICS = SlaPolicy("logistics", timedelta(minutes=30))
GENERAL = SlaPolicy("general", timedelta(hours=1))
POLICIES = {p.name: p for p in (CRISIS, LOGISTICS, GENERAL)}
WARN_AT = 0.8


def policy_for(a: Analysis, tier: Tier) -> SlaPolicy:
    """15 min in an L3 incident, 30 min for a logistics issue, 1 h otherwise."""
    if tier is Tier.L3:
        return CRISIS
    if a.issue_type in LOGISTICS_ISSUES:
        return LOGISTICS
    return GENERAL


def warn_at(started: datetime, policy: SlaPolicy) -> datetime:
    return started + policy.budget * WARN_AT


def reply_stops(policy: str, has_new_date: bool, has_offer: bool) -> bool:
    """A published approved reply stops a general clock; a logistics clock needs a new date or an offer."""
    if policy == "logistics":
        return has_new_date or has_offer
    return policy == "general"
