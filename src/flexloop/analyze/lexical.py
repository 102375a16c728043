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

from flexloop.analyze.codepoints import ngram_hashes
from flexloop.analyze.features import F32, murmur3_32, normalise

LEX_BITS = 20
LEX_DIM = 1 << LEX_BITS
MAX_COLUMNS = 150_000  # most frequent n-grams kept per language: a small model file, no loss on dev
# Close languages that language id confuses: their posts are read by the neighbour's head when they have none.
NEIGHBOURS = {"ms": "id", "id": "ms"}
UNSPACED = frozenset({"th", "zh", "ja"})  # scripts without spaces between words: character n-grams
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
I32 = npt.NDArray[np.int32]


def head_for(lang: str, heads: dict[str, LexicalHead]) -> LexicalHead | None:
    """The lexical head that reads posts in LANG: its own, else a close neighbour's, else none."""
    return heads.get(lang) or heads.get(NEIGHBOURS.get(lang, ""))


def analyzer_for(lang: str) -> str:
    """`char` for languages written without spaces, else `word`."""
    return "char" if lang in UNSPACED else "word"


def words(text: str) -> list[str]:
    """Word 1-2-grams of the normalised text (tokens of two or more word characters)."""
    tokens = _TOKEN.findall(normalise(text))
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def _word_counts(texts: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Row and hashed column (murmur3 of the UTF-8 n-gram) of every word 1-2-gram."""
    docs = [words(t) for t in texts]
    flat = [g.encode("utf-8") for d in docs for g in d]
    rows = np.repeat(np.arange(len(docs)), [len(d) for d in docs])
    return rows, np.abs(murmur3_32(flat).astype(np.int64)) % LEX_DIM


def _char_counts(texts: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Row and hashed column of every character 1-5-gram, hashed in bulk over the code points of all texts."""
    found = [(doc, (z >> np.uint64(64 - LEX_BITS)).astype(np.int64)) for _, doc, z in
             ngram_hashes([normalise(t) for t in texts], 5)]  # fmt: skip
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate([d for d, _ in found]), np.concatenate([c for _, c in found])


def counts(texts: Sequence[str], analyzer: str) -> sparse.csr_matrix:
    """Raw hashed n-gram counts (2^20 columns), one row per text: word 1-2-grams or character 1-5-grams."""
    rows, cols = _char_counts(texts) if analyzer == "char" else _word_counts(texts)
    x = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(texts), LEX_DIM))
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
        x = counts(texts, self.analyzer)
        at = np.searchsorted(self.cols, x.indices)
        kept = (at < len(self.cols)) & (self.cols[np.minimum(at, len(self.cols) - 1)] == x.indices)
        indptr = np.concatenate([[0], np.cumsum(kept)])[x.indptr]
        x = sparse.csr_matrix((x.data[kept], at[kept], indptr), shape=(len(texts), len(self.cols)))
        return tfidf(x, self.idf)

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
