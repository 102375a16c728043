"""The safety-risk flag: burns, fire, overheating, allergy, injury, choking… in every served language."""

from __future__ import annotations

import functools
import re
from importlib import resources

import yaml

from flexloop.analyze.text import without_tags

# Scripts without spaces between words: terms match anywhere in the text.
UNSPACED = frozenset({"th", "zh", "ja"})
# Terms every post is checked against, whatever its language (mixed-language posts are common).
ALWAYS = ("en",)


@functools.cache
def lexicon() -> dict[str, dict[str, list[str]]]:
    """Per-language `terms` (flag) and `unless` (phrases that cancel a match, e.g. 'this deal is fire')."""
    text = (resources.files("flexloop") / "data" / "training" / "safety_lexicon.yaml").read_text("utf-8")
    raw = yaml.safe_load(text) or {}
    return {
        str(lang): {
            "terms": [str(t) for t in body.get("terms", [])],
            "unless": [str(t) for t in body.get("unless", [])],
        }
        for lang, body in raw.items()
    }


def _pattern(lang: str, terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alts = "|".join(re.escape(t.lower()) for t in sorted(terms, key=len, reverse=True))
    if lang in UNSPACED:
        return re.compile(f"(?:{alts})")
    return re.compile(rf"(?<![\w])(?:{alts})", re.UNICODE)


@functools.cache
def _matchers(lang: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    body = lexicon().get(lang, {"terms": [], "unless": []})
    return _pattern(lang, body["terms"]), _pattern(lang, body["unless"])


def matches(text: str, lang: str) -> list[str]:
    """The safety terms found in a post (its own language's list plus the always-on ones); @handles and links are
    names, not statements, and are not read."""
    low = without_tags(text).lower().replace("\u0307", "")
    found: list[str] = []
    for code in dict.fromkeys((lang, *ALWAYS)):
        terms, unless = _matchers(code)
        if terms is None:
            continue
        cleaned = unless.sub(" ", low) if unless is not None else low
        found.extend(m.group(0) for m in terms.finditer(cleaned))
    return found


def is_safety_risk(text: str, lang: str) -> bool:
    """True when the post reports harm or a hazard from a product."""
    return bool(matches(text, lang))
