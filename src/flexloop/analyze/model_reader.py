"""The shipped text reader: language id, then linear heads over one shared featurisation of each post."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from flexloop.analyze.features import F32, clip, embed, encoder, hashed_ngrams
from flexloop.analyze.langid import LanguageIdentifier
from flexloop.analyze.polarity import polarity_features
from flexloop.analyze.safety import is_safety_risk
from flexloop.analyze.text import TextLabels, has_words
from flexloop.analyze.training import Head, load_head
from flexloop.domain.vocab import Intent, IssueType, Sentiment

HEADS = ("sentiment", "complaint", "issue", "intent")
# Issue types that are problems a customer complains about.
PROBLEM_ISSUES = frozenset(IssueType) - {IssueType.PRODUCT_QUESTION, IssueType.PRAISE, IssueType.OTHER}
BATCH = 4096  # texts per encoder call: distinct tokens are computed once per call
WARM_UP = ("Where is my order? 😡", "¿Dónde está mi pedido?", "Onde está meu pedido?", "Où est ma commande ?",
           "Wo ist meine Bestellung?", "Dov'è il mio ordine?", "Pesanan saya di mana?", "Barang saya tak sampai",
           "Đơn hàng của tôi đâu?", "Siparişim nerede?", "mera order kahan hai")  # fmt: skip


def shipped_model_dir(task: str) -> Path:
    """Where the package keeps the default model of a task."""
    return Path(str(resources.files("flexloop") / "data" / "models" / task))


def _complaint_ensemble(proba: Mapping[str, F32], labels: Mapping[str, tuple[str, ...]]) -> F32:
    """Complaint probability: the complaint head, or a negative post about a problem issue, or a negative post whose
    intent is to complain (soft OR: "can't reset my password, this is a joke" had the complaint intent, no flag)."""
    issue = [labels["issue"].index(i.value) for i in PROBLEM_ISSUES if i.value in labels["issue"]]
    p_problem = proba["issue"][:, issue].sum(axis=1)
    p_negative = proba["sentiment"][:, labels["sentiment"].index("negative")]
    col = labels["complaint"].index("complaint")
    p = np.maximum(proba["complaint"][:, col], p_problem * p_negative)
    if "intent" in proba and Intent.COMPLAINT.value in labels["intent"]:
        p = np.maximum(p, proba["intent"][:, labels["intent"].index(Intent.COMPLAINT.value)] * p_negative)
    return _two_way(p, col)


def _two_way(p: npt.NDArray[np.floating[Any]], col: int) -> F32:
    """Two-label probabilities from P(the label in column COL)."""
    out = np.empty((len(p), 2), dtype=np.float32)
    out[:, col] = p
    out[:, 1 - col] = 1.0 - p
    return out


def _scaled(p: F32, col: int, factor: npt.NDArray[np.float64]) -> F32:
    """Probabilities with one column multiplied by a per-row factor, rows renormalised."""
    out = p.copy()
    out[:, col] *= factor
    return np.asarray(out / np.maximum(out.sum(axis=1, keepdims=True), 1e-12), dtype=np.float32)


def _praise_needs_no_negative_tone(proba: dict[str, F32], labels: Mapping[str, tuple[str, ...]]) -> None:
    """For posts that read negative, weigh the issue and intent heads' `praise` by P(tone is not negative), in place:
    such a post is not praise (a mixed post is labelled by its problem), yet "on hold for 2 hours, this is
    ridiculous" read as praise. Posts whose tone is a toss-up keep their praise."""
    if "sentiment" not in proba or not len(proba["sentiment"]):
        return
    tone = proba["sentiment"]
    neg = labels["sentiment"].index(Sentiment.NEGATIVE.value)
    kind = np.where(tone.argmax(axis=1) == neg, 1.0 - tone[:, neg], 1.0)
    for task in ("issue", "intent"):
        if task in proba and "praise" in labels[task]:
            proba[task] = _scaled(proba[task], labels[task].index("praise"), kind)


def _not_a_complaint_when(
    proba: dict[str, F32], labels: Mapping[str, tuple[str, ...]], tone: Sentiment, issue: IssueType
) -> None:
    """For posts whose tone argmax is TONE and issue argmax is ISSUE, weigh the complaint flag and the `complaint`
    intent by P(tone is not TONE), in place."""
    if not {"sentiment", "issue", "complaint"} <= set(proba) or issue.value not in labels["issue"]:
        return
    p_tone = proba["sentiment"]
    col_tone = labels["sentiment"].index(tone.value)
    picked = (p_tone.argmax(axis=1) == col_tone) & (proba["issue"].argmax(axis=1) == labels["issue"].index(issue.value))
    factor = np.where(picked, 1.0 - p_tone[:, col_tone], 1.0)
    col = labels["complaint"].index("complaint")
    proba["complaint"] = _two_way(proba["complaint"][:, col] * factor, col)
    if "intent" in proba and Intent.COMPLAINT.value in labels["intent"]:
        proba["intent"] = _scaled(proba["intent"], labels["intent"].index(Intent.COMPLAINT.value), factor)


