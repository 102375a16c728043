"""Training recipes: one linear head per task over sentence embeddings and hashed n-grams, deterministic."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from flexloop.analyze.features import EMB_DIM, F32, HASH_DIM, hashed_ngrams
from flexloop.errors import BadInput

WEIGHTS = "weights.npz"
CARD = "MODEL.json"


@dataclass(frozen=True)
class Recipe:
    """Hyper-parameters of a head; the same recipe serves `flexloop train` and `eval --cv`."""

    c: float = 2.0
    emb_scale: float = 1.0
    balanced: bool = True
    max_iter: int = 400
    balance_files: float = 0.0  # weight rows by (file size)^-p so big files do not drown small ones


RECIPES: dict[str, Recipe] = {
    "sentiment": Recipe(c=1.0, emb_scale=3.0, balance_files=0.5),
    "complaint": Recipe(c=2.0, emb_scale=3.0, balance_files=0.5),
    "issue": Recipe(c=4.0, emb_scale=3.0, balance_files=0.5),
    "intent": Recipe(c=4.0, emb_scale=3.0, balance_files=0.5),
}


@dataclass
class Head:
    """A softmax layer over [embedding, hashed n-grams]: what a trained model file holds."""

    task: str
    labels: tuple[str, ...]
    w_emb: F32
    w_hash: F32
    bias: F32

    def logits(self, emb: F32, grams: sparse.csr_matrix) -> F32:
        """Unnormalised class scores, one row per text."""
        z = emb @ self.w_emb.T + np.asarray(grams @ self.w_hash.T) + self.bias
        return np.asarray(z, dtype=np.float32)

    def proba(self, emb: F32, grams: sparse.csr_matrix) -> F32:
        """Class probabilities, one row per text, columns in `labels` order."""
        z = self.logits(emb, grams)
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float32)

    def save(self, out: Path, card: dict[str, Any]) -> None:
        """Write float16 weights and the model card to a directory."""
        out.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            out / WEIGHTS,
            labels=np.array(self.labels),
            w_emb=self.w_emb.astype(np.float16),
            w_hash=self.w_hash.astype(np.float16),
            bias=self.bias.astype(np.float32),
        )
        (out / CARD).write_text(json.dumps({"task": self.task, **card}, indent=2, ensure_ascii=False) + "\n")


def load_head(directory: Path) -> Head:
    """Read a head written by `Head.save`; BadInput when the directory holds none."""
    path = directory / WEIGHTS
    if not path.is_file():
        raise BadInput(f"{directory}: no trained model ({WEIGHTS} missing)")
    card = json.loads((directory / CARD).read_text()) if (directory / CARD).is_file() else {}
    with np.load(path, allow_pickle=False) as z:
        w_hash = z["w_hash"].astype(np.float32)
        if w_hash.shape[1] != HASH_DIM:
            raise BadInput(f"{directory}: model built for another feature size")
        return Head(
            task=str(card.get("task", "")),
            labels=tuple(str(x) for x in z["labels"]),
            w_emb=z["w_emb"].astype(np.float32),
            w_hash=w_hash,
            bias=z["bias"].astype(np.float32),
        )


def design(emb: F32, grams: sparse.csr_matrix, scale: float) -> sparse.csr_matrix:
    """The training matrix: scaled embeddings beside the hashed n-grams."""
    return sparse.hstack([sparse.csr_matrix(emb * scale), grams], format="csr")


def fit(
    task: str, emb: F32, texts: Sequence[str], labels: Sequence[str], seed: int = 7,
    grams: sparse.csr_matrix | None = None, groups: Sequence[int] | None = None,
) -> Head:  # fmt: skip
    """Train a head with the task's recipe; the same data and seed give the same weights."""
    from sklearn.linear_model import LogisticRegression

    classes = sorted(set(labels))
    if len(classes) < 2:
        raise BadInput(f"need at least two {task} labels to train, found {classes}")
    recipe = RECIPES[task]
    g = hashed_ngrams(texts) if grams is None else grams
    x = design(emb, g, recipe.emb_scale)
    y = np.array([classes.index(lab) for lab in labels])
    clf = LogisticRegression(
        C=recipe.c, max_iter=recipe.max_iter, class_weight="balanced" if recipe.balanced else None,
        random_state=seed, tol=1e-4,
    )  # fmt: skip
    weight = None
    if recipe.balance_files and groups is not None and len(set(groups)) > 1:
        g_arr = np.asarray(groups)
        sizes = {k: int((g_arr == k).sum()) for k in set(groups)}
        raw = np.array([float(sizes[k]) ** -recipe.balance_files for k in groups])
        weight = raw * (len(groups) / raw.sum())
    clf.fit(x, y, sample_weight=weight)
    coef = np.asarray(clf.coef_, dtype=np.float32)
    bias = np.asarray(clf.intercept_, dtype=np.float32)
    if len(classes) == 2:
        coef = np.vstack([np.zeros_like(coef), coef])
        bias = np.array([0.0, bias[0]], dtype=np.float32)
    w_emb = coef[:, :EMB_DIM] * recipe.emb_scale
    return Head(task, tuple(classes), w_emb, coef[:, EMB_DIM:], bias)


def stratified_folds(labels: Sequence[str], k: int, seed: int = 7) -> list[npt.NDArray[np.int64]]:
    """Held-out index sets of a stratified K-fold split."""
    from sklearn.model_selection import StratifiedKFold

    counts = {lab: labels.count(lab) for lab in set(labels)}
    if k < 2 or min(counts.values()) < k:
        raise BadInput(f"--cv {k} needs k >= 2 and at least {k} rows of every label")
    skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return [test for _, test in skf.split(np.zeros(len(labels)), np.array(labels))]


# Licences of the files the team may train shipped models on, by file-name prefix.
LICENCES = {
    "umsab_": "Apache-2.0 (UMSAB, cardiffnlp/xlm-t)",
    "tweeteval_": "no restriction stated (cardiffnlp/tweeteval)",
    "smsa_": "Apache-2.0 (IndoNLU SmSA)",
    "wisesight_": "CC0-1.0 (PyThaiNLP wisesight-sentiment)",
    "bitext_": "CDLA-Sharing-1.0 (Bitext customer-support sample)",
    "cesamard_": "MIT (CESAMARD)",
    "issues_team_": "Apache-2.0: issues_team.csv (team-written) projected to one task by flexloop.analyze.weak_labels",
    "issues_team": "Apache-2.0 (written by the flexloop team)",
    "safety_team": "Apache-2.0 (written by the flexloop team)",
    "weak_": "weak labels by flexloop.analyze.weak_labels from bitext_en.train.csv (CDLA-Sharing-1.0) "
    "and cesamard_en.train.csv (MIT)",
}


def describe_files(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Name, size, sha256 and known licence of each training file, for the model card."""
    import hashlib

    out = []
    for p in paths:
        body = Path(p).read_bytes()
        name = Path(p).name
        licence = next((v for k, v in LICENCES.items() if name.startswith(k)), "unknown: check before shipping")
        out.append({"file": name, "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest(), "licence": licence})
    return out
