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
    "the main gate was closed so the courier took it back to the depot",  # one Hinglish word: lingua decides
    "Ho ho ho, Merry Christmas to all of you!",
    "Sipariş nerede? Ürün hasarlı geldi",
]


class _Recorder:
    """A lingua detector that remembers the texts it was asked about."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.seen = inner, []

    def detect_languages_in_parallel_of(self, texts: list[str]) -> Any:
        self.seen.extend(texts)
        return self.inner.detect_languages_in_parallel_of(texts)


def test_hinglish_posts_skip_lingua_and_match_the_full_route() -> None:
    li = LanguageIdentifier()
    precise, quick = li._build()
    full = [li._refine(langid._lingua_code(precise.detect_language_of(t)), t) for t in TEXTS]
    recorder = _Recorder(precise)
    li._detectors = (recorder, quick)
    assert li.identify(TEXTS) == full
    assert full[:2] == ["hi", "hi"]
    assert TEXTS[0] not in recorder.seen and TEXTS[1] not in recorder.seen
    assert TEXTS[2] in recorder.seen and TEXTS[5] in recorder.seen
    recorder.seen.clear()
    assert li.identify([TEXTS[2], TEXTS[3], TEXTS[2]]) == [full[2], full[3], full[2]]
    assert recorder.seen == [TEXTS[2], TEXTS[3]]  # a repeated post is read once
