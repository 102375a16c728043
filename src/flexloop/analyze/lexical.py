"""In-language lexical heads: TF-IDF n-gram logistic regressions for languages with plenty of training rows.

The shared sentence encoder blurs the words that carry a verdict in one language (Indonesian slang, Thai
particles). A language with thousands of labelled rows gets its own n-gram model; its log-probabilities are
added to the joint head's for the posts identified as that language. Word 1-2-grams for languages written
with spaces, character 1-5-grams for those written without (Thai, Chinese, Japanese).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from flexloop.analyze.features import F32, murmur3_32, normalise

LEX_BITS = 20
LEX_DIM = 1 << LEX_BITS
MAX_COLUMNS = 150_000  # most frequent n-grams kept per language: a small model file, no loss on dev
UNSPACED = frozenset({"th", "zh", "ja"})  # scripts without spaces between words: character n-grams
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
I32 = npt.NDArray[np.int32]


def analyzer_for(lang: str) -> str:
    """`char` for languages written without spaces, else `word`."""
    return "char" if lang in UNSPACED else "word"


def grams(text: str, analyzer: str) -> list[str]:
    """Word 1-2-grams (tokens of two or more word characters) or character 1-5-grams of the normalised text."""
    t = normalise(text)
    if analyzer == "char":
        return [t[i : i + n] for n in range(1, 6) for i in range(len(t) - n + 1)]
    words = _TOKEN.findall(t)
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def counts(texts: Sequence[str], analyzer: str) -> sparse.csr_matrix:
    """Raw hashed n-gram counts, one row per text (columns: murmur3 % 2^20)."""
    docs = [grams(t, analyzer) for t in texts]
    flat = [g.encode("utf-8") for d in docs for g in d]
    cols = np.abs(murmur3_32(flat).astype(np.int64)) % LEX_DIM
    indptr = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum([len(d) for d in docs], out=indptr[1:])
    x = sparse.csr_matrix((np.ones(len(flat), np.float32), cols.astype(np.int32), indptr), shape=(len(docs), LEX_DIM))
    x.sum_duplicates()
    return x


def tfidf(x: sparse.csr_matrix, idf: F32) -> sparse.csr_matrix:
    """Sublinear tf times idf, rows L2-normalised (X holds counts over the kept columns)."""
    x = x.astype(np.float32)
    x.data = 1.0 + np.log(x.data)
    x = sparse.csr_matrix(x @ sparse.diags(idf))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ x)


@dataclass
class LexicalHead:
    """One language's n-gram model over its most frequent hashed columns (seen at least twice in training)."""

    lang: str
    analyzer: str
    cols: I32  # sorted hashed columns kept
    idf: F32  # idf per kept column
    weights: F32  # (classes, kept columns)
    bias: F32

    def features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """TF-IDF rows over the kept columns."""
        x = counts(texts, self.analyzer)[:, self.cols]
        return tfidf(sparse.csr_matrix(x), self.idf)

    def log_proba(self, texts: Sequence[str]) -> F32:
        """Log class probabilities (columns in the joint head's label order)."""
        z = np.asarray(self.features(texts) @ self.weights.T, dtype=np.float32) + self.bias
        z -= z.max(axis=1, keepdims=True)
        return np.asarray(z - np.log(np.exp(z).sum(axis=1, keepdims=True)), dtype=np.float32)

    def arrays(self) -> dict[str, Any]:
        """What `Head.save` stores for this head (prefixed by language)."""
        p = f"lex_{self.lang}_"
        return {p + "analyzer": np.array(self.analyzer), p + "cols": self.cols, p + "idf": self.idf.astype(np.float16),
                p + "weights": self.weights.astype(np.float16), p + "bias": self.bias}  # fmt: skip


def lexical_from(z: Any) -> dict[str, LexicalHead]:
    """The lexical heads stored in an opened weights file, by language."""
    langs = sorted(k[4:-5] for k in z.files if k.startswith("lex_") and k.endswith("_cols"))
    return {lang: _stored(z, f"lex_{lang}_", lang) for lang in langs}


def _stored(z: Any, p: str, lang: str) -> LexicalHead:
    """One lexical head from the arrays under prefix P."""
    return LexicalHead(lang, str(z[p + "analyzer"]), z[p + "cols"].astype(np.int32), z[p + "idf"].astype(np.float32),
                       z[p + "weights"].astype(np.float32), z[p + "bias"].astype(np.float32))  # fmt: skip


def fit_lexical(lang: str, texts: Sequence[str], y: npt.NDArray[np.int64], n_classes: int, c: float,
                seed: int) -> LexicalHead:  # fmt: skip
    """A class-balanced TF-IDF logistic regression on one language's rows; deterministic."""
    from sklearn.linear_model import LogisticRegression

    analyzer = analyzer_for(lang)
    x = counts(texts, analyzer)
    df = np.bincount(x.indices, minlength=LEX_DIM)
    frequent = np.argsort(-df, kind="stable")[:MAX_COLUMNS]
    cols = np.sort(frequent[df[frequent] >= 2]).astype(np.int32)
    idf = (np.log((1.0 + len(texts)) / (1.0 + df[cols])) + 1.0).astype(np.float16).astype(np.float32)
    head = LexicalHead(lang, analyzer, cols, idf, np.zeros((n_classes, len(cols)), np.float32),
                       np.zeros(n_classes, np.float32))  # fmt: skip
    clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=seed)
    clf.fit(head.features(texts), y)
    coef = np.asarray(clf.coef_, dtype=np.float32)
    bias = np.asarray(clf.intercept_, dtype=np.float32)
    if n_classes == 2:
        coef, bias = np.vstack([np.zeros_like(coef), coef]), np.array([0.0, bias[0]], dtype=np.float32)
    head.weights, head.bias = coef, bias
    return head
