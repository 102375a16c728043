"""The pipeline reader: models everywhere, overruled only by hazard and concrete-problem cues."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
import pytest

from flexloop.analyze.cascade import DECISIVE, CascadeReader, decisive_cues
from flexloop.analyze.evaluation import macro_f1
from flexloop.analyze.keyword_reader import cue_labels
from flexloop.analyze.model_reader import (
    _a_calm_question_is_not_a_complaint,
    _complaint_ensemble,
    _issue_with_safety,
    _praise_is_not_a_complaint,
    _praise_needs_no_negative_tone,
)
from flexloop.domain.vocab import Intent, IssueType

POSTS = [
    "@shop where is my order?? it's been 3 weeks and still not arrived",  # delay cue and a question mark
    "my charger overheated and burned my hand",  # safety
    "do you ship to canada?",  # a question: the question cue does not decide
    "thank you so much, love it!",  # thanks: the praise cue does not decide
    "la batería echó humo y se quemó el enchufe",  # safety, Spanish
    "Mi collar luminoso viene con retarso otra vez, qué decepción",  # typo'd delay: no cue, no safety
]


@pytest.fixture(scope="module")
def reader() -> CascadeReader:
    return CascadeReader(["en", "es"])


def test_only_hazard_and_concrete_problem_cues_are_decisive() -> None:
    assert {IssueType.LOGISTICS_DELAY, IssueType.LOST_OR_DAMAGED, IssueType.QUALITY_DEFECT} == DECISIVE
    assert decisive_cues(POSTS[0], "en") is not None
    assert decisive_cues(POSTS[1], "en") is not None and decisive_cues(POSTS[4], "es") is not None
    for text in POSTS[2:4]:  # a cue matches, and is not allowed to decide
        assert cue_labels(text, "en") is not None and decisive_cues(text, "en") is None
    team = resources.files("flexloop") / "data" / "training" / "issues_team.csv"
    for row in csv.DictReader(team.open(encoding="utf-8")):  # decisive: the full reading when it may decide
        cue = cue_labels(row["text"], row["lang"])
        decisive = cue if cue is not None and (cue.safety_risk or cue.issue_type in DECISIVE) else None
        assert decisive_cues(row["text"], row["lang"]) == decisive, row["text"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I love this chocolate, best gift ever", "en"),  # "late" inside a word is no delay
        ("the plates are gorgeous, will tell my friends later", "en"),
        ("grazie alle persone che ci hanno aiutato", "it"),  # "perso" (lost) inside "persone"
        ("dasar akun yang takut kehilangan kursi", "id"),  # "hilang" (lost) after a prefix: to lose, not a parcel
        ("comprei 2 semanas atras e amei", "pt"),  # "atrás" (ago) unaccented is not "atraso"
    ],
)
def test_a_cue_inside_another_word_does_not_decide(text: str, lang: str) -> None:
    assert decisive_cues(text, lang) is None


@pytest.mark.parametrize(
    ("text", "lang", "meant"),
    [
        ("ตื่นเช้ามาก วันนี้ไปงานช้างมา สนุกมาก", "th", "ส่งของช้ามาก รอนานมาก"),  # "morning", "elephant": no "slow"
        ("Buenas tardes, ¿tienen esta talla?", "es", "Mi pedido llegó tarde otra vez"),
        ("包装很好，没有破损，高兴坏了", "zh", "包装破损了，里面的杯子也坏了"),
        ("arrived in two days with no damage at all", "en", "arrived damaged, box crushed"),
    ],
)
def test_a_look_alike_holds_a_cue_without_meaning_it(text: str, lang: str, meant: str) -> None:
    assert decisive_cues(text, lang) is None
    assert decisive_cues(meant, lang) is not None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("my blender arrived damaged but you replaced it the next day, thank you!", "en"),
        ("La caja llegó dañada pero me enviaron otra enseguida, ¡gracias!", "es"),
        ("商品有破损，客服马上给我补发了新的，很满意", "zh"),
    ],
)
def test_a_problem_already_put_right_is_left_to_the_models(text: str, lang: str) -> None:
    assert cue_labels(text, lang) is not None and decisive_cues(text, lang) is None
    assert decisive_cues(text + " 😡", lang) is not None  # with a negative cue beside the fix, the problem decides
    assert decisive_cues("they sent a new one and it arrived damaged too, terrible", "en") is not None


@pytest.mark.parametrize("text", ["mini çanta aldım kargo hızlı", "EVİMİZE GELDİ, çok güzel"])
def test_a_turkish_question_particle_is_a_word_of_its_own(text: str) -> None:
    assert cue_labels(text, "tr") is None  # "mi" inside "mini", and "İ" lower-cased to "i" + a combining dot
    assert cue_labels("bu çanta su geçirmez mi", "tr") is not None


@pytest.mark.parametrize(
    ("text", "lang", "issue"),
    [
        ("my parcel was delayed again", "en", IssueType.LOGISTICS_DELAY),  # a stem: "delay*"
        ("O envio atrasou de novo, quando chega?", "pt", IssueType.LOGISTICS_DELAY),
        ("barang rusaknya parah", "id", IssueType.LOST_OR_DAMAGED),  # a suffix after the cue ("rusak")
        ("택배분실 됐어요", "ko", IssueType.LOST_OR_DAMAGED),  # written together with the word before
        ("이거 방수 되나요", "ko", IssueType.PRODUCT_QUESTION),  # a question ending
        ("وتأخر الطلب", "ar", IssueType.LOGISTICS_DELAY),  # an attached prefix
        ("我的包裹delay了三天", "zh", IssueType.LOGISTICS_DELAY),  # an English word between Chinese characters
        ("where’s my order", "en", IssueType.LOGISTICS_DELAY),  # a curly apostrophe
        ("@shop warte seit 5 Wochen auf meine Rückerstattung", "de", IssueType.BILLING_REFUND),  # a compound
    ],
)
def test_cues_read_stems_suffixes_prefixes_and_compounds(text: str, lang: str, issue: IssueType) -> None:
    cue = cue_labels(text, lang)
    assert cue is not None and cue.issue_type is issue


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("still waiting for my refund, it has been 3 weeks", "en"),
        ("j'ai renvoyé le colis il y a un mois, toujours pas remboursée", "fr"),
        ("mera refund abhi tak nahi aaya, 15 din ho gaye", "hi"),
    ],
)
def test_a_late_refund_is_a_refund_problem_not_a_delivery_delay(text: str, lang: str) -> None:
    cue = cue_labels(text, lang)
    assert cue is not None and cue.issue_type is IssueType.BILLING_REFUND and cue.intent is Intent.RETURN_REFUND
    assert decisive_cues(text, lang) is None  # the models decide, as for any refund post


def test_cascade_takes_the_models_unless_a_decisive_cue_matches(reader: CascadeReader) -> None:
    modelled = reader.models.read(POSTS)
    out = reader.read(POSTS)
    assert out[0].issue_type is IssueType.LOGISTICS_DELAY and out[0].intent is Intent.ORDER_STATUS
    assert out[2:4] == modelled[2:4] and out[5] == modelled[5]


def test_issue_reads_safety_risk_exactly_when_the_safety_lexicon_flags_the_post(reader: CascadeReader) -> None:
    reading = reader.models.analyse(POSTS)
    issues, _ = reading.best("issue")
    assert reading.safety == [False, True, False, False, True, False]
    assert [i == IssueType.SAFETY_RISK.value for i in issues] == reading.safety
    assert np.abs(reading.proba["issue"].sum(axis=1) - 1).max() < 1e-5


def test_issue_without_the_flag_moves_safety_mass_to_the_other_types() -> None:
    labels = ("other", "quality_defect", "safety_risk")
    p = np.array([[0.2, 0.2, 0.6], [0.0, 0.0, 1.0], [0.1, 0.1, 0.8]], dtype=np.float32)
    out = _issue_with_safety(p, labels, [False, False, True])
    assert np.allclose(out, [[0.5, 0.5, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert _issue_with_safety(p, ("other", "praise", "logistics_delay"), [True] * 3) is p  # no safety label


def test_a_post_that_reads_negative_is_not_praise_but_a_toss_up_keeps_it() -> None:
    labels = {"sentiment": ("negative", "neutral", "positive"), "issue": ("customer_service", "praise"),
              "intent": ("complaint", "praise")}  # fmt: skip
    proba = {
        "sentiment": np.array([[0.9, 0.05, 0.05], [0.48, 0.03, 0.49]], dtype=np.float32),
        "issue": np.array([[0.3, 0.7], [0.45, 0.55]], dtype=np.float32),
        "intent": np.array([[0.2, 0.8], [0.3, 0.7]], dtype=np.float32),
    }
    _praise_needs_no_negative_tone(proba, labels)
    assert proba["issue"][0].argmax() == 0 and proba["intent"][0].argmax() == 0  # 0.7 * 0.1 against 0.3
    assert np.allclose(proba["issue"][0], [0.3 / 0.37, 0.07 / 0.37])
    assert np.allclose(proba["issue"][1], [0.45, 0.55]) and np.allclose(proba["intent"][1], [0.3, 0.7])


def test_a_happy_post_of_praise_is_not_a_complaint_but_a_mixed_one_stays() -> None:
    labels = {"sentiment": ("negative", "neutral", "positive"), "issue": ("praise", "quality_defect"),
              "complaint": ("complaint", "not_complaint"), "intent": ("complaint", "praise")}  # fmt: skip
    proba = {
        "sentiment": np.array([[0.1, 0.1, 0.8], [0.1, 0.1, 0.8]], dtype=np.float32),
        "issue": np.array([[0.7, 0.3], [0.4, 0.6]], dtype=np.float32),  # the second names a problem
        "complaint": np.array([[0.8, 0.2], [0.8, 0.2]], dtype=np.float32),
        "intent": np.array([[0.6, 0.4], [0.6, 0.4]], dtype=np.float32),
    }
    _praise_is_not_a_complaint(proba, labels)
    assert np.allclose(proba["complaint"], [[0.16, 0.84], [0.8, 0.2]])
    assert proba["intent"][0].argmax() == 1 and np.allclose(proba["intent"][1], [0.6, 0.4])


def test_a_negative_post_meant_as_a_complaint_is_flagged_a_neutral_one_is_not() -> None:
    labels = {"sentiment": ("negative", "neutral", "positive"), "issue": ("other", "quality_defect"),
              "complaint": ("complaint", "not_complaint"), "intent": ("complaint", "other")}  # fmt: skip
    proba = {
        "sentiment": np.array([[0.9, 0.1, 0.0], [0.1, 0.9, 0.0]], dtype=np.float32),
        "issue": np.array([[0.9, 0.1], [0.9, 0.1]], dtype=np.float32),  # no problem issue: that OR stays low
        "complaint": np.array([[0.3, 0.7], [0.3, 0.7]], dtype=np.float32),
        "intent": np.array([[0.8, 0.2], [0.8, 0.2]], dtype=np.float32),
    }
    p = _complaint_ensemble(proba, labels)
    assert np.allclose(p[:, 0], [0.72, 0.3]) and np.allclose(p.sum(axis=1), 1.0)


def test_a_calm_product_question_is_not_a_complaint_but_an_upset_one_stays() -> None:
    labels = {"sentiment": ("negative", "neutral", "positive"), "issue": ("product_question", "quality_defect"),
              "complaint": ("complaint", "not_complaint"), "intent": ("complaint", "product_question")}  # fmt: skip
    proba = {
        "sentiment": np.array([[0.05, 0.9, 0.05], [0.7, 0.3, 0.0]], dtype=np.float32),  # the second reads negative
        "issue": np.array([[0.8, 0.2], [0.8, 0.2]], dtype=np.float32),
        "complaint": np.array([[0.9, 0.1], [0.9, 0.1]], dtype=np.float32),
        "intent": np.array([[0.6, 0.4], [0.6, 0.4]], dtype=np.float32),
    }
    _a_calm_question_is_not_a_complaint(proba, labels)
    assert np.allclose(proba["complaint"], [[0.09, 0.91], [0.9, 0.1]])
    assert proba["intent"][0].argmax() == 1 and np.allclose(proba["intent"][1], [0.6, 0.4])


def test_pipeline_reader_on_the_team_held_out_brand_posts() -> None:
    path = resources.files("flexloop") / "data" / "training" / "issues_team_eval.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    out = CascadeReader().read([r["text"] for r in rows])
    issue = macro_f1([r["label"] for r in rows], [o.issue_type.value for o in out])
    intent = macro_f1([r["intent"] for r in rows], [o.intent.value for o in out])
    # With every cue deciding, the models before the team rows scored 71 / 50 here; shipped now: about 91 / 90.
    assert issue >= 78.0 and intent >= 78.0, (issue, intent)
