"""NAB v1.1 scoring, pure: windows, cost profiles, per-file raw scores and corpus normalisation."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

PROBATION_PERCENT = 0.15
PROBATION_CAP = 750  # NAB: probationPercent * 5000


@dataclass(frozen=True)
class CostProfile:
    """One NAB application profile: the weight of a true positive, a false positive and a miss."""

    name: str
    tp: float
    fp: float
    fn: float


PROFILES: tuple[CostProfile, ...] = (
    CostProfile("standard", tp=1.0, fp=0.11, fn=1.0),
    CostProfile("reward_low_FP_rate", tp=1.0, fp=0.22, fn=1.0),
    CostProfile("reward_low_FN_rate", tp=1.0, fp=0.11, fn=2.0),
)
PROFILE_NAMES: tuple[str, ...] = tuple(p.name for p in PROFILES)


@dataclass(frozen=True)
class FileScore:
    """A file's raw NAB score under one profile, with window-level hits/misses and counted false positives."""

    score: float
    tp: int
    fp: int
    fn: int


def probation_length(n_rows: int) -> int:
    """Rows at the start of a series that NAB never scores: min(15% of the rows, 750)."""
    return int(min(math.floor(PROBATION_PERCENT * n_rows), PROBATION_CAP))


def scaled_sigmoid(position: float) -> float:
    """NAB's scaledSigmoid: 2/(1+exp(5y)) - 1, and -1 far (> 3 widths) past a window."""
    if position > 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


def window_indices(
    timestamps: Sequence[datetime], windows: Iterable[tuple[datetime, datetime]]
) -> list[tuple[int, int]]:
    """Map [start, end] timestamp windows to inclusive row ranges, as NAB does (first matching row).

    Real NAB files repeat timestamps around clock changes, so rows are matched by equality first and
    by position in time only when a window edge is not a row; windows with no rows are dropped.
    """
    out: list[tuple[int, int]] = []
    for start, end in sorted(windows):
        lo = next((i for i, t in enumerate(timestamps) if t == start), None)
        if lo is None:
            lo = next((i for i, t in enumerate(timestamps) if t >= start), len(timestamps))
        hi = next((i for i, t in enumerate(timestamps) if t == end), None)
        if hi is None:
            hi = max((i for i, t in enumerate(timestamps) if t <= end), default=-1)
        if out and lo <= out[-1][1]:
            lo = out[-1][1] + 1
        if lo <= hi:
            out.append((lo, hi))
    return out


def row_weights(n_rows: int, windows: Sequence[tuple[int, int]], profile: CostProfile) -> list[float]:
    """The score one detection would earn on each row (NAB's sweep score), before the window maximum."""
    max_tp = scaled_sigmoid(-1.0)
    weights = [0.0] * n_rows
    prev: tuple[int, int] | None = None
    wi = 0
    i = 0
    while i < n_rows:
        if wi < len(windows) and i == windows[wi][0]:
            lo, hi = windows[wi]
            width = hi - lo + 1
            for j in range(lo, hi + 1):
                weights[j] = scaled_sigmoid(-(hi - j + 1) / width) * profile.tp / max_tp
            prev = (lo, hi)
            wi += 1
            i = hi + 1
            continue
        if prev is None:
            weights[i] = -profile.fp
        else:
            width = prev[1] - prev[0] + 1
            past = abs(prev[1] - i) / float(width - 1) if width > 1 else math.inf
            weights[i] = scaled_sigmoid(past) * profile.fp
        i += 1
    return weights


def score_file(detections: Sequence[bool], windows: Sequence[tuple[int, int]], profile: CostProfile) -> FileScore:
    """Raw NAB score of one file: best (earliest) detection per window, -fn per missed window, FP costs.

    Rows in the probationary period are never scored: a detection there counts for nothing, and a window
    lying wholly inside it is neither a hit nor a miss (as in NAB's sweeper).
    """
    n = len(detections)
    probation = probation_length(n)
    weights = row_weights(n, windows, profile)
    window_of = [-1] * n
    for k, (lo, hi) in enumerate(windows):
        for j in range(lo, hi + 1):
            window_of[j] = k
    scorable = {window_of[j] for j in range(probation, n) if window_of[j] >= 0}
    best: dict[int, float] = {k: -profile.fn for k in scorable}
    hit: set[int] = set()
    fp_total = 0.0
    fp_count = 0
    for i in range(probation, n):
        if not detections[i]:
            continue
        k = window_of[i]
        if k >= 0:
            best[k] = max(best[k], weights[i])
            hit.add(k)
        else:
            fp_total += weights[i]
            fp_count += 1
    score = sum(best.values()) + fp_total
    return FileScore(score=score, tp=len(hit), fp=fp_count, fn=len(scorable) - len(hit))


def null_score(windows: Sequence[tuple[int, int]], n_rows: int, profile: CostProfile) -> float:
    """The raw score of a detector that never fires: -fn weight per scorable window."""
    return score_file([False] * n_rows, windows, profile).score


def normalise(total: float, null_total: float, n_windows: int, profile: CostProfile) -> float:
    """NAB's corpus score 100*(S - S_null)/(S_perfect - S_null), S_perfect = windows * TP weight."""
    perfect = n_windows * profile.tp
    if perfect == null_total:
        return 0.0
    return 100.0 * (total - null_total) / (perfect - null_total)
