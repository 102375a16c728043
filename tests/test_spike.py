"""The spike detector on count series like the pipeline's: seasonal Poisson noise, a sudden jump, restarts."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import replace
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


def feed(det: SpikeDetector, counts: Sequence[float], offset: int = 0) -> list[SpikeReading]:
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


def test_low_count_burst_from_two_to_twenty_an_hour_fires() -> None:
    for seed in range(3):
        rng = np.random.default_rng(100 + seed)
        burst = 24 * 7 * 6 + 7
        counts = [int(c) for c in rng.poisson(2.0, burst)] + [int(c) for c in rng.poisson(20.0, 12)]
        readings = feed(SpikeDetector(), counts)
        assert sum(r.fired for r in readings[24 * 14 : burst]) <= 2, f"seed {seed}: fired on 0-5/hour noise"
        assert any(r.fired for r in readings[burst : burst + 2]), f"seed {seed}: missed the burst"


def test_a_level_in_a_gap_of_the_remembered_range_fires_though_not_a_record() -> None:
    rng = np.random.default_rng(3)
    values = [float(v) for v in rng.normal(10.0, 1.0, 1500)]
    for i in range(200, 1000, 37):
        values[i] = 100.0  # large spikes set the records, then 500 quiet points
    values.append(55.0)  # far out, smaller than the spikes, at a level never seen

    def last(params: SpikeParams) -> SpikeReading:
        return feed(SpikeDetector(params), values)[-1]

    shipped = load_params()
    assert last(shipped).fired
    assert not last(replace(shipped, rare=0.0)).fired


def test_state_saved_before_the_record_peaks_existed_still_loads() -> None:
    counts = poisson_counts(24 * 7 * 3, seed=5)
    det = SpikeDetector()
    feed(det, counts)
    state = json.loads(json.dumps(det.to_state()))
    for key in ("azs", "var_max"):
        del state[key]
    state["point_max"] = state["point_max"][:2]  # version 1 kept only the sliding window
    state["shift_max"] = state["shift_max"][:2]
    restored = SpikeDetector.from_state(state)
    assert not restored.update(START + timedelta(hours=len(counts)), 3.0).fired
