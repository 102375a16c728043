"""Character n-gram hashes in bulk: one rolling polynomial over the code points of many texts at once.

Hashing a string per n-gram costs a Python object each; here every n-gram of every text is hashed with a few
numpy passes, so long posts cost microseconds. Used by the character n-grams of lexical heads (Thai) and the MinHash
shingles; the shipped Thai head's columns depend on these exact values.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
MASK64 = (1 << 64) - 1
_P = 0x100000001B3  # the rolling multiplier (FNV-1a's 64-bit prime)
_M1, _M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB  # splitmix64's finaliser


def mix64(h: U64) -> U64:
    """splitmix64's finaliser on each value: every input bit reaches every output bit."""
    z = h ^ (h >> np.uint64(30))
    z *= np.uint64(_M1)
    z ^= z >> np.uint64(27)
    z *= np.uint64(_M2)
    z ^= z >> np.uint64(31)
    return z


def ngram_hashes(texts: Sequence[str], max_n: int, min_n: int = 1) -> Iterator[tuple[int, I64, U64]]:
    """For n = MIN_N..MAX_N: (n, text index, mixed 64-bit hash) of every n-gram, texts in order, n-grams in order."""
    cps = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    doc = np.repeat(np.arange(len(texts)), np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    h = np.zeros(len(cps), dtype=np.uint64)
    for n in range(1, max_n + 1):
        m = len(cps) - n + 1
        if m <= 0:
            return
        h = h[:m] * np.uint64(_P) + cps[n - 1 :] + np.uint64(n)
        if n >= min_n:
            same = doc[:m] == doc[n - 1 :]
            yield n, doc[:m][same], mix64(h[same])


def ngram_hash(gram: str) -> int:
    """The mixed hash `ngram_hashes` gives one n-gram (the scalar reference; also for texts shorter than n)."""
    h = 0
    for n, ch in enumerate(gram, start=1):
        h = (h * _P + ord(ch) + n) & MASK64
    return int(mix64(np.array([h], dtype=np.uint64))[0])
