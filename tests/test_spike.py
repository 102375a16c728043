"""The spike detector on count series like the pipeline's: seasonal Poisson noise, a sudden jump, restarts."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import numpy as np

from flexloop.detect.spike import SpikeDetector, SpikeParams, SpikeReading, load_params

START = datetime(2024, 1, 1, tzinfo=UTC)


def seasonal_rate(hour: int, base: float = 3.0) -> float:
    """Hourly mention rate with a daily cycle and quieter weekends."""
    daily = 1.0 + 0.8 * math.sin(2 * math.pi * (hour % 24 - 6) / 24)
    weekly = 0.6 if (hour // 24) % 7 >= 5 else 1.0
    return base * daily * weekly


def poisson_counts(hours: int, seed: int, jump_at: int | None = None, factor: float = 4.0) -> list[int]:
    rng = np.random.default_rng(seed)
    out = []
    for h in range(hours):
        lam = seasonal_rate(h) * (factor if jump_at is not None and h >= jump_at else 1.0)
        out.append(int(rng.poisson(lam)))
    return out


def feed(det: SpikeDetector, counts: list[int], offset: int = 0) -> list[SpikeReading]:
    return [det.update(START + timedelta(hours=offset + i), float(c)) for i, c in enumerate(counts)]


def test_shipped_params_load() -> None:
    params = load_params()
    assert isinstance(params, SpikeParams)
    assert params.threshold > 0
    assert SpikeDetector().params == params


def test_seasonal_poisson_without_anomaly_fires_rarely() -> None:
    hours = 24 * 7 * 8
    fired = 0
    for seed in range(3):
        readings = feed(SpikeDetector(), poisson_counts(hours, seed))
        fired += sum(r.fired for r in readings[24 * 14 :])  # after two weeks of warm-up
    assert fired <= 3 * 3  # at most ~one alert per two weeks of hourly data


def test_sudden_fourfold_jump_fires_within_a_few_points() -> None:
    jump = 24 * 7 * 5 + 10
    for seed in range(3):
        readings = feed(SpikeDetector(), poisson_counts(jump + 48, seed, jump_at=jump))
        first = next(i for i in range(jump, len(readings)) if readings[i].fired)
        assert first - jump <= 4, f"seed {seed}: fired {first - jump} points after the jump"
        r = readings[first]
        assert r.observed > r.expected and r.score >= load_params().threshold


def test_state_survives_a_restart_through_json() -> None:
    counts = poisson_counts(24 * 7 * 4, seed=7, jump_at=24 * 7 * 3 + 5)
    whole = feed(SpikeDetector(), counts)
    first = SpikeDetector()
    cut = 24 * 7 * 3 + 3  # mid-way between two refreshes of the cached statistics
    part1 = feed(first, counts[:cut])
    state = json.loads(json.dumps(first.to_state()))
    part2 = feed(SpikeDetector.from_state(state), counts[cut:], offset=cut)
    assert [(r.fired, round(r.score, 9), r.expected) for r in part1 + part2] == [
        (r.fired, round(r.score, 9), r.expected) for r in whole
    ]


def test_flat_and_missing_values_do_not_crash_or_fire() -> None:
    det = SpikeDetector()
    readings = feed(det, [5] * 500)
    assert not any(r.fired for r in readings)
    r = det.update(START + timedelta(hours=500), float("nan"))
    assert not r.fired
    naive = det.update(datetime(2024, 1, 22, 21), 5.0)  # naive timestamps are read as UTC
    assert not naive.fired
