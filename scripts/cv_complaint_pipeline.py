"""CESAMARD K-fold through the whole reader: the complaint flag as the pipeline sets it, not the complaint head alone.

Per fold, the complaint head (with the rows' languages, as `flexloop train` does) and the issue head (whose weak
labels include CESAMARD rows) are retrained without the held-out rows; the sentiment head is the shipped one (it
never saw CESAMARD). Prints macro-F1 of the head alone and of the reader's flag, with and without the praise rule.

Usage: python scripts/cv_complaint_pipeline.py [SHARED_DATA_DIR] (default ../shared/data; set FLEXLOOP_EMBED_CACHE to
reuse embeddings).
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

import flexloop.analyze.model_reader as reader
from flexloop.analyze.evaluation import macro_f1
from flexloop.analyze.features import embed_cached, hashed_ngrams
from flexloop.analyze.training import fit, stratified_folds
from flexloop.analyze.weak_labels import prepare

TEAM = Path(reader.__file__).parent.parent / "data" / "training" / "issues_team.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def main(shared: Path, k: int = 5) -> None:
    cache = os.environ.get("FLEXLOOP_EMBED_CACHE")
    ces = _rows(shared / "complaints" / "cesamard_en.train.csv")
    texts, labels, langs = [r["text"] for r in ces], [r["label"] for r in ces], [r["lang"] for r in ces]
    with tempfile.TemporaryDirectory() as tmp:
        issue = [(r["text"], r["label"], "weak") for r in _rows(prepare(shared, Path(tmp))["issue"])]
    issue += [(r["text"], r["label"], "team") for r in _rows(TEAM)]
    emb, grams = embed_cached(texts, cache), hashed_ngrams(texts)
    i_texts = [t for t, _, _ in issue]
    i_emb, i_grams = embed_cached(i_texts, cache), hashed_ngrams(i_texts)
    rules = {"reader": reader._praise_is_not_a_complaint, "reader without the praise rule": lambda proba, labels: None}
    pred: dict[str, list[str]] = {name: [""] * len(texts) for name in ("complaint head", *rules)}
    models = reader.ModelReader()
    for held in stratified_folds(labels, k):
        held_texts = [texts[j] for j in held]
        train = np.setdiff1d(np.arange(len(texts)), held)
        head = fit("complaint", emb[train], [texts[j] for j in train], [labels[j] for j in train],
                   grams=grams[train], groups=[0] * len(train), langs=[langs[j] for j in train])  # fmt: skip
        held_set = set(held_texts)
        keep = np.array([i for i, t in enumerate(i_texts) if t not in held_set])
        models.replace_head("complaint", head)
        models.replace_head("issue", fit("issue", i_emb[keep], [i_texts[i] for i in keep], [issue[i][1] for i in keep],
                                         grams=i_grams[keep], groups=[issue[i][2] for i in keep]))  # fmt: skip
        identified = models.langid.identify(held_texts)
        p = head.proba(emb[held], grams[held], identified, held_texts)
        for row, j in enumerate(held):
            pred["complaint head"][j] = head.labels[int(p[row].argmax())]
        for name, rule in rules.items():
            reader._praise_is_not_a_complaint = rule
            r = models.analyse(held_texts)
            for row, j in enumerate(held):
                pred[name][j] = r.labels["complaint"][int(r.proba["complaint"][row].argmax())]
        reader._praise_is_not_a_complaint = rules["reader"]
    for name, guess in pred.items():
        print(f"{name}: macro-F1 {macro_f1(labels, guess):.2f} on {len(texts)} rows, {k}-fold")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
