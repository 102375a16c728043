"""Intent mapping, language id, the safety flag on the team-written set, and people's corrections."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from typer.testing import CliRunner

from flexloop.analyze.evaluation import map_label
from flexloop.analyze.langid import SERVED, LanguageIdentifier
from flexloop.analyze.safety import is_safety_risk
from flexloop.cli.app import app
from flexloop.store.db import open_engine
from flexloop.store.tables import corrections, events, mentions

runner = CliRunner()


@pytest.mark.parametrize(
    ("bitext", "intent"),
    [
        ("track_order", "order_status"), ("delivery_period", "order_status"), ("get_refund", "return_refund"),
        ("track_refund", "return_refund"), ("check_refund_policy", "return_refund"),
        ("cancel_order", "cancellation"), ("check_cancellation_fee", "cancellation"),
        ("delivery_options", "delivery_options"), ("change_shipping_address", "delivery_options"),
        ("set_up_shipping_address", "delivery_options"), ("complaint", "complaint"),
        ("create_account", "other"), ("review", "other"), ("payment_issue", "other"), ("praise", "praise"),
    ],
)  # fmt: skip
def test_bitext_intents_map_to_flexloop_intents(bitext: str, intent: str) -> None:
    assert map_label("intent", bitext) == intent


def test_unknown_labels_are_refused() -> None:
    assert map_label("intent", "buy_a_boat") is None
    assert map_label("sentiment", "track_order") is None


def test_language_id_uses_scripts_and_the_served_set() -> None:
    li = LanguageIdentifier()
    texts = [
        "พัสดุยังไม่มาเลย", "我的快递还没到", "荷物がまだ届きません", "배송이 안 왔어요", "وين طلبي؟",
        "Where is my order? It is two weeks late", "¿Dónde está mi pedido? Lleva dos semanas de retraso",
        "Pesanan saya belum sampai padahal sudah dua minggu", "mera order abhi tak nahi aaya yaar kya hai ye",
    ]  # fmt: skip
    assert li.identify(texts) == ["th", "zh", "ja", "ko", "ar", "en", "es", "id", "hi"]
    assert set(li.identify(texts)) <= set(SERVED)
    assert LanguageIdentifier(["en", "es"]).identify(["Pesanan saya belum sampai"])[0] in {"en", "es"}


def test_safety_recall_on_the_team_set_is_at_least_90_percent_per_language() -> None:
    path = resources.files("flexloop") / "data" / "training" / "safety_team.csv"
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    false_pos = negatives = 0
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            hit = is_safety_risk(row["text"], row["lang"])
            if row["label"] == "safety_risk":
                stats[row["lang"]][0] += 1
                stats[row["lang"]][1] += int(hit)
            else:
                negatives += 1
                false_pos += int(hit)
    assert set(stats) == set(SERVED)
    for lang, (n, hits) in stats.items():
        assert n >= 20, lang
        assert hits / n >= 0.9, lang
    assert false_pos / negatives <= 0.05


@pytest.mark.parametrize(
    ("slang", "harm"),
    [
        ("I want to speak to a bloody human, not a bot", "cut my finger on the lid, blood everywhere"),
        ("this deal is fire 🔥", "the charger caught fire overnight"),
    ],
)
def test_slang_is_no_hazard_but_the_harm_it_looks_like_is(slang: str, harm: str) -> None:
    assert not is_safety_risk(slang, "en")
    assert is_safety_risk(harm, "en")


def test_label_records_a_correction_and_training_can_use_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("FLEXLOOP_DATABASE_URL", url)
    eng = open_engine(url)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with eng.begin() as conn:
        conn.execute(insert(mentions).values(key="x:1", platform="x", native_id="1", author_handle="a",
                                             author_followers=0, text="the parcel is three weeks late",
                                             created_at=now, product_hints=[], metrics={}, analyzed=False))  # fmt: skip
        mid = conn.execute(select(mentions.c.id)).scalar_one()
    result = runner.invoke(
        app, ["label", str(mid), "--task", "sentiment", "--label", "negative", "--by", "ana", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mention_id"] == mid
    with eng.connect() as conn:
        assert conn.execute(select(corrections.c.label)).scalars().all() == ["negative"]
        assert conn.execute(select(events.c.type)).scalars().all() == ["label_corrected"]
    bad = runner.invoke(app, ["label", str(mid), "--task", "sentiment", "--label", "angry", "--by", "ana"])
    assert bad.exit_code == 2
    missing = runner.invoke(app, ["label", "999", "--task", "sentiment", "--label", "negative", "--by", "ana"])
    assert missing.exit_code == 2
    data = tmp_path / "t.csv"
    data.write_text("text,label\ngreat,positive\nawful,negative\nfine ok,neutral\n", encoding="utf-8")
    out = runner.invoke(app, ["train", "--task", "sentiment", "--data", str(data), "--out", str(tmp_path / "m"),
                              "--include-corrections", "--json"])  # fmt: skip
    assert out.exit_code == 0, out.output
    card = json.loads(out.stdout)
    assert card["corrections"] == 1 and card["labels"]["negative"] == 2


def test_model_reader_reads_posts_deterministically() -> None:
    from flexloop.analyze.model_reader import ModelReader
    from flexloop.analyze.text import TextLabels

    reader = ModelReader(["en", "es", "zh", "nl"])
    posts = ["The charger overheated and burned my hand", "¿Tienen talla M?", "我的快递两个星期还没到"]
    first, second = reader.read(posts), reader.read(posts)
    assert first == second and all(isinstance(x, TextLabels) for x in first)
    assert first[0].safety_risk and first[0].issue_type == "safety_risk" and first[0].complaint
    assert [x.lang for x in first] == ["en", "es", "zh"]
    assert 0.0 <= first[1].sentiment_confidence <= 1.0


def test_models_read_posts_without_handles_and_with_links_masked() -> None:
    from flexloop.analyze.features import clip, embed
    from flexloop.analyze.model_reader import ModelReader

    assert clip("@StyleLink ok https://t.co/x1 mail a.b@shop.com").split() == ["ok", "http", "mail", "a.b@shop.com"]
    posts = ["@StyleLink delivery was quick, love it", "@user delivery was quick, love it @ZippyParcel_help"]
    a, b = embed(posts)
    assert float(a @ b) > 0.9999  # the brand's name does not move the embedding
    first, second = ModelReader().read(posts)
    assert first == second


def test_posts_of_tags_alone_say_nothing_and_handles_are_neither_cues_nor_hazards() -> None:
    from flexloop.analyze.keyword_reader import cue_labels
    from flexloop.analyze.model_reader import ModelReader
    from flexloop.analyze.safety import matches

    blank, asked = ModelReader(["en"]).read(["@brand @other https://t.co/x1", "@brand where is my order?"])
    assert (blank.sentiment, blank.issue_type, blank.intent, blank.complaint) == ("neutral", "other", "other", False)
    assert blank.sentiment_confidence == 1.0 and asked.intent != "other"
    assert matches("@Overheated thanks for the quick reply", "en") == []
    assert matches("the phone overheated in my pocket", "en") != []
    cue = cue_labels("@LateNightDeals thanks so much", "en")
    assert cue is not None and cue.issue_type == "praise"


def test_the_encoder_reads_emoji_by_name() -> None:
    from flexloop.analyze.features import embed, emoji_words

    assert emoji_words("so good 😍").split() == ["so", "good", "smiling", "face", "with", "heart-eyes"]
    assert emoji_words("ส่งไวมาก 555") == "ส่งไวมาก 555"  # nothing to name: the text itself
    angry, happy = embed(["the parcel came 😡", "the parcel came 😍"])
    assert float(angry @ happy) < 0.99  # unknown to the encoder's vocabulary, the two would read the same


def test_emoji_names_match_the_emoji_library_on_sequences_and_symbols() -> None:
    import emoji

    from flexloop.analyze.features import emoji_words

    def library(text: str) -> str:
        return str(emoji.replace_emoji(text, replace=lambda _, d: " " + d["en"].strip(":").replace("_", " ") + " "))

    posts = [
        "family 👨\u200d👩\u200d👧 trip, kiss 👩🏽\u200d❤️\u200d💋\u200d👨🏻!!",  # zero-width-joined, skin tones
        "shipped to 🇹🇭 and 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f 😡",  # flags, tag sequence
        "rate 5️⃣/10 #️⃣ ℹ️ℹ © ™ 👍🏾...",  # keycaps, the letter-like ℹ, symbols named only beside an emoji
        "ส่งช้า😤😤 ไม่ประทับใจ", "好评👍👍", "no emoji here, only words #tags @handles",
    ]
    assert [emoji_words(p) for p in posts] == [library(p) if p != posts[-1] else p for p in posts]
    assert "information" in emoji_words("ℹ️ 😡") and "keycap" in emoji_words("5️⃣ stars 😡")


def test_the_ngrams_read_arabic_spelling_variants_alike() -> None:
    from flexloop.analyze.features import hashed_ngrams, normalise

    marked, plain = "إنَّه رائعٌ جداً والمكتبــة أحلى", "انه رائع جدا والمكتبه احلي"
    assert normalise(marked) == normalise(plain) == plain
    assert (hashed_ngrams([marked]) != hashed_ngrams([plain])).nnz == 0
    assert normalise("Ünïcode ÉTÉ") == "ünïcode été"  # other scripts keep their marks
