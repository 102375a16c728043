"""Identifiers in a post: order ids, tracking numbers, SKUs, @handles, emails, phone numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

from flexloop.domain.records import Entities

ORDER_ID = re.compile(r"(?<![\w-])#?([A-Z]{2,4}-\d{3,10})(?![\w-])")
TRACKING = re.compile(
    r"\b(1Z[0-9A-Z]{16}|[A-Z]{2}\d{9}[A-Z]{2}|\d{12,22}|[A-Z]{2,4}\d{8,14}(?:[A-Z]{2})?)\b"
)
HANDLE = re.compile(r"(?<![\w@])@([A-Za-z0-9_.]{2,30})")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
SKU = re.compile(r"\b([A-Z]{3,5}-[A-Z]{2,5}-\d{2,4})\b")
# No valid phone number has fewer digits (the shortest national numbers, e.g. Niue's, have four).
PHONE_MIN_DIGITS = 4


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def phones(text: str, regions: Iterable[str] = ("US",)) -> tuple[str, ...]:
    """Phone numbers in E.164, trying each region for numbers written without a country code."""
    found: list[str] = []
    for region in regions:
        for match in phonenumbers.PhoneNumberMatcher(text, region):
            found.append(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return _unique(found)


def extract(text: str, country: str | None = None) -> Entities:
    """All entities of one post; SKUs are not mistaken for order ids."""
    without_email = EMAIL.sub(" ", text)
    skus = _unique(SKU.findall(text))
    orders = _unique(o for o in ORDER_ID.findall(text) if o not in skus)
    tracking = _unique(t for t in TRACKING.findall(without_email) if t not in orders)
    regions = [country] if country else []
    return Entities(
        order_ids=orders,
        tracking_numbers=tracking,
        skus=skus,
        handles=_unique(h.lower() for h in HANDLE.findall(text)),
        emails=_unique(EMAIL.findall(text)),
        phones=phones(text, [*regions, "US"]) if sum(map(str.isdigit, text)) >= PHONE_MIN_DIGITS else (),
    )
