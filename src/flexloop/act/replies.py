"""Reply drafts in the customer's language, in three steps, with a redaction check on every text."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

import phonenumbers
import yaml

from flexloop.domain.records import Analysis
from flexloop.domain.vocab import LOGISTICS_ISSUES, IssueType

FALLBACK = "en"
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@functools.cache
def templates() -> dict[str, dict[str, dict[str, str]]]:
    text = (resources.files("flexloop") / "data" / "templates" / "replies.yaml").read_text("utf-8")
    data: dict[str, dict[str, dict[str, str]]] = yaml.safe_load(text)
    return data


def languages() -> list[str]:
    return sorted(templates())


@dataclass(frozen=True, slots=True)
class Draft:
    lang: str
    text: str
    has_new_date: bool
    has_offer: bool
    redactions: tuple[str, ...]


def _kind(a: Analysis) -> str:
    if a.issue_type in LOGISTICS_ISSUES:
        return "logistics"
    return "question" if a.issue_type is IssueType.PRODUCT_QUESTION else "general"


def draft(a: Analysis, order_id: str | None, new_date: date | None, offers: Sequence[Mapping[str, Any]],
          has_plan: bool, partners: Sequence[str]) -> Draft:
    """Acknowledge and empathise → show what is being done → add value (a date or offers)."""
    lang = a.lang if a.lang in templates() else FALLBACK
    t = templates()[lang]
    kind = _kind(a)
    ack = t["ack"][kind].format(order=f" {order_id}" if order_id else "")
    process = t["process"]["plan" if has_plan and kind == "logistics" else
                           ("tracking" if kind == "logistics" else kind)]
    values: list[str] = []
    if kind == "logistics" and new_date is not None:
        values.append(t["value"]["date"].format(date=new_date.isoformat()))
    offer_texts = [t["offers"][o["id"]].format(coupon=int(o.get("coupon_pct", 0)))
                   for o in offers if o["id"] in t["offers"]] if kind == "logistics" else []
    if offer_texts:
        values.append(t["value"]["offers"].format(offers="; ".join(offer_texts)))
    if not values:
        values.append(t["value"].get(kind, t["value"]["general"]))
    text, redactions = redact(" ".join([ack, process, *values]), partners)
    return Draft(lang, text, new_date is not None and kind == "logistics", bool(offer_texts), redactions)


# Markets whose local phone formats are checked on every outgoing text.
PHONE_REGIONS = ("US", "MX", "BR", "GB", "DE", "FR", "ES", "IT", "ID", "MY", "TH", "VN", "PH", "SG", "IN", "CN",
                 "JP", "KR", "SA", "AE", "TR")


def redact(text: str, partners: Sequence[str], regions: Sequence[str] = PHONE_REGIONS) -> tuple[str, tuple[str, ...]]:
    """Remove e-mail addresses, phone numbers (in the given regions' formats) and partner names from public text."""
    found: list[str] = []
    if EMAIL.search(text):
        found.append("email")
        text = EMAIL.sub("[removed]", text)
    digits = sum(c.isdigit() for c in ISO_DATE.sub("", text))
    for region in regions if digits >= 6 else ():  # no number that short is a phone number anywhere
        for match in list(phonenumbers.PhoneNumberMatcher(text, region)):
            found.append("phone")
            text = text.replace(match.raw_string, "[removed]")
    for name in partners:
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE)
        if pattern.search(text):
            found.append(f"partner:{name}")
            text = pattern.sub("our partner", text)
    return text, tuple(dict.fromkeys(found))
