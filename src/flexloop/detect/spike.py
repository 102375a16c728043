"""Streaming spike detector: seasonal and level baselines, robust residual z-scores, a count-noise floor.

Each point is compared with several baselines (rolling median level, median of the same time on the
previous days, same time in the previous weeks); the baseline that has predicted best lately gives the
expected value, and the residual becomes a robust z-score against that baseline's own residual spread
(median/MAD). Count series get a Poisson floor on the spread (sqrt of the expected count), so a few
mentions never look like a spike. The score is relative: a point alerts when one of its surprises beats
the record for that kind of surprise and is at least `min_z` deviations out, or when (that far out) it
leaves the remembered value range or lands in a gap of it, with no remembered value within `rare` of the
range: a level not seen lately, even if smaller than earlier bursts. Three surprises are watched: the
point itself, the mean z over the last `recent` points (level shifts) and the mean |z| over them
(variance changes). A record is the largest surprise of the last `memory` points (a window that grows
to `memory_share` of the points seen), held up by a peak that halves every `half_life` points, so
recurring bursts of one size do not alert each time the window forgets the last one. After an alert
the detector stays quiet for `refractory` points, so one incident yields one alert. Alerts are
two-sided: readings carry observed and expected, so a caller that only wants rises compares them.
"""

from __future__ import annotations

import math
import tomllib
from bisect import bisect_left
from collections import deque
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import numpy as np

DAY = 86400.0
WEEK = 7 * DAY
MODELS = ("level", "daily", "weekly")


@dataclass(frozen=True)
class SpikeParams:
    """The detector's shipped parameters; the same set serves the pipeline and the NAB benchmark."""

    threshold: float = 1.001  # fire when a point beats the largest surprise in memory by this factor
    min_z: float = 4.0  # ... and is at least this many robust deviations from the expected value
    history: int = 1000  # points of residuals behind each baseline's spread
    level_window: int = 500  # points behind the level baseline (a rolling median)
    memory: int = 1000  # points over which earlier surprises are remembered
    recent: int = 12  # points averaged to catch level shifts
    min_history: int = 48  # residuals a baseline needs before it is trusted
    refractory: int = 100  # points of silence after an alert
    season_days: int = 7  # days behind the same-time-yesterday baseline (median)
    fit_window: int = 500  # points over which the baselines compete on absolute error
    refresh: int = 8  # points between recomputations of the medians
    novel: float = 0.01  # a value beyond the remembered range by this share of it is an alert
    rel_floor: float = 0.01  # smallest spread, relative to the expected value
    abs_floor: float = 1e-6  # smallest spread, absolute
    min_var: float = 6.0  # mean |z| over `recent` points that a variance change must reach, at least
    half_life: float = 2000.0  # points over which a remembered record surprise halves (0: no hold)
    memory_share: float = 0.15  # the record window grows to this share of the points seen
    rare: float = 0.1  # no value of the last `memory` within this share of their range (with min_z): alert


@dataclass(frozen=True)
class SpikeReading:
    """One point as the detector saw it: what it expected, how surprising the observation was."""

    at: datetime
    observed: float
    expected: float
    score: float
    fired: bool


