"""Analyze core: authenticity bursts, product/country resolution, entities, the keyword reader."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from flexloop.analyze.authenticity import burst_sizes, judge
from flexloop.analyze.core import Context, analyze_posts
from flexloop.analyze.entities import extract
from flexloop.analyze.keyword_reader import read_one
from flexloop.analyze.resolve import UNKNOWN, alias_product, resolve
from flexloop.analyze.text import TextLabels
from flexloop.domain.records import Mention, Order
from flexloop.domain.vocab import Authenticity, Intent, IssueType, Sentiment

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

# Near-duplicate texts written for this test (a coordinated "scam" push with small edits).
PUSH = [
    "Glowbar lamp is a total ripoff, mine never shipped, avoid this shop #glowbarfail",
    "GlowBar lamp = total ripoff!! mine never shipped, avoid this shop #glowbarfail",
    "total ripoff: Glowbar lamp never shipped to me. avoid this shop #glowbarfail",
    "Glowbar lamp is a total rip-off, mine never shipped... avoid this shop!! #glowbarfail",
]


def mention(
    i: int,
    text: str,
    at: datetime,
    *,
    author: str | None = None,
    account_age: timedelta | None = timedelta(days=5),
    followers: int = 12,
    hints: tuple[str, ...] = (),
    country: str | None = None,
) -> Mention:
    return Mention(
        platform="tiktok",
        native_id=f"n{i}",
        author_handle=author or f"user{i}",
        text=text,
        created_at=at,
        author_account_created=None if account_age is None else at - account_age,
        author_followers=followers,
        country=country,
        product_hints=hints,
        id=i,
    )


def burst(step: timedelta, **kw: Any) -> list[Mention]:
    return [mention(i + 1, t, T0 + i * step, **kw) for i, t in enumerate(PUSH)]


def order(oid: str, sku: str, country: str = "US", handle: str = "buyer", day: int = 1) -> Order:
    return Order(
        oid,
        handle,
        sku,
        1,
        country,
        "WH-US",
        "FastShip",
        "CN-US",
        "shipped",
        datetime(2026, 10, day, tzinfo=UTC),
        date(2026, 11, 1),
        39.0,
        "USD",
    )


# --- authenticity --------------------------------------------------------------------------------


def test_burst_from_young_low_follower_accounts_is_suspected_coordinated() -> None:
    posts = burst(timedelta(minutes=7))
    sizes = burst_sizes(posts)
    assert all(sizes[p.id] == 4 for p in posts if p.id is not None)
    for p in posts:
        label, evidence = judge(p, False, sizes[p.id or 0], T0 + timedelta(hours=1))
        assert label is Authenticity.SUSPECTED_COORDINATED
        assert evidence["near_duplicate_authors"] == 4


def test_three_authors_are_enough_for_a_burst() -> None:
    posts = burst(timedelta(minutes=5))[:3]
    sizes = burst_sizes(posts)
    assert set(sizes.values()) == {3}
    assert judge(posts[0], False, sizes[1], T0)[0] is Authenticity.SUSPECTED_COORDINATED


def test_two_authors_are_not_a_burst() -> None:
    posts = burst(timedelta(minutes=5))[:2]
    sizes = burst_sizes(posts)
    assert judge(posts[0], False, sizes[1], T0)[0] is Authenticity.UNVERIFIED


def test_one_author_repeating_is_not_a_burst() -> None:
    posts = [mention(i + 1, t, T0 + i * timedelta(minutes=3), author="sameuser") for i, t in enumerate(PUSH)]
    assert set(burst_sizes(posts).values()) == {1}


def test_same_texts_from_verified_buyers_are_verified() -> None:
    posts = burst(timedelta(minutes=7))
    sizes = burst_sizes(posts)
    for p in posts:
        assert judge(p, True, sizes[p.id or 0], T0)[0] is Authenticity.VERIFIED_BUYER


def test_same_texts_spread_over_days_are_unverified() -> None:
    posts = burst(timedelta(days=1))
    sizes = burst_sizes(posts)
    assert set(sizes.values()) == {1}
    for p in posts:
        assert judge(p, False, sizes[p.id or 0], T0 + timedelta(days=5))[0] is Authenticity.UNVERIFIED


def test_burst_from_established_accounts_is_not_suspected() -> None:
    posts = burst(timedelta(minutes=7), account_age=timedelta(days=900), followers=4_000)
    sizes = burst_sizes(posts)
    assert judge(posts[0], False, sizes[1], T0)[0] is Authenticity.UNVERIFIED


def test_unrelated_texts_in_the_same_minutes_are_not_a_burst() -> None:
    texts = [
        "Glowbar lamp is a total ripoff, mine never shipped, avoid this shop #glowbarfail",
        "Does the neck fan come in a pastel green?",
        "Loving the serum so far, skin feels soft after a week",
    ]
    posts = [mention(i + 1, t, T0 + timedelta(minutes=i)) for i, t in enumerate(texts)]
    assert set(burst_sizes(posts).values()) == {1}


def _labels(n: int) -> list[TextLabels]:
    lab = TextLabels("en", Sentiment.NEGATIVE, 0.8, True, 0.8, IssueType.LOGISTICS_DELAY, Intent.COMPLAINT, False)
    return [lab] * n


def test_analyze_posts_marks_the_burst_and_verifies_buyers() -> None:
    posts = burst(timedelta(minutes=7))
    ctx = Context(aliases={"glowbar lamp": "GLOW-LMP-01"})
    out = analyze_posts(posts, _labels(len(posts)), ctx, T0 + timedelta(hours=1))
    assert {a.authenticity for a in out} == {Authenticity.SUSPECTED_COORDINATED}
    assert {a.product for a in out} == {"GLOW-LMP-01"}

    buyers = {
        p.author_handle: [order(f"SL-{100 + i}", "GLOW-LMP-01", handle=p.author_handle)] for i, p in enumerate(posts)
    }
    ctx = Context(aliases={"glowbar lamp": "GLOW-LMP-01"}, orders_by_author=buyers)
    out = analyze_posts(posts, _labels(len(posts)), ctx, T0 + timedelta(hours=1))
    assert {a.authenticity for a in out} == {Authenticity.VERIFIED_BUYER}


# --- product and country -------------------------------------------------------------------------

ALIASES = {
    "neck fan": "NECK-LUX-01",
    "ventilador de cuello": "NECK-LUX-01",
    "kipas leher": "NECK-LUX-01",
    "挂脖风扇": "NECK-LUX-01",
    "مروحة الرقبة": "NECK-LUX-01",
    "glow serum": "GLOW-SER-02",
    "fan": "FAN-MINI-03",
}


def test_hint_wins_over_alias_and_orders() -> None:
    p = mention(1, "my neck fan is late", T0, hints=("GLOW-SER-02",))
    got = resolve(p, ALIASES, [order("SL-1", "FAN-MINI-03")], [order("SL-2", "FAN-MINI-03")])
    assert got[0] == "GLOW-SER-02"
    assert got[2] == "hint"


def test_hint_outside_the_catalogue_is_ignored() -> None:
    p = mention(1, "my neck fan is late", T0, hints=("NOT-A-SKU",))
    assert resolve(p, ALIASES, [], [])[:3:2] == ("NECK-LUX-01", "alias")


@pytest.mark.parametrize(
    "text",
    [
        "My NECK FAN still has not arrived",
        "Mi ventilador de cuello no ha llegado",
        "Kipas leher saya belum sampai",
        "我的挂脖风扇还没到",
        "مروحة الرقبة لم تصل بعد",
    ],
)
def test_alias_in_any_language(text: str) -> None:
    product, _, how = resolve(mention(1, text, T0), ALIASES, [], [])
    assert (product, how) == ("NECK-LUX-01", "alias")


def test_longest_alias_wins() -> None:
    assert alias_product("the neck fan broke", ALIASES) == "NECK-LUX-01"
    assert alias_product("the desk fan broke", ALIASES) == "FAN-MINI-03"


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("so fantastic, thank you!", None),  # "fan" inside a longer word names nothing
        ("my infant loves it", None),
        ("both neck fans arrived broken", "NECK-LUX-01"),  # a plural
        ("the fan, again. broken", "FAN-MINI-03"),
        ("我的neck fan坏了", "NECK-LUX-01"),  # beside another script
        ("买的挂脖风扇坏了", "NECK-LUX-01"),  # Chinese: anywhere
    ],
)
def test_an_alias_names_a_product_only_as_a_word_of_its_own(text: str, sku: str | None) -> None:
    assert alias_product(text, ALIASES) == sku


def test_alias_wins_over_order_id() -> None:
    p = mention(1, "glow serum order SL-1 late", T0)
    product, _, how = resolve(p, ALIASES, [order("SL-1", "NECK-LUX-01")], [])
    assert (product, how) == ("GLOW-SER-02", "alias")


def test_order_id_wins_over_author_orders() -> None:
    p = mention(1, "where is SL-1?", T0)
    product, country, how = resolve(
        p, ALIASES, [order("SL-1", "GLOW-SER-02", "MX")], [order("SL-9", "NECK-LUX-01", "US")]
    )
    assert (product, country, how) == ("GLOW-SER-02", "MX", "order_id")


def test_author_orders_use_the_latest() -> None:
    p = mention(1, "still waiting!!", T0, country="GB")
    older, newer = order("SL-1", "GLOW-SER-02", "MX", day=1), order("SL-2", "NECK-LUX-01", "MX", day=20)
    product, country, how = resolve(p, ALIASES, [], [older, newer])
    assert (product, how) == ("NECK-LUX-01", "author_orders")
    assert country == "MX"  # an order's country beats the post's


def test_nothing_known_is_unknown() -> None:
    assert resolve(mention(1, "still waiting!!", T0), ALIASES, [], []) == (UNKNOWN, UNKNOWN, "none")
    assert resolve(mention(1, "still waiting!!", T0, country="ES"), ALIASES, [], []) == (UNKNOWN, "ES", "none")


# --- entities ------------------------------------------------------------------------------------


def test_order_ids_and_tracking_numbers() -> None:
    e = extract("Order #SL-100234 still not here, UPS 1Z999AA10123456784 and post RR123456789CN")
    assert e.order_ids == ("SL-100234",)
    assert set(e.tracking_numbers) == {"1Z999AA10123456784", "RR123456789CN"}
    assert e.phones == ()


def test_sku_is_not_an_order_id() -> None:
    e = extract("The NECK-LUX-01 from order SL-5521 is dead")
    assert e.skus == ("NECK-LUX-01",)
    assert e.order_ids == ("SL-5521",)


def test_handles_emails_phones() -> None:
    e = extract("@StyleLink_Help answer me!! mail me at jane@example.com or call +1 415-555-0134")
    assert e.handles == ("stylelink_help",)
    assert e.emails == ("jane@example.com",)
    assert e.phones == ("+14155550134",)
    assert e.tracking_numbers == ()


def test_local_phone_uses_the_post_country() -> None:
    e = extract("hubungi saya di 0812-3456-7890 ya kak", "ID")
    assert e.phones == ("+6281234567890",)


def test_the_shortest_national_numbers_are_still_read() -> None:
    assert extract("ring me on 7012 tonight", "NU").phones == ("+6837012",)  # Niue: four digits


def test_dates_are_not_entities_and_long_tracking_numbers_are() -> None:
    e = extract("ordered 2026-11-01, promised by 2026-11-20", "US")
    assert e.as_dict() == {k: [] for k in e.as_dict()}
    e = extract("USPS 9400111899223197428490 still nothing; orders SL-1234, SL-5678", "US")
    assert e.tracking_numbers == ("9400111899223197428490",)
    assert e.order_ids == ("SL-1234", "SL-5678")
    assert e.phones == ()


def test_duplicates_are_reported_once() -> None:
    e = extract("SL-100 SL-100 @ana @Ana")
    assert e.order_ids == ("SL-100",)
    assert e.handles == ("ana",)


def test_plain_text_has_no_entities() -> None:
    e = extract("I love this lamp, thanks!")
    assert e.as_dict() == {k: [] for k in e.as_dict()}


# --- keyword reader (hand-written posts, not from the scenario texts) ---------------------------

DELAYS = [
    ("en", "Three weeks and my parcel is still stuck in customs, no update at all"),
    ("en", "Paid for express and it's 9 days late. Seriously?"),
    ("es", "Mi paquete lleva diez días de retraso y nadie me dice nada"),
    ("es", "Compré el martes pasado y todavía no llega, qué demora"),
    ("id", "Paketku telat seminggu, kurirnya gak jelas"),
    ("id", "Barang belum diterima padahal resi sudah dari minggu lalu"),
    ("zh", "快递延误一个星期了，到现在还没收到"),
    ("zh", "包裹卡在海关半个月了"),
    ("ar", "الشحنة متأخرة أسبوعين ولم تصل حتى الآن"),
    ("ar", "مر شهر ولم أستلم الطرد"),
]
QUESTIONS = [
    ("en", "Does the charger work with European plugs?"),
    ("es", "¿Este modelo viene en azul?"),
    ("id", "Apakah ukuran L masih ready kak?"),
    ("zh", "这个颜色还有货吗？"),
    ("ar", "هل يتوفر هذا المنتج باللون الأسود؟"),
]
THANKS = [
    ("en", "Thank you so much, the lamp looks beautiful on my desk"),
    ("es", "Muchas gracias, me encanta el color"),
    ("id", "Makasih kak, barangnya bagus banget"),
    ("zh", "谢谢，非常喜欢这个杯子"),
    ("ar", "شكرا جزيلا، المنتج رائع"),
]


@pytest.mark.parametrize(("lang", "text"), DELAYS)
def test_delay_is_a_logistics_complaint(lang: str, text: str) -> None:
    lab = read_one(text, lang)
    assert lab.complaint is True
    assert lab.issue_type is IssueType.LOGISTICS_DELAY
    assert lab.sentiment is Sentiment.NEGATIVE
    assert lab.safety_risk is False


@pytest.mark.parametrize(("lang", "text"), QUESTIONS)
def test_product_question_is_not_a_complaint(lang: str, text: str) -> None:
    lab = read_one(text, lang)
    assert lab.complaint is False
    assert lab.issue_type is IssueType.PRODUCT_QUESTION
    assert lab.sentiment is not Sentiment.NEGATIVE


@pytest.mark.parametrize(("lang", "text"), THANKS)
def test_thank_you_is_praise(lang: str, text: str) -> None:
    lab = read_one(text, lang)
    assert lab.complaint is False
    assert lab.issue_type is IssueType.PRAISE
    assert lab.sentiment is Sentiment.POSITIVE


def test_safety_report_is_flagged() -> None:
    lab = read_one("The charger overheated and burned my hand", "en")
    assert lab.safety_risk is True
    assert lab.issue_type is IssueType.SAFETY_RISK
    assert lab.complaint is True


def test_reader_is_deterministic() -> None:
    texts = [t for _, t in DELAYS + QUESTIONS + THANKS]
    langs = [lang for lang, _ in DELAYS + QUESTIONS + THANKS]
    assert [read_one(t, lang) for t, lang in zip(texts, langs, strict=True)] == [
        read_one(t, lang) for t, lang in zip(texts, langs, strict=True)
    ]


def test_keyword_reader_end_to_end_identifies_language_and_labels() -> None:
    from flexloop.analyze.keyword_reader import KeywordReader

    rows = [DELAYS[1], DELAYS[3], DELAYS[5], DELAYS[7], DELAYS[9], QUESTIONS[3], THANKS[4]]
    out = KeywordReader(["en", "es", "id", "zh", "ar"]).read([t for _, t in rows])
    assert [lab.lang for lab in out] == [lang for lang, _ in rows]
    assert [lab.issue_type for lab in out] == [IssueType.LOGISTICS_DELAY] * 5 + [
        IssueType.PRODUCT_QUESTION,
        IssueType.PRAISE,
    ]
