"""Pure, seeded generation of a scenario's orders and post slots (who posts is settled when it happens)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from flexloop.sim.scenario import Scenario, Stream

EMOJI = {"logistics": ["😡", "😤", "🙄", "😢", "📦", "⏳", "💔"], "product_question": ["🤔", "✨", "🙏", "💡", "👀"],
         "other": ["💖", "🙏", "✨", "😊", "🎉"], "fake": ["😡"]}
HASHTAGS = ["#stylelink", "#tiktokshop", "#help", "#glownecklace"]


@dataclass(frozen=True, slots=True)
class Slot:
    """A post that will happen: when, its truth class, language and country."""

    at: datetime
    truth: str
    lang: str
    country: str
    stream: int
    burst: int = -1


def _ramp_times(rng: np.random.Generator, n: int, start: float, end: float, ramp: float) -> np.ndarray:
    """n times on [start, end] whose rate grows linearly by a factor `ramp` (inverse CDF)."""
    u = np.sort(rng.random(n))
    if abs(ramp - 1.0) < 1e-9:
        return start + u * (end - start)
    r0, r1 = 1.0, ramp
    x = (-r0 + np.sqrt(r0 * r0 + u * (r1 * r1 - r0 * r0))) / (r1 - r0)
    return start + x * (end - start)


def _growth_times(rng: np.random.Generator, n: int, start: float, end: float, per_week: float) -> np.ndarray:
    """n times on [start, end] (days) whose rate grows by `per_week` a week, exponentially (inverse CDF)."""
    u = np.sort(rng.random(n))
    k = math.log1p(per_week) / 7.0
    if abs(k) < 1e-12:
        return start + u * (end - start)
    out: np.ndarray = start + np.log1p(u * np.expm1(k * (end - start))) / k
    return out


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = sorted(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def stream_slots(sc: Scenario, idx: int, s: Stream, rng: np.random.Generator) -> list[Slot]:
    """Slots of one stream; bursts pack posts within three minutes of a few centres."""
    if s.bursts:
        centres = np.sort(s.start_day + rng.random(s.bursts) * (s.end_day - s.start_day))
        per = [s.count // s.bursts + (1 if i < s.count % s.bursts else 0) for i in range(s.bursts)]
        days = [(c + rng.random() * 3 / 1440, b) for b, (c, k) in enumerate(zip(centres, per, strict=True))
                for _ in range(k)]
    elif s.growth_per_week is not None:
        days = [(float(d), -1) for d in _growth_times(rng, s.count, s.start_day, s.end_day, s.growth_per_week)]
    else:
        days = [(float(d), -1) for d in _ramp_times(rng, s.count, s.start_day, s.end_day, s.ramp)]
    out = []
    for day, burst in days:
        country = _pick(rng, s.countries)
        out.append(Slot(sc.at(day), s.truth, _pick(rng, s.languages[country]), country, idx, burst))
    return out


def slots(sc: Scenario, seed: int) -> list[Slot]:
    rng = np.random.default_rng(seed)
    out = [slot for i, s in enumerate(sc.streams) for slot in stream_slots(sc, i, s, rng)]
    return sorted(out, key=lambda s: s.at)


@dataclass(frozen=True, slots=True)
class NewOrder:
    id: str
    customer: str
    country: str
    created_at: datetime


def orders(sc: Scenario, seed: int) -> list[NewOrder]:
    """Order arrivals per country over the scenario (Poisson counts, uniform times)."""
    rng = np.random.default_rng(seed + 1000)
    out: list[NewOrder] = []
    for country in sorted(sc.orders.countries):
        n = int(rng.poisson(sc.orders.per_day * sc.days * sc.orders.countries[country]))
        for t in np.sort(rng.random(n)) * sc.days:
            out.append(NewOrder("", "", country, sc.at(float(t))))
    out.sort(key=lambda o: o.created_at)
    return [NewOrder(f"SL-{i:06d}", f"cust{i:06d}", o.country, o.created_at) for i, o in enumerate(out, 1)]


def noisy(text: str, rng: np.random.Generator, truth: str = "other") -> str:
    """Social noise: a typo, emoji, a hashtag, shouting or lower case — never changing the meaning."""
    if rng.random() < 0.3 and len(text) > 12:
        i = int(rng.integers(1, len(text) - 2))
        if text[i].isalpha() and text[i + 1].isalpha():
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if rng.random() < 0.5:
        pool = EMOJI.get(truth, EMOJI["other"])
        text += " " + pool[int(rng.integers(len(pool)))]
    if rng.random() < 0.3:
        text += " " + HASHTAGS[int(rng.integers(len(HASHTAGS)))]
    roll = rng.random()
    if roll < 0.1:
        text = text.upper()
    elif roll < 0.25:
        text = text.lower()
    return text


def lognormal_followers(rng: np.random.Generator, median: float) -> int:
    return int(math.exp(math.log(median) + 1.0 * rng.standard_normal()))
