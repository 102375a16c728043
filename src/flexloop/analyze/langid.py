"""Language identification for short social posts, restricted to the languages a brand serves."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

SERVED = ("en", "es", "pt", "fr", "de", "it", "id", "ms", "th", "vi", "ar", "hi", "zh", "ja", "ko", "tr")
UNDETERMINED = "und"
# Texts longer than this are identified from their head: faster, and just as sure.
MAX_CHARS = 300
# lingua's quick (trigram) models read every post lingua must decide; the precise (1-5-gram) ones, 3.5 times
# slower, only those where the quick models' confidence in their first language is under this (a lower bar
# costs accuracy: 0.99 took 10 more UMSAB dev posts for another language).
SURE = 0.99999

_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
    ("ar", re.compile(r"[\u0600-\u06ff\u0750-\u077f]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
)
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|&\w+;")
_WORD = re.compile(r"[a-z]+")

# Romanised Hindi (Hinglish) function and common words: lingua has no model for it, and Indian posts use it a lot.
# Words of other served languages are left out ("han", "tak", "wah", "bola", "bol", "tune", "hui"); adding the
# second half of the list changed 108 shared train-file posts, 107 of them Hindi read right and one English.
_HINGLISH = frozenset(
    ["hai", "hain", "nahi", "nahin", "kya", "bhi", "mein", "mai", "main", "ke", "ki", "ko", "se", "aur", "yaar",
     "yar", "ho", "tha", "thi", "raha", "rahe", "rahi", "kar", "karo", "karna", "kuch", "koi", "toh", "tho", "bhai",
     "ji", "hum", "tum", "aap", "apna", "apni", "mera", "meri", "mere", "tera", "teri", "bahut", "bohot", "sab",
     "sabse", "kaise", "kyun", "kyu", "kab", "kahan", "jab", "tab", "ab", "accha", "acha", "achha", "bas", "wala",
     "wali", "hota", "hoti", "hoga", "gaya", "gayi", "diya", "liya", "dekh", "dekho", "chal", "kabhi", "abhi",
     "sirf", "phir", "fir", "pe", "par", "ek", "yeh", "ye", "woh", "vo", "wo", "h", "hi", "nhi", "nai", "hu", "hun",
     "hoon", "mujhe", "muje", "tujhe", "apse", "aapko", "apko", "kr", "krna", "kro", "rha", "rhe", "rhi", "gye",
     "gya", "hua", "hue", "liye", "lye", "kaisa", "kaisi", "kyon", "karunga", "karenge", "sath", "saath", "unka",
     "uska", "iska", "usne", "maine", "humne", "haan", "achi", "acchi", "badiya", "badhiya", "bahot", "bhot",
     "jaldi", "aaj", "raat", "yahan", "wahan", "kahaan", "arre", "arey", "bhaiya", "didi", "chahiye", "sakta",
     "sakti", "sakte", "tumhara", "tumhari", "hamara", "hamari", "yahi", "wahi", "kitna", "kitne", "kitni", "lekin",
     "magar", "kyuki", "kyunki", "isliye", "matlab", "ekdum", "zaroor", "jarur", "sahi", "galat", "pyaar", "dil",
     "khush"]
)  # fmt: skip
# Words that are common in one of Indonesian / Malay and rare in the other.
_MALAY = frozenset(
    [
        "tak",
        "nak",
        "boleh",
        "sahaja",
        "kerana",
        "wang",
        "percuma",
        "kereta",
        "bila",
        "macam",
        "mahu",
        "cakap",
        "sikit",
        "kedai",
        "pejabat",
        "betul",
        "kenapa",
        "hendak",
        "awak",
        "korang",
        "dia",
        "orang",
        "ni",
        "tu",
        "lah",
        "ke",
        "dengan",
        "ialah",
        "daripada",
        "semasa",
        "tetapi",
    ]
)
_INDONESIAN = frozenset(
    [
        "tidak",
        "nggak",
        "gak",
        "ga",
        "enggak",
        "saja",
        "aja",
        "karena",
        "uang",
        "gratis",
        "mobil",
        "kapan",
        "banget",
        "sih",
        "dong",
        "deh",
        "kok",
        "gimana",
        "bagaimana",
        "mau",
        "bilang",
        "sedikit",
        "toko",
        "kantor",
        "benar",
        "kenapa",
        "kamu",
        "kalian",
        "mereka",
        "ini",
        "itu",
        "dengan",
        "adalah",
        "dari",
        "selama",
        "tetapi",
        "tapi",
        "udah",
        "sudah",
        "belum",
        "bisa",
        "pesanan",
        "barang",
        "kirim",
    ]
)
# English function words, leaving out the commonest words of other served languages ("a", "no", "on", "me", "can",
# "her", "was", "will", "die", "so", "in", "an", "do", "to", "at", "or", "he", "i"). A few remain words elsewhere
# ("all" in German, "has" in Turkish, unaccented Vietnamese "the", "my"): three hits and a fifth of the words
# are needed, and accented letters send a post to lingua.
_ENGLISH = frozenset(
    ["the", "and", "you", "that", "for", "this", "with", "have", "are", "be", "not", "but", "just", "what", "your",
     "all", "they", "she", "if", "about", "get", "from", "out", "one", "like", "know", "when", "there", "would",
     "been", "has", "had", "were", "how", "its", "my", "of", "it", "is", "we", "our", "their", "them", "his", "him",
     "who", "why", "which", "than", "then", "these", "those", "because", "after", "before", "very", "really"]
)  # fmt: skip
# Function words of Malay and Indonesian together: lingua is not needed to tell the pair from other languages,
# and `_refine` tells the two apart by their own words whatever lingua says.
_MALAY_INDONESIAN = frozenset(
    ["yang", "dan", "ini", "itu", "tidak", "ada", "dengan", "untuk", "saya", "aku", "akan", "dari", "kita", "kami",
     "juga", "sudah", "bisa", "karena", "tapi", "atau", "lagi", "sangat", "banyak", "harus", "belum", "masih",
     "pada", "oleh", "dalam", "kalau", "jadi", "saja", "aja", "gak", "nggak", "enggak", "tak", "nak", "boleh",
     "dah", "banget", "mereka", "sekali", "pun", "lebih", "semua", "sama", "mau", "udah", "kurang"]
)  # fmt: skip
_NON_ASCII_LETTER = re.compile(r"(?![\x00-\x7f])[^\W\d_]")
_MALAY_ONLY = _MALAY - _INDONESIAN
_INDONESIAN_ONLY = _INDONESIAN - _MALAY


_cache_lock = threading.Lock()
_DETECTORS: dict[tuple[str, ...], tuple[Any, Any]] = {}


def _detectors(latin: tuple[str, ...]) -> tuple[Any, Any]:
    """Precise and quick lingua detectors for a set of Latin-script languages, built once per process."""
    with _cache_lock:
        if latin not in _DETECTORS:
            if len(latin) < 2:
                _DETECTORS[latin] = (None, None)
            else:
                from lingua import IsoCode639_1, LanguageDetectorBuilder

                isos = [getattr(IsoCode639_1, c.upper()) for c in latin]
                precise = LanguageDetectorBuilder.from_iso_codes_639_1(*isos).with_preloaded_language_models().build()
                quick = LanguageDetectorBuilder.from_iso_codes_639_1(*isos).with_low_accuracy_mode().build()
                _DETECTORS[latin] = (precise, quick)
        return _DETECTORS[latin]


def _lingua_code(lang: Any) -> str:
    return str(lang.iso_code_639_1.name).lower()


def _function_words(text: str, words: list[str], vocabulary: frozenset[str]) -> bool:
    """At least 3 of the words, and a fifth of them, are in VOCABULARY, and no letter is accented."""
    if len(words) < 3 or _NON_ASCII_LETTER.search(text):
        return False
    hits = sum(w in vocabulary for w in words)
    return hits >= 3 and hits >= 0.2 * len(words)


class LanguageIdentifier:
    """Script rules first, lingua restricted to the served Latin-script languages after."""

    def __init__(self, languages: Sequence[str] | None = None) -> None:
        codes = [lang.strip().lower().replace("_", "-").split("-")[0] for lang in (languages or ()) if lang]
        chosen = [lang for lang in codes if lang in SERVED] or list(SERVED)
        self.unsupported = tuple(sorted(set(codes) - set(SERVED)))
        self.languages = tuple(dict.fromkeys(chosen))
        self._latin = [lang for lang in self.languages if lang not in {s for s, _ in _SCRIPTS}]
        self._lock = threading.Lock()
        self._detectors: tuple[Any, Any] | None = None
        self._preloader: threading.Thread | None = None

    def preload(self) -> None:
        """Start loading the language models in a thread, so that loading overlaps the encoder's."""
        if self._detectors is None and self._preloader is None:
            self._preloader = threading.Thread(target=self._build, name="langid-preload", daemon=True)
            self._preloader.start()

    def _build(self) -> tuple[Any, Any]:
        with self._lock:
            if self._detectors is None:
                self._detectors = _detectors(tuple(self._latin))
            return self._detectors

    def _by_script(self, text: str) -> str | None:
        for lang, pattern in _SCRIPTS:
            if lang in self.languages and pattern.search(text):
                if lang == "zh" and "ja" in self.languages and _SCRIPTS[2][1].search(text):
                    return "ja"
                return lang
        return None

    def _hinglish(self, words: list[str]) -> bool:
        """Romanised Hindi by its function words (two different ones: "ho ho ho" is not Hindi), decided whatever
        lingua would say."""
        if "hi" not in self.languages or not words:
            return False
        hits = [w for w in words if w in _HINGLISH]
        return len(set(hits)) >= 2 and len(hits) / len(words) >= 0.2

    def _plain_english(self, text: str, words: list[str]) -> bool:
        """Unaccented text of English function words (3 or more, a fifth of the words): lingua says `en` for
        nearly all of them (4 of 6,684 shared-data posts differ), so it need not run."""
        return "en" in self.languages and _function_words(text, words, _ENGLISH)

    def _malay_indonesian(self, text: str, words: list[str]) -> str | None:
        """`id` or `ms` for unaccented text of their shared function words (lingua need not run: on the shared
        data it agrees on all but 3 of 7,439 such posts, where it said `en` for Indonesian)."""
        family = [lang for lang in ("id", "ms") if lang in self.languages]
        if not family or not _function_words(text, words, _MALAY_INDONESIAN):
            return None
        return self._refine(family[0], text)

    def _refine(self, lang: str, text: str) -> str:
        words = _WORD.findall(text.lower())
        if self._hinglish(words):
            return "hi"
        if lang in {"id", "ms"} and {"id", "ms"} <= set(self.languages):
            ms = sum(w in _MALAY_ONLY for w in words)
            ind = sum(w in _INDONESIAN_ONLY for w in words)
            return "ms" if ms > ind else "id"
        return lang

    def identify(self, texts: Sequence[str]) -> list[str]:
        """One served language code per text ('und' when nothing readable is left)."""
        out: list[str] = [UNDETERMINED] * len(texts)
        pending: list[tuple[int, str]] = []
        for i, raw in enumerate(texts):
            text = _NOISE.sub(" ", raw)[:MAX_CHARS]
            script = self._by_script(text)
            if script is not None:
                out[i] = script
            elif _LATIN.search(text):
                words = _WORD.findall(text.lower())
                if self._hinglish(words):
                    out[i] = "hi"  # what `_refine` returns whatever lingua says: lingua need not run
                elif self._plain_english(text, words):
                    out[i] = "en"
                elif family := self._malay_indonesian(text, words):
                    out[i] = family
                else:
                    pending.append((i, text))
        if pending:
            distinct = list(dict.fromkeys(t for _, t in pending))  # reposts and copies: read once
            by_text = dict(zip(distinct, self._lingua(distinct), strict=True))
            for i, text in pending:
                out[i] = self._refine(by_text[text], text)
        return out

    def _lingua(self, texts: list[str]) -> list[str]:
        """lingua's language for each text: the quick models' when they are sure, else the precise models'."""
        precise, quick = self._build()
        fallback = (self._latin or [UNDETERMINED])[0]  # what a post lingua cannot place reads as
        if precise is None or quick is None:
            return [fallback] * len(texts)
        found: list[Any] = []
        unsure: list[int] = []
        for i, values in enumerate(quick.compute_language_confidence_values_in_parallel(texts)):
            sure = bool(values) and values[0].value >= SURE
            found.append(values[0].language if sure else None)
            if not sure:
                unsure.append(i)
        if unsure:
            second = precise.detect_languages_in_parallel_of([texts[i] for i in unsure])
            for i, lang in zip(unsure, second, strict=True):
                found[i] = lang
        return [_lingua_code(lang) if lang is not None else fallback for lang in found]
