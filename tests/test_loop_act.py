"""Act core: SLA budgets and stop rules, reply drafts in the customer's language, redaction."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from flexloop.act.replies import draft, languages, redact
from flexloop.act.sla import CRISIS, GENERAL, LOGISTICS, POLICIES, SlaPolicy, policy_for, reply_stops, warn_at
from flexloop.domain.records import Analysis
from flexloop.domain.vocab import Authenticity, Intent, IssueType, Sentiment, Tier

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
NEW_DATE = date(2026, 12, 5)
OFFERS: list[dict[str, Any]] = [{"id": "wait_coupon", "coupon_pct": 20}, {"id": "local_48h"}]
LANGS = ["en", "es", "id", "ar", "zh"]


def analysis(issue: IssueType = IssueType.LOGISTICS_DELAY, lang: str = "en") -> Analysis:
    return Analysis(
        mention_id=1,
        lang=lang,
        sentiment=Sentiment.NEGATIVE,
        sentiment_confidence=0.8,
        complaint=True,
        issue_type=issue,
        intent=Intent.COMPLAINT,
        authenticity=Authenticity.UNVERIFIED,
        safety_risk=False,
        product="NECK-LUX-01",
        country="US",
    )


# --- SLA -----------------------------------------------------------------------------------------


def test_sla_budgets() -> None:
    assert CRISIS.budget == timedelta(minutes=15)
    assert LOGISTICS.budget == timedelta(minutes=30)
    assert GENERAL.budget == timedelta(hours=1)
    assert set(POLICIES) == {"crisis", "logistics", "general"}


@pytest.mark.parametrize(
    ("issue", "tier", "expected"),
    [
        (IssueType.LOGISTICS_DELAY, Tier.L3, "crisis"),
        (IssueType.QUALITY_DEFECT, Tier.L3, "crisis"),
        (IssueType.PRODUCT_QUESTION, Tier.L3, "crisis"),
        (IssueType.LOGISTICS_DELAY, Tier.L1, "logistics"),
        (IssueType.LOGISTICS_DELAY, Tier.L2, "logistics"),
        (IssueType.LOST_OR_DAMAGED, Tier.NONE, "logistics"),
        (IssueType.QUALITY_DEFECT, Tier.L2, "general"),
        (IssueType.PRODUCT_QUESTION, Tier.NONE, "general"),
        (IssueType.BILLING_REFUND, Tier.L1, "general"),
    ],
)
def test_policy_for(issue: IssueType, tier: Tier, expected: str) -> None:
    assert policy_for(analysis(issue), tier).name == expected


@pytest.mark.parametrize(
    ("policy", "has_new_date", "has_offer", "stops"),
    [
        ("logistics", False, False, False),
        ("logistics", True, False, True),
        ("logistics", False, True, True),
        ("logistics", True, True, True),
        ("general", False, False, True),
        ("general", True, True, True),
        ("crisis", False, False, False),
        ("crisis", True, True, False),
    ],
)
def test_reply_stops(policy: str, has_new_date: bool, has_offer: bool, stops: bool) -> None:
    assert reply_stops(policy, has_new_date, has_offer) is stops


@pytest.mark.parametrize(
    ("policy", "minutes"),
    [(CRISIS, 12), (LOGISTICS, 24), (GENERAL, 48)],
)
def test_warn_at_is_80_percent_of_the_budget(policy: SlaPolicy, minutes: int) -> None:
    assert warn_at(T0, policy) == T0 + timedelta(minutes=minutes)


# --- drafts --------------------------------------------------------------------------------------


def test_the_five_loop_languages_have_templates() -> None:
    assert set(LANGS) <= set(languages())


@pytest.mark.parametrize("lang", LANGS)
def test_logistics_draft_in_language_with_date(lang: str) -> None:
    d = draft(analysis(lang=lang), "SL-100234", NEW_DATE, [], has_plan=True, partners=[])
    assert d.lang == lang
    assert "2026-12-05" in d.text
    assert "SL-100234" in d.text
    assert d.has_new_date is True
    assert d.has_offer is False
    assert d.redactions == ()


def test_drafts_differ_per_language_and_use_its_script() -> None:
    texts = {lang: draft(analysis(lang=lang), None, NEW_DATE, [], True, []).text for lang in LANGS}
    assert len(set(texts.values())) == len(LANGS)
    assert re.search(r"[\u0600-\u06ff]", texts["ar"])
    assert re.search(r"[\u4e00-\u9fff]", texts["zh"])
    assert not re.search(r"[\u0600-\u06ff\u4e00-\u9fff]", texts["en"] + texts["es"] + texts["id"])


@pytest.mark.parametrize("lang", ["sw", "xx", "und", ""])
def test_unknown_language_falls_back_to_english(lang: str) -> None:
    got = draft(analysis(lang=lang), None, NEW_DATE, OFFERS, True, [])
    en = draft(analysis(lang="en"), None, NEW_DATE, OFFERS, True, [])
    assert got.lang == "en"
    assert got.text == en.text


@pytest.mark.parametrize("lang", LANGS)
def test_logistics_draft_lists_offers(lang: str) -> None:
    d = draft(analysis(lang=lang), None, None, OFFERS, has_plan=True, partners=[])
    assert d.has_offer is True
    assert d.has_new_date is False
    assert "20" in d.text  # the coupon percentage
    assert "48" in d.text  # local shipping in about 48 h


def test_english_offer_texts() -> None:
    d = draft(analysis(), None, NEW_DATE, OFFERS, True, [])
    assert "20% coupon" in d.text
    assert "local shipping" in d.text
    assert "2026-12-05" in d.text
    assert d.has_new_date and d.has_offer


def test_unknown_offer_ids_are_not_listed() -> None:
    d = draft(analysis(), None, None, [{"id": "mystery_box"}], True, [])
    assert d.has_offer is False
    assert "mystery" not in d.text


def test_logistics_draft_without_date_or_offer_has_neither_flag() -> None:
    d = draft(analysis(), "SL-1", None, [], has_plan=False, partners=[])
    assert d.has_new_date is False
    assert d.has_offer is False
    assert d.text


@pytest.mark.parametrize("issue", [IssueType.QUALITY_DEFECT, IssueType.PRODUCT_QUESTION, IssueType.BILLING_REFUND])
def test_non_logistics_draft_carries_no_date_and_no_offers(issue: IssueType) -> None:
    d = draft(analysis(issue), None, NEW_DATE, OFFERS, True, [])
    assert d.has_new_date is False
    assert d.has_offer is False
    assert "2026-12-05" not in d.text
    assert d.text


def test_question_and_logistics_drafts_differ() -> None:
    q = draft(analysis(IssueType.PRODUCT_QUESTION), None, None, [], False, [])
    lg = draft(analysis(), None, None, [], False, [])
    assert q.text != lg.text


def test_plan_changes_the_process_step_of_a_logistics_draft() -> None:
    with_plan = draft(analysis(), None, None, [], True, [])
    without = draft(analysis(), None, None, [], False, [])
    assert with_plan.text != without.text


# --- redaction -----------------------------------------------------------------------------------


def test_redact_partner_names_case_insensitive() -> None:
    text, found = redact("Your parcel is with FASTSHIP now; fastship and FastShip Express.", ["FastShip"])
    assert "fastship" not in text.lower()
    assert "partner:FastShip" in found


def test_redact_partner_name_only_as_a_whole_word() -> None:
    clean = "Sorry for the mix-ups: all items and systems are back on track."
    assert redact(clean, ["UPS", "EMS"]) == (clean, ())
    text, found = redact("Your parcel is with UPS.", ["UPS", "EMS"])
    assert "UPS" not in text
    assert found == ("partner:UPS",)


def test_redact_several_partners() -> None:
    text, found = redact("Moved from Blue Lane Cargo to QuickBird.", ["blue lane cargo", "QuickBird"])
    assert "blue lane" not in text.lower()
    assert "quickbird" not in text.lower()
    assert len([f for f in found if f.startswith("partner:")]) == 2


def test_redact_email() -> None:
    text, found = redact("Write to jane.doe+orders@example.co.uk for details.", [])
    assert "@" not in text
    assert "jane.doe" not in text
    assert "email" in found


def test_redact_email_whose_domain_is_a_partner_name() -> None:
    text, found = redact("Write to ops@fastship.com for details.", ["FastShip"])
    assert "fastship" not in text.lower()
    assert "ops@" not in text
    assert "email" in found


@pytest.mark.parametrize(
    "phone",
    ["+1 415-555-0134", "(415) 555-0134", "+44 20 7946 0958", "+62 812 3456 7890"],
)
def test_redact_phone_numbers(phone: str) -> None:
    text, found = redact(f"Call us on {phone} today.", [])
    assert "phone" in found
    digits = re.sub(r"\D", "", phone)
    assert digits[-7:] not in re.sub(r"\D", "", text)


def test_redact_local_format_non_us_phone() -> None:
    text, found = redact("WhatsApp kami di 0812-3456-7890 ya.", [])
    assert "phone" in found
    assert "3456" not in text


@pytest.mark.parametrize("iso", ["2026-12-01", "2027-01-15"])
def test_redact_never_touches_an_iso_date(iso: str) -> None:
    text, found = redact(f"Your new estimated delivery date is {iso}.", ["FastShip"])
    assert iso in text
    assert found == ()


def test_redact_keeps_the_date_while_removing_a_phone() -> None:
    text, found = redact("Arrives 2026-12-01, questions: +1 415-555-0134", [])
    assert "2026-12-01" in text
    assert "555-0134" not in text
    assert found == ("phone",)


def test_redact_leaves_clean_text_alone() -> None:
    clean = "We're sorry, your order is on its way and arrives on 2026-12-01."
    assert redact(clean, ["FastShip"]) == (clean, ())


def test_draft_runs_the_redaction_and_keeps_the_date() -> None:
    d = draft(analysis(), None, date(2026, 12, 1), [], True, ["FastShip"])
    assert "2026-12-01" in d.text
    assert d.redactions == ()