def _praise_is_not_a_complaint(proba: dict[str, F32], labels: Mapping[str, tuple[str, ...]]) -> None:
    """A post that reads positive and as praise is a complaint only as far as its tone is not positive ("sản phẩm
    rất tốt, rất hài lòng" was a complaint). A mixed post is labelled by its problem, so it keeps its complaint."""
    _not_a_complaint_when(proba, labels, Sentiment.POSITIVE, IssueType.PRAISE)


def _a_calm_question_is_not_a_complaint(proba: dict[str, F32], labels: Mapping[str, tuple[str, ...]]) -> None:
    """A post that reads neutral and as a product question is a complaint only as far as its tone is not neutral:
    "Baterai kalung menyala tahan berapa lama?" (how long does the battery last?) was a complaint, so a brand's
    questions opened an incident."""
    _not_a_complaint_when(proba, labels, Sentiment.NEUTRAL, IssueType.PRODUCT_QUESTION)


def _issue_with_safety(p: F32, labels: tuple[str, ...], safety: Sequence[bool]) -> F32:
    """Issue probabilities that agree with the safety flag: the safety lexicon alone decides `safety_risk` (a
    hazard opens a crisis clock; the issue head has a few dozen safety rows and no measured precision)."""
    name = IssueType.SAFETY_RISK.value
    if name not in labels or not len(p):
        return p
    col, flagged = labels.index(name), np.asarray(safety, dtype=bool)
    out = p.copy()
    out[~flagged, col] = 0.0
    mass = out.sum(axis=1)
    if IssueType.OTHER.value in labels:  # nothing left (the head was sure of safety_risk): `other`
        out[~flagged & (mass <= 0), labels.index(IssueType.OTHER.value)] = 1.0
    out[~flagged] /= np.maximum(out[~flagged].sum(axis=1, keepdims=True), 1e-12)
    out[flagged] = 0.0
    out[flagged, col] = 1.0
    return out


# What a post with nothing to read (only @handles and links) is, per task: no sentiment, no problem, no intent.
NOTHING_SAID = {"sentiment": Sentiment.NEUTRAL.value, "complaint": "not_complaint", "issue": IssueType.OTHER.value,
                "intent": Intent.OTHER.value}  # fmt: skip


def _nothing_said(proba: dict[str, F32], labels: Mapping[str, tuple[str, ...]], blank: Sequence[bool]) -> None:
    """Certain neutral / other readings, in place, for the BLANK posts (heads without that label are left)."""
    rows = np.flatnonzero(np.asarray(blank, dtype=bool))
    if not rows.size:
        return
    for task, label in NOTHING_SAID.items():
        if task in proba and label in labels[task]:
            proba[task][rows] = 0.0
            proba[task][rows, labels[task].index(label)] = 1.0


@functools.cache
def _background() -> ThreadPoolExecutor:
    """One worker for language id. lingua's batch call keeps the GIL while its own threads use every core, so
    this does not overlap it with the encoder; it only keeps language id off the caller's thread."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="langid")


@functools.cache
def _shipped_head(task: str) -> Head:
    """The packaged head of a task, read once per process."""
    return load_head(shipped_model_dir(task))


@dataclass
class Reading:
    """Everything the reader concluded about a batch, with the class probabilities behind it."""

    langs: list[str]
    proba: dict[str, F32]
    labels: dict[str, tuple[str, ...]]
    safety: list[bool]

    def best(self, task: str) -> tuple[list[str], list[float]]:
        """Arg-max label and its probability per text."""
        p = self.proba[task]
        idx = p.argmax(axis=1)
        names = self.labels[task]
        return [names[i] for i in idx], [float(p[r, i]) for r, i in enumerate(idx)]


class _Stacked:
    """Every head's weights side by side, so one product per feature block scores all tasks at once."""

    def __init__(self, heads: Mapping[str, Head]) -> None:
        self.tasks = list(heads)
        sizes = [len(h.labels) for h in heads.values()]
        self.bounds = np.cumsum([0, *sizes])
        self.w_emb = np.ascontiguousarray(np.vstack([h.w_emb for h in heads.values()]).T)
        self.w_hash = np.ascontiguousarray(np.vstack([h.w_hash for h in heads.values()]).T)
        self.bias = np.concatenate([h.bias for h in heads.values()]).astype(np.float32)

    def proba(self, emb: F32, grams: Any) -> dict[str, F32]:
        """Softmax probabilities per task (the same figures as each head's `proba`)."""
        z = emb @ self.w_emb + np.asarray(grams @ self.w_hash) + self.bias
        out: dict[str, F32] = {}
        for i, task in enumerate(self.tasks):
            part = z[:, self.bounds[i] : self.bounds[i + 1]].astype(np.float32)
            part -= part.max(axis=1, keepdims=True)
            e = np.exp(part)
            out[task] = np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float32)
        return out