def load_params() -> SpikeParams:
    """The parameters shipped in flexloop/data/detector.toml."""
    text = resources.files("flexloop").joinpath("data", "detector.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text).get("spike", {})
    known = {f.name: f.type for f in fields(SpikeParams)}
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key not in known:
            raise ValueError(f"detector.toml: unknown spike parameter {key!r}")
        values[key] = float(raw) if isinstance(getattr(SpikeParams, key), float) else int(raw)
    return SpikeParams(**values)


def _epoch(at: datetime) -> float:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.timestamp()


class _SlidingMax:
    """Maximum of the last n values in O(1) amortised time (monotonic queue)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.i = 0
        self.q: deque[tuple[int, float]] = deque()

    def push(self, v: float) -> None:
        while self.q and self.q[-1][1] <= v:
            self.q.pop()
        self.q.append((self.i, v))
        self.i += 1
        while self.q[0][0] <= self.i - 1 - self.n:
            self.q.popleft()

    def max(self) -> float:
        return self.q[0][1] if self.q else 0.0

    def dump(self) -> list[Any]:
        return [self.i, [[i, v] for i, v in self.q]]

    def load(self, raw: list[Any]) -> None:
        self.i = int(raw[0])
        self.q = deque((int(i), float(v)) for i, v in raw[1])


class _Record:
    """The record of one kind of surprise: a sliding maximum, held up by a slowly decaying peak."""

    def __init__(self, n: int, half_life: float) -> None:
        self.window = _SlidingMax(n)
        self.peak = 0.0
        self.decay = 2.0 ** (-1.0 / half_life) if half_life > 0 else 0.0

    def bar(self) -> float:
        return max(self.window.max(), self.peak)

    def push(self, v: float, n: int) -> None:
        self.window.n = n
        self.window.push(v)
        self.peak = max(self.peak * self.decay, v)

    def dump(self) -> list[Any]:
        return [*self.window.dump(), self.peak]

    def load(self, raw: list[Any]) -> None:
        self.window.load(raw)
        self.peak = float(raw[2]) if len(raw) > 2 else 0.0


class SpikeDetector:
    """Feed it one (time, value) at a time; it answers with a SpikeReading."""

    def __init__(self, params: SpikeParams | None = None) -> None:
        self.params = params or load_params()
        p = self.params
        self._horizon = max(p.season_days * DAY, 2 * WEEK) + DAY
        self._times: list[float] = []
        self._values: list[float] = []
        self._resid: dict[str, deque[float]] = {m: deque(maxlen=p.history) for m in MODELS}
        self._err: dict[str, deque[float]] = {m: deque(maxlen=p.fit_window) for m in MODELS}
        self._err_sum: dict[str, float] = dict.fromkeys(MODELS, 0.0)
        self._stats: dict[str, tuple[float, float]] = {}
        self._level = 0.0
        self._zs: deque[float] = deque(maxlen=p.recent)
        self._azs: deque[float] = deque(maxlen=p.recent)
        self._point_max = _Record(p.memory, p.half_life)
        self._shift_max = _Record(p.memory, p.half_life)
        self._var_max = _Record(p.memory, 0.0)
        self._hi = _SlidingMax(p.memory)
        self._lo = _SlidingMax(p.memory)
        self._quiet = 0
        self._seen = 0
        self._counts = True

    # ----- baselines -------------------------------------------------------------------------
    def _value_near(self, t: float, step: float) -> float | None:
        """The stored value at time t, if one lies within half a sampling step."""
        i = bisect_left(self._times, t - step / 2)
        if i < len(self._times) and abs(self._times[i] - t) <= step / 2:
            return self._values[i]
        return None

    def _predictions(self, t: float) -> dict[str, float]:
        p = self.params
        n = len(self._values)
        if n == 0:
            return {}
        if self._seen % p.refresh == 0 or n < p.min_history:
            self._level = float(np.median(self._values[-p.level_window :]))
        preds = {"level": self._level}
        step = self._times[-1] - self._times[-2] if n > 1 else 0.0
        if step <= 0 or step > DAY / 4:
            return preds
        daily = [self._value_near(t - k * DAY, step) for k in range(1, p.season_days + 1)]
        got = [v for v in daily if v is not None]
        if len(got) == p.season_days:
            preds["daily"] = sorted(got)[len(got) // 2]
        weekly = [self._value_near(t - k * WEEK, step) for k in (1, 2)]
        got_w = [v for v in weekly if v is not None]
        if got_w:
            preds["weekly"] = sum(got_w) / len(got_w)
        return preds

    def _scale(self, model: str, expected: float) -> tuple[float, float]:
        """Centre and spread of a baseline's recent residuals, floored for counts and flat series."""
        p = self.params
        if model not in self._stats or self._seen % p.refresh == 0:
            arr = np.fromiter(self._resid[model], dtype=float)
            centre = float(np.median(arr))
            self._stats[model] = (centre, 1.4826 * float(np.median(np.abs(arr - centre))))
        centre, spread = self._stats[model]
        floor = max(p.abs_floor, p.rel_floor * abs(expected))
        if self._counts:
            floor = max(floor, math.sqrt(max(expected, 1.0)))
        return centre, max(spread, floor)

    # ----- streaming -------------------------------------------------------------------------
    def update(self, at: datetime, value: float) -> SpikeReading:
        """Score one new observation, then learn from it."""
        p = self.params
        t = _epoch(at)
        if self._times and t < self._times[-1]:
            t = self._times[-1]  # clock went back (e.g. a DST repeat): keep the history ordered
        x = float(value)
        if not math.isfinite(x):
            return SpikeReading(at, x, x, 0.0, False)
        if self._counts and (x < 0 or x != math.floor(x)):
            self._counts = False
        preds = self._predictions(t)
        expected, z = self._surprise(x, preds)
        self._zs.append(z)
        self._azs.append(min(abs(z), 3 * p.min_z))  # capped: one spike is not a variance change
        surprises = (abs(z), abs(sum(self._zs)) / len(self._zs), sum(self._azs) / len(self._azs))
        trusted = self._seen >= 2 * p.min_history  # warm-up surprises are inflated by thin statistics
        score = self._score(x, surprises) if trusted else 0.0
        fired = self._quiet == 0 and score >= p.threshold
        if fired:
            self._quiet = p.refractory
        elif self._quiet > 0:
            self._quiet -= 1
        n = max(p.memory, int(self._seen * p.memory_share))
        for record, surprise in zip(self._records(), surprises, strict=True):
            record.push(surprise if trusted else 0.0, n)
        self._hi.push(x)
        self._lo.push(-x)
        self._learn(t, x, preds)
        return SpikeReading(at, x, expected, score, fired)

    def _records(self) -> tuple[_Record, _Record, _Record]:
        """The records of the point, shift and variance surprises, in that order."""
        return self._point_max, self._shift_max, self._var_max

    def _surprise(self, x: float, preds: dict[str, float]) -> tuple[float, float]:
        """Expected value from the baseline that predicted best lately, and the robust z of x against it."""
        p = self.params
        ready = [m for m in preds if len(self._resid[m]) >= p.min_history]
        if not ready:
            return preds.get("level", x), 0.0
        best = min(ready, key=lambda m: self._err_sum[m] / max(len(self._err[m]), 1))
        centre, spread = self._scale(best, preds[best])
        return preds[best], (x - preds[best] - centre) / spread

    def _score(self, x: float, surprises: tuple[float, float, float]) -> float:
        """How far the point's surprises beat their records (>= threshold alerts), or leave the value range."""
        p = self.params
        point, shift, var = surprises
        score = max(point / max(self._point_max.bar(), p.min_z), shift / max(self._shift_max.bar(), p.min_z))
        if p.min_var > 0:
            score = max(score, var / max(self._var_max.bar(), p.min_var))
        if p.novel > 0 and point >= p.min_z:
            hi, lo = self._hi.max(), -self._lo.max()
            beyond = max(x - hi, lo - x) / max(hi - lo, p.abs_floor)
            score = max(score, p.threshold * beyond / p.novel)
        if p.rare > 0 and point >= p.min_z and score < p.threshold and self._is_rare(x):
            score = p.threshold
        return score

    def _is_rare(self, x: float) -> bool:
        """No value of the last `memory` points (as far as kept) lies within `rare` of their range from x."""
        p = self.params
        recent = np.asarray(self._values[-p.memory :], dtype=float)
        if recent.size == 0:
            return False
        width = p.rare * max(self._hi.max() + self._lo.max(), p.abs_floor)
        return not bool(np.any(np.abs(recent - x) <= width))

    def _learn(self, t: float, x: float, preds: dict[str, float]) -> None:
        p = self.params
        for m, pred in preds.items():
            errs = self._err[m]
            if len(errs) == errs.maxlen:
                self._err_sum[m] -= errs[0]
            errs.append(abs(x - pred))
            self._err_sum[m] += abs(x - pred)
            self._resid[m].append(x - pred)
        self._times.append(t)
        self._values.append(x)
        keep = max(p.history, p.level_window)
        if self._times[0] < t - self._horizon and len(self._times) > 2 * keep:
            cut = min(bisect_left(self._times, t - self._horizon), len(self._times) - keep)
            del self._times[:cut]
            del self._values[:cut]
        self._seen += 1

    # ----- persistence -----------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        """Everything needed to resume after a restart, as plain JSON values."""
        return {
            "version": 2,
            "times": list(self._times),
            "values": list(self._values),
            "resid": {m: list(d) for m, d in self._resid.items()},
            "err": {m: list(d) for m, d in self._err.items()},
            "zs": list(self._zs),
            "azs": list(self._azs),
            "var_max": self._var_max.dump(),
            "point_max": self._point_max.dump(),
            "shift_max": self._shift_max.dump(),
            "high": self._hi.dump(),
            "low": self._lo.dump(),
            "level": self._level,
            "stats": {m: list(v) for m, v in self._stats.items()},
            "quiet": self._quiet,
            "seen": self._seen,
            "counts": self._counts,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], params: SpikeParams | None = None) -> SpikeDetector:
        """Rebuild a detector from to_state(); the given (or shipped) parameters apply from now on."""
        det = cls(params)
        det._times = [float(v) for v in state.get("times", [])]
        det._values = [float(v) for v in state.get("values", [])]
        for m in MODELS:
            det._resid[m].extend(float(v) for v in state.get("resid", {}).get(m, []))
            det._err[m].extend(float(v) for v in state.get("err", {}).get(m, []))
            det._err_sum[m] = sum(det._err[m])
        det._zs.extend(float(v) for v in state.get("zs", []))
        det._azs.extend(float(v) for v in state.get("azs", []))
        for name, record in zip(("point_max", "shift_max", "var_max"), det._records(), strict=True):
            record.load(state.get(name, [0, []]))
        det._hi.load(state.get("high", [0, []]))
        det._lo.load(state.get("low", [0, []]))
        det._level = float(state.get("level", 0.0))
        det._stats = {m: (float(c), float(w)) for m, (c, w) in state.get("stats", {}).items()}
        det._quiet = int(state.get("quiet", 0))
        det._seen = int(state.get("seen", 0))
        det._counts = bool(state.get("counts", True))
        return det
