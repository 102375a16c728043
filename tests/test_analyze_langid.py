"""Language id shortcuts give what the full lingua route gives, and spare lingua the posts they decide."""

from __future__ import annotations

from typing import Any

from flexloop.analyze import langid
from flexloop.analyze.langid import LanguageIdentifier

TEXTS = [
    "mera order abhi tak nahi aaya yaar kya hai ye",
    "bhai ye product bahut accha hai, sab ko lena chahiye",
    "Where is my order? It is two weeks late",
    "Barang saya tak sampai lagi, kenapa lambat sangat",
    "Pesanan saya belum sampai padahal sudah dua minggu",
    "the main gate was closed so the courier took it back to the depot",  # one Hinglish word: not Hinglish
    "Ho ho ho, Merry Christmas to all of you!",
    "Sipariş nerede? Ürün hasarlı geldi",
    "Ma commande n'est toujours pas arrivée",
]


class _Recorder:
    """A lingua detector that remembers the texts it was asked about."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.seen = inner, []

    def detect_languages_in_parallel_of(self, texts: list[str]) -> Any:
        self.seen.extend(texts)
        return self.inner.detect_languages_in_parallel_of(texts)

    def compute_language_confidence_values_in_parallel(self, texts: list[str]) -> Any:
        self.seen.extend(texts)
        return self.inner.compute_language_confidence_values_in_parallel(texts)


def _recording(li: LanguageIdentifier) -> tuple[_Recorder, _Recorder]:
    """Record what LI's precise and quick lingua detectors are asked (every post lingua reads meets the quick)."""
    precise, quick = li._build()
    li._detectors = (precise_seen := _Recorder(precise), quick_seen := _Recorder(quick))
    return precise_seen, quick_seen


def _lingua_route(li: LanguageIdentifier, text: str) -> str:
    """What LI says of TEXT through lingua, no shortcut taken."""
    return li._refine(li._lingua([text])[0], text)


def test_hinglish_posts_skip_lingua_and_match_the_full_route() -> None:
    li = LanguageIdentifier()
    full = [_lingua_route(li, t) for t in TEXTS]
    _, recorder = _recording(li)
    assert li.identify(TEXTS) == full
    assert full[:2] == ["hi", "hi"]
    assert full[6] == "en"  # "ho" three times is one Hindi-looking word, not Hinglish
    assert TEXTS[0] not in recorder.seen and TEXTS[1] not in recorder.seen
    assert TEXTS[7] in recorder.seen and TEXTS[8] in recorder.seen
    recorder.seen.clear()
    assert li.identify([TEXTS[7], TEXTS[8], TEXTS[7]]) == [full[7], full[8], full[7]]
    assert recorder.seen == [TEXTS[7], TEXTS[8]]  # a repeated post is read once


ENGLISH = [
    "Where is my order? It is two weeks late",  # plain English: lingua need not run
    "the main gate was closed so the courier took it back to the depot",
    "@shop this is the worst service I have ever had, and they never answer",
    "Merry Christmas to all!",  # one function word: lingua decides
    "the café is nice but the crème brûlée was not",  # accented letters: lingua decides
    "you are the best",  # three function words of four: English
    "sablonnya pudar, bahannya tipis tapi murah",
    "the barang is not sampai yet",  # mixed Malay/English: the rule says en (lingua is unsure here too)
]


def test_plain_english_posts_skip_lingua() -> None:
    li = LanguageIdentifier()
    _, recorder = _recording(li)
    got = li.identify(ENGLISH)
    assert got[:3] == ["en", "en", "en"] and got[5] == "en" and got[7] == "en"
    assert not {ENGLISH[i] for i in (0, 1, 2, 5, 7)} & set(recorder.seen)
    assert {ENGLISH[3], ENGLISH[4], ENGLISH[6]} <= set(recorder.seen)
    for i in (3, 4, 6):  # what lingua says
        assert got[i] == _lingua_route(li, ENGLISH[i])
    served = LanguageIdentifier(["es", "pt", "id"])  # en not served: no shortcut, lingua reads it
    _, recorder = _recording(served)
    served.identify(ENGLISH[:1])
    assert recorder.seen == ENGLISH[:1]


MALAY_INDONESIAN = [
    "pesanan saya belum sampai padahal sudah dua minggu, kenapa lama banget",  # Indonesian
    "barang saya tak sampai lagi, nak tanya bila boleh sampai",  # Malay
    "kualitas bagus",  # two words: lingua decides
]


def test_malay_and_indonesian_posts_skip_lingua_and_are_told_apart_by_their_own_words() -> None:
    li = LanguageIdentifier()
    _, recorder = _recording(li)
    assert li.identify(MALAY_INDONESIAN)[:2] == ["id", "ms"]
    assert recorder.seen == MALAY_INDONESIAN[2:]
    assert LanguageIdentifier(["ms", "en"]).identify(MALAY_INDONESIAN[:1]) == ["ms"]  # only one of the pair served
    assert LanguageIdentifier(["id", "en"]).identify(MALAY_INDONESIAN[1:2]) == ["id"]


def test_lingua_precise_models_read_only_what_the_quick_ones_are_unsure_of() -> None:
    li = LanguageIdentifier()
    sure = ["Ma commande n'est toujours pas arrivée", "Sipariş nerede? Ürün hasarlı geldi"]
    unsure = ["Merry Christmas to all!", "ciao bella", "hola"]  # quick models: de, vi, tr (under SURE)
    quick = li._build()[1]
    assert all(quick.compute_language_confidence_values(t)[0].value >= langid.SURE for t in sure)
    assert all(quick.compute_language_confidence_values(t)[0].value < langid.SURE for t in unsure)
    precise_seen, quick_seen = _recording(li)
    assert li.identify(sure + unsure) == ["fr", "tr", "en", "it", "es"]
    assert quick_seen.seen == sure + unsure
    assert precise_seen.seen == unsure


def test_romanised_hindi_reads_as_hindi_by_its_common_words() -> None:
    li = LanguageIdentifier()
    hinglish = ["Koi nhi yaar", "mujhe jaldi chahiye bhaiya", "order aaj bhi nahi aaya, kyun?"]
    assert li.identify(hinglish) == ["hi", "hi", "hi"]
    others = ["Los paquetes han llegado tarde", "Barang tak sampai lagi, sedih", "Hui, das ist aber schön"]
    assert "hi" not in li.identify(others)