class ModelReader:
    """Deterministic, offline reader; models load once, from the package unless directories are given."""

    name = "model-v1"

    def __init__(self, languages: Sequence[str] | None = None, models: Mapping[str, Path] | None = None) -> None:
        self.langid = LanguageIdentifier(languages)
        self.langid.preload()
        self.heads: dict[str, Head] = {}
        for task in HEADS:
            given = (models or {}).get(task)
            self.heads[task] = load_head(Path(given)) if given else _shipped_head(task)
        self._stacked: _Stacked | None = None
        encoder()

    def replace_head(self, task: str, head: Head) -> None:
        """Use another trained head for one task (evaluation of a candidate model)."""
        self.heads[task] = head
        self._stacked = None

    def warm_up(self) -> None:
        """Load every lazily loaded model now (language models, encoder and its exact tokenizer, phone and MinHash
        tables), so timings exclude loading."""
        from datetime import UTC, datetime

        from flexloop.analyze.authenticity import burst_sizes
        from flexloop.analyze.entities import extract
        from flexloop.domain.records import Mention

        self.analyse(WARM_UP)
        _ = encoder().exact  # the fallback tokenizer, built now rather than inside a timed pass
        now = datetime(2026, 1, 1, tzinfo=UTC)
        burst_sizes([Mention("warm-up", str(i), f"a{i}", t, now, id=i) for i, t in enumerate(WARM_UP[:3])])
        for text in WARM_UP[:2]:
            extract(f"{text} #AB-1234 call +1 650 253 0000", "US")

    def analyse(self, texts: Sequence[str]) -> Reading:
        """Run language id, every head and the safety flag over a batch."""
        if self._stacked is None:
            self._stacked = _Stacked(self.heads)
        texts = list(texts)
        pending = _background().submit(self.langid.identify, texts)
        parts: dict[str, list[F32]] = {t: [] for t in self.heads}
        embs: list[F32] = []
        for start in range(0, len(texts), BATCH):
            chunk = texts[start : start + BATCH]
            clipped = [clip(t) for t in chunk]
            emb = embed(clipped, clipped=True)
            grams = hashed_ngrams(clipped, clipped=True)
            embs.append(emb)
            for task, p in self._stacked.proba(emb, grams).items():
                parts[task].append(p)
        proba = {
            t: np.vstack(p) if p else np.zeros((0, len(self.heads[t].labels)), np.float32) for t, p in parts.items()
        }
        labels = {t: h.labels for t, h in self.heads.items()}
        langs = pending.result()
        all_emb = np.vstack(embs) if embs else np.zeros((0, 0), np.float32)
        polar = any(h.w_pol is not None for h in self.heads.values())
        counts = polarity_features(texts, langs) if polar and texts else None  # once for every head reading them
        for task, head in self.heads.items():
            if head.by_language and texts:  # per-language residual and lexical heads, on the identified language
                z = np.log(np.maximum(proba[task], 1e-30)) + head.lang_residual(all_emb, langs, texts, counts)
                z -= z.max(axis=1, keepdims=True)
                e = np.exp(z)
                proba[task] = np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float32)
        safety = [is_safety_risk(t, lang) for t, lang in zip(texts, langs, strict=True)]  # never on tags alone
        _praise_needs_no_negative_tone(proba, labels)
        if "issue" in proba:
            proba["issue"] = _issue_with_safety(proba["issue"], labels["issue"], safety)
        if {"complaint", "issue", "sentiment"} <= set(proba):
            proba["complaint"] = _complaint_ensemble(proba, labels)
            _praise_is_not_a_complaint(proba, labels)
            _a_calm_question_is_not_a_complaint(proba, labels)
        _nothing_said(proba, labels, [not has_words(t) for t in texts])
        return Reading(langs, proba, labels, safety)

    def read(self, texts: Sequence[str]) -> list[TextLabels]:
        """One TextLabels per text, in order."""
        r = self.analyse(texts)
        sentiment, s_conf = r.best("sentiment")
        complaint, c_conf = r.best("complaint")
        issue, _ = r.best("issue")
        intent, _ = r.best("intent")
        out = []
        for i in range(len(texts)):
            out.append(
                TextLabels(
                    lang=r.langs[i],
                    sentiment=Sentiment(sentiment[i]),
                    sentiment_confidence=round(s_conf[i], 4),
                    complaint=complaint[i] == "complaint" or r.safety[i],
                    complaint_confidence=round(c_conf[i], 4),
                    issue_type=IssueType(issue[i]),  # safety_risk exactly when flagged (`_issue_with_safety`)
                    intent=Intent(intent[i]),
                    safety_risk=r.safety[i],
                )
            )
        return out
