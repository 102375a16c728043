"""Typed records that stages exchange: raw input, analysed mentions, orders, network, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flexloop.domain.vocab import Authenticity, Intent, IssueType, Sentiment


@dataclass(frozen=True, slots=True)
class Mention:
    """A post, comment, review or DM as the platform gave it, normalised."""

    platform: str
    native_id: str
    author_handle: str
    text: str
    created_at: datetime
    author_account_created: datetime | None = None
    author_followers: int = 0
    country: str | None = None
    url: str | None = None
    in_reply_to: str | None = None
    product_hints: tuple[str, ...] = ()
    metrics: dict[str, float] = field(default_factory=dict)
    id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.native_id}"


@dataclass(frozen=True, slots=True)
class Entities:
    """Identifiers found in a mention's text."""

    order_ids: tuple[str, ...] = ()
    tracking_numbers: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, list[str]]:
        return {
            "order_ids": list(self.order_ids),
            "tracking_numbers": list(self.tracking_numbers),
            "skus": list(self.skus),
            "handles": list(self.handles),
            "emails": list(self.emails),
            "phones": list(self.phones),
        }


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the analyze stage concluded about one mention, with evidence."""

    mention_id: int
    lang: str
    sentiment: Sentiment
    sentiment_confidence: float
    complaint: bool
    issue_type: IssueType
    intent: Intent
    authenticity: Authenticity
    safety_risk: bool
    product: str
    country: str
    entities: Entities = field(default_factory=Entities)
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def needs_answer(self) -> bool:
        """A complaint or a question that is not suspected fake gets an SLA clock."""
        from flexloop.domain.vocab import SUSPECTED

        asks = self.complaint or self.issue_type is IssueType.PRODUCT_QUESTION
        return asks and self.authenticity not in SUSPECTED


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    customer_handle: str
    sku: str
    qty: int
    country: str
    warehouse: str
    carrier: str
    lane: str
    status: str
    created_at: datetime
    promised_by: date | None
    value: float
    currency: str


@dataclass(frozen=True, slots=True)
class ShipmentEvent:
    tracking_number: str
    order_id: str | None
    carrier: str
    lane: str
    status: str
    at: datetime
    revised_delivery: date | None = None
    temperature_c: float | None = None

    @property
    def key(self) -> str:
        return f"{self.tracking_number}|{self.status}|{self.at.isoformat()}"


@dataclass(frozen=True, slots=True)
class Warehouse:
    id: str
    country: str
    stock: dict[str, int]
    daily_capacity: int
    temperature_control: bool = False
    cost_per_order: float = 3.0
    transit_days: float = 2.0


@dataclass(frozen=True, slots=True)
class Carrier:
    id: str
    lanes: tuple[str, ...]
    cost_per_order: float
    transit_days: float
    daily_capacity: int
    kg_co2e_per_tkm: float
    backup: bool = False
    mode: str = "road"


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the append-only event log; `at` is the (possibly simulated) business time."""

    type: str
    at: datetime
    trace_id: str
    subject: str = ""
    incident_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
