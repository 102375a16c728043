"""Training recipes: one linear head per task over sentence embeddings and hashed n-grams, deterministic."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from flexloop.analyze.features import EMB_DIM, F32, HASH_DIM, hashed_ngrams
from flexloop.analyze.lexical import LEX_DIM, MAX_COLUMNS, LexicalHead, analyzer_for, counts, head_for, lexical_from
from flexloop.analyze.polarity import polarity_features
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
    # Per-language residual heads over the embedding alone (added to the joint logits for posts whose
    # identified language has one); trained when the rows' languages are given. 0 = none.
    lang_c: float = 0.0
    lang_min_rows: int = 500
    # In-language TF-IDF n-gram heads (analyze/lexical.py) for languages with many rows; their log-probabilities,
    # times `lex_weight`, are added for posts identified as that language. 0 = none.
    lex_c: float = 0.0
    lex_min_rows: int = 5000
    lex_weight: float = 2.0
    # Polarity lexicon counts (analyze/polarity.py) as extra columns of the joint head, times this scale; trained
    # when the rows' languages are given. 0 = none.
    polarity_scale: float = 0.0


RECIPES: dict[str, Recipe] = {
    "sentiment": Recipe(c=1.0, emb_scale=3.0, balance_files=0.5, lang_c=1.0, lex_c=8.0, polarity_scale=1.0),
    "complaint": Recipe(c=2.0, emb_scale=3.0, balance_files=0.5, polarity_scale=1.0),
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
    # Optional per-language residual heads over the embedding: codes, (L, classes, EMB_DIM), (L, classes).
    lang_codes: tuple[str, ...] = ()
    w_emb_lang: F32 | None = None
    bias_lang: F32 | None = None
    # Optional in-language lexical heads, by language, and the weight of their log-probabilities.
    lexical: dict[str, LexicalHead] = field(default_factory=dict)
    lex_weight: float = 0.0
    # Optional weights of the polarity lexicon counts: (classes, len(polarity.FEATURES)).
    w_pol: F32 | None = None

    @property
    def by_language(self) -> bool:
        """Whether the post's language changes this head's scores."""
        return bool(self.lang_codes or self.lexical or self.w_pol is not None)

    def lang_residual(self, emb: F32, langs: Sequence[str], texts: Sequence[str] | None = None,
                      polarity: F32 | None = None) -> F32:  # fmt: skip
        """Logits to add for posts whose language has a residual or (given TEXTS) a lexical head, its own or a close
        neighbour's (ms reads with id), or (given TEXTS) polarity words; zeros elsewhere (POLARITY: the texts'
        `polarity_features` when the caller has them already)."""
        z = np.zeros((len(emb), len(self.labels)), dtype=np.float32)
        arr = np.asarray(langs)
        if self.lang_codes and self.w_emb_lang is not None and self.bias_lang is not None:
            for i, code in enumerate(self.lang_codes):
                rows = np.flatnonzero(arr == code)
                if rows.size:
                    z[rows] = emb[rows] @ self.w_emb_lang[i].T + self.bias_lang[i]
        if texts is None:
            return z
        if self.w_pol is not None:
            z += (polarity_features(texts, langs) if polarity is None else polarity) @ self.w_pol.T
        for code in sorted(set(arr.tolist())):
            lex = head_for(code, self.lexical)
            if lex is not None:
                picked = np.flatnonzero(arr == code).tolist()
                z[picked] += self.lex_weight * lex.log_proba([texts[r] for r in picked])
        return z

    def logits(self, emb: F32, grams: sparse.csr_matrix, langs: Sequence[str] | None = None,
               texts: Sequence[str] | None = None) -> F32:  # fmt: skip
        """Unnormalised class scores, one row per text (LANGS: each text's language, for the language heads)."""
        z = emb @ self.w_emb.T + np.asarray(grams @ self.w_hash.T) + self.bias
        if langs is not None:
            z = z + self.lang_residual(emb, langs, texts)
        return np.asarray(z, dtype=np.float32)

    def proba(self, emb: F32, grams: sparse.csr_matrix, langs: Sequence[str] | None = None,
              texts: Sequence[str] | None = None) -> F32:  # fmt: skip
        """Class probabilities, one row per text, columns in `labels` order."""
        z = self.logits(emb, grams, langs, texts)
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float32)

    def save(self, out: Path, card: dict[str, Any]) -> None:
        """Write float16 weights and the model card to a directory."""
        out.mkdir(parents=True, exist_ok=True)
        extra: dict[str, Any] = {}
        if self.lang_codes and self.w_emb_lang is not None and self.bias_lang is not None:
            extra = {
                "lang_codes": np.array(self.lang_codes),
                "w_emb_lang": self.w_emb_lang.astype(np.float16),
                "bias_lang": self.bias_lang.astype(np.float32),
            }
        if self.w_pol is not None:
            extra["w_pol"] = self.w_pol.astype(np.float32)
        if self.lexical:
            extra["lex_weight"] = np.float32(self.lex_weight)
            for lex in self.lexical.values():
                extra.update(lex.arrays())
        np.savez_compressed(
            out / WEIGHTS,
            labels=np.array(self.labels),
            w_emb=self.w_emb.astype(np.float16),
            w_hash=self.w_hash.astype(np.float16),
            bias=self.bias.astype(np.float32),
            **extra,
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
        has_lang = "lang_codes" in z.files
        return Head(
            task=str(card.get("task", "")),
            labels=tuple(str(x) for x in z["labels"]),
            w_emb=z["w_emb"].astype(np.float32),
            w_hash=w_hash,
            bias=z["bias"].astype(np.float32),
            lang_codes=tuple(str(x) for x in z["lang_codes"]) if has_lang else (),
            w_emb_lang=z["w_emb_lang"].astype(np.float32) if has_lang else None,
            bias_lang=z["bias_lang"].astype(np.float32) if has_lang else None,
            lexical=lexical_from(z),
            lex_weight=float(z["lex_weight"]) if "lex_weight" in z.files else 0.0,
            w_pol=z["w_pol"].astype(np.float32) if "w_pol" in z.files else None,
        )


def design(emb: F32, grams: sparse.csr_matrix, scale: float) -> sparse.csr_matrix:
    """The training matrix: scaled embeddings beside the hashed n-grams."""
    return sparse.hstack([sparse.csr_matrix(emb * scale), grams], format="csr")


def fit(
    task: str, emb: F32, texts: Sequence[str], labels: Sequence[str], seed: int = 7,
    grams: sparse.csr_matrix | None = None, groups: Sequence[int] | None = None,
    langs: Sequence[str] | None = None,
) -> Head:  # fmt: skip
    """Train a head with the task's recipe; the same data and seed give the same weights (LANGS: the rows'
    gold languages, which add per-language residual heads when the recipe asks for them)."""
    from sklearn.linear_model import LogisticRegression

    classes = sorted(set(labels))
    if len(classes) < 2:
        raise BadInput(f"need at least two {task} labels to train, found {classes}")
    recipe = RECIPES[task]
    g = hashed_ngrams(texts) if grams is None else grams
    x = design(emb, g, recipe.emb_scale)
    polar = None  # the scaled polarity counts, when the recipe reads them
    if recipe.polarity_scale and langs is not None:
        polar = polarity_features(texts, langs) * recipe.polarity_scale
        x = sparse.hstack([x, sparse.csr_matrix(polar)], "csr")
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
    coef, bias = _softmax_form(clf)
    w_emb = coef[:, :EMB_DIM] * recipe.emb_scale
    head = Head(task, tuple(classes), w_emb, coef[:, EMB_DIM : EMB_DIM + g.shape[1]], bias)
    if polar is not None:
        head.w_pol = coef[:, EMB_DIM + g.shape[1] :] * recipe.polarity_scale
    if recipe.lang_c and langs is not None:
        _fit_lang_heads(head, emb, y, np.asarray(langs), recipe, seed)
    if recipe.lex_c and langs is not None:
        _fit_lexical_heads(head, texts, y, np.asarray(langs), recipe, seed)
    return head


def _languages_with(langs: npt.NDArray[Any], y: npt.NDArray[np.int64], k: int, min_rows: int) -> list[str]:
    """Languages with at least MIN_ROWS rows and every one of the K classes among them."""
    out = []
    for code in sorted(set(langs.tolist()) - {"und", ""}):
        rows = np.flatnonzero(langs == code)
        if rows.size >= min_rows and len(set(y[rows].tolist())) == k:
            out.append(str(code))
    return out


def _fit_lexical_heads(head: Head, texts: Sequence[str], y: npt.NDArray[np.int64], langs: npt.NDArray[Any],
                       recipe: Recipe, seed: int) -> None:  # fmt: skip
    """One in-language TF-IDF n-gram head per language with enough rows of every class."""
    k = len(head.labels)
    for code in _languages_with(langs, y, k, recipe.lex_min_rows):
        rows = np.flatnonzero(langs == code)
        head.lexical[code] = fit_lexical(code, [texts[r] for r in rows.tolist()], y[rows], recipe.lex_c, seed)
    head.lex_weight = recipe.lex_weight if head.lexical else 0.0


def fit_lexical(lang: str, texts: Sequence[str], y: npt.NDArray[np.int64], c: float, seed: int) -> LexicalHead:
    """A class-balanced TF-IDF logistic regression on one language's rows (every class present); deterministic."""
    from sklearn.linear_model import LogisticRegression

    analyzer = analyzer_for(lang)
    df = np.bincount(counts(texts, analyzer).indices, minlength=LEX_DIM)
    frequent = np.argsort(-df, kind="stable")[:MAX_COLUMNS]
    cols = np.sort(frequent[df[frequent] >= 2]).astype(np.int32)
    idf = (np.log((1.0 + len(texts)) / (1.0 + df[cols])) + 1.0).astype(np.float16).astype(np.float32)
    head = LexicalHead(lang, analyzer, cols, idf, np.zeros((0, len(cols)), np.float32), np.zeros(0, np.float32))
    clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=seed)
    head.weights, head.bias = _softmax_form(clf.fit(head.features(texts), y))
    return head


