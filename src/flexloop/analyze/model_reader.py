"""The shipped text reader: language id, then linear heads over one shared featurisation of each post."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from flexloop.analyze.features import F32, embed, encoder, hashed_ngrams
from flexloop.analyze.langid import LanguageIdentifier
from flexloop.analyze.safety import is_safety_risk
from flexloop.analyze.text import TextLabels
from flexloop.analyze.training import Head, load_head
from flexloop.domain.vocab import Intent, IssueType, Sentiment

HEADS = ("sentiment", "complaint", "issue", "intent")
# Issue types that are problems a customer complains about.
PROBLEM_ISSUES = frozenset(IssueType) - {IssueType.PRODUCT_QUESTION, IssueType.PRAISE, IssueType.OTHER}
BATCH = 512
WARM_UP = ("Where is my order?", "¿Dónde está mi pedido?", "Onde está meu pedido?", "Où est ma commande ?",
           "Wo ist meine Bestellung?", "Dov'è il mio ordine?", "Pesanan saya di mana?", "Barang saya tak sampai",
           "Đơn hàng của tôi đâu?", "Siparişim nerede?", "mera order kahan hai")  # fmt: skip


def shipped_model_dir(task: str) -> Path:
    """Where the package keeps the default model of a task."""
    return Path(str(resources.files("flexloop") / "data" / "models" / task))


def _complaint_ensemble(proba: Mapping[str, F32], labels: Mapping[str, tuple[str, ...]]) -> F32:
    """Complaint probability: the complaint head, or a negative post about a problem issue (soft OR)."""
    issue = [labels["issue"].index(i.value) for i in PROBLEM_ISSUES if i.value in labels["issue"]]
    p_problem = proba["issue"][:, issue].sum(axis=1)
    p_negative = proba["sentiment"][:, labels["sentiment"].index("negative")]
    col = labels["complaint"].index("complaint")
    p = np.maximum(proba["complaint"][:, col], p_problem * p_negative)
    out = np.zeros_like(proba["complaint"])
    out[:, col] = p
    out[:, 1 - col] = 1.0 - p
    return out


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
        encoder()

    def replace_head(self, task: str, head: Head) -> None:
        """Use another trained head for one task (evaluation of a candidate model)."""
        self.heads[task] = head

    def warm_up(self) -> None:
        """Load every lazily loaded model now (language models, encoder), so timings exclude loading."""
        self.analyse(WARM_UP)

    def analyse(self, texts: Sequence[str]) -> Reading:
        """Run language id, every head and the safety flag over a batch."""
        langs = self.langid.identify(texts)
        parts: dict[str, list[F32]] = {t: [] for t in self.heads}
        for start in range(0, len(texts), BATCH):
            chunk = texts[start : start + BATCH]
            emb = embed(chunk)
            grams = hashed_ngrams(chunk)
            for task, head in self.heads.items():
                parts[task].append(head.proba(emb, grams))
        proba = {
            t: np.vstack(p) if p else np.zeros((0, len(self.heads[t].labels)), np.float32) for t, p in parts.items()
        }
        labels = {t: h.labels for t, h in self.heads.items()}
        if {"complaint", "issue", "sentiment"} <= set(proba):
            proba["complaint"] = _complaint_ensemble(proba, labels)
        safety = [is_safety_risk(t, lang) for t, lang in zip(texts, langs, strict=True)]
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
            issue_type = IssueType.SAFETY_RISK if r.safety[i] else IssueType(issue[i])
            out.append(
                TextLabels(
                    lang=r.langs[i],
                    sentiment=Sentiment(sentiment[i]),
                    sentiment_confidence=round(s_conf[i], 4),
                    complaint=complaint[i] == "complaint" or r.safety[i],
                    complaint_confidence=round(c_conf[i], 4),
                    issue_type=issue_type,
                    intent=Intent(intent[i]),
                    safety_risk=r.safety[i],
                )
            )
        return out