def _softmax_form(clf: Any) -> tuple[F32, F32]:
    """A fitted logistic regression's weights and biases with one row per class (binary: a zero row first)."""
    coef = np.asarray(clf.coef_, dtype=np.float32)
    bias = np.asarray(clf.intercept_, dtype=np.float32)
    if len(clf.classes_) == 2:
        coef = np.vstack([np.zeros_like(coef), coef])
        bias = np.array([0.0, bias[0]], dtype=np.float32)
    return coef, bias


def _fit_lang_heads(head: Head, emb: F32, y: npt.NDArray[np.int64], langs: npt.NDArray[Any], recipe: Recipe,
                    seed: int) -> None:  # fmt: skip
    """One class-balanced embedding-only logistic regression per language with enough rows of every class."""
    from sklearn.linear_model import LogisticRegression

    k = len(head.labels)
    codes, ws, bs = [], [], []
    for code in _languages_with(langs, y, k, recipe.lang_min_rows):
        rows = np.flatnonzero(langs == code)
        clf = LogisticRegression(C=recipe.lang_c, max_iter=2000, class_weight="balanced", random_state=seed)
        coef, bias = _softmax_form(clf.fit(emb[rows], y[rows]))
        codes.append(str(code))
        ws.append(coef)
        bs.append(bias)
    if codes:
        head.lang_codes = tuple(codes)
        head.w_emb_lang = np.stack(ws)
        head.bias_lang = np.stack(bs)


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
    "polarity.yaml": "Apache-2.0 (written by the flexloop team)",
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
