"""Early warning, the I/O side: read signals, evaluate the rules at most once per interval, log warning_fired."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from flexloop.detect.warning import (
    LaneDelay,
    LaneTemperature,
    TopicMention,
    WarningRules,
    due,
    evaluate,
    indicators,
    learned_normals,
    shipped_rules,
)
from flexloop.domain.records import Event
from flexloop.domain.vocab import EventType
from flexloop.store import signals_repo, state_repo
from flexloop.store.events import append_events

STATE_KEY = "early_warning"
TEMPERATURE = {"temperature_c", "temperature_anomaly_c"}
LANE_INDICATORS = {"delay_rate_pct"} | TEMPERATURE


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _last_fired(fired: dict[str, str], rule: str) -> dict[tuple[str, str], datetime]:
    """When each (country, product) last fired RULE, from the state's `rule|country|product` keys."""
    out: dict[tuple[str, str], datetime] = {}
    for key, at in fired.items():
        r, country, product = key.split("|", 2)
        if r == rule:
            out[(country, product)] = datetime.fromisoformat(at)
    return out


def _event(rule: str, country: str, product: str, values: dict[str, float | None], now: datetime) -> Event:
    digest = hashlib.sha1(f"{rule}|{country}|{product}".encode()).hexdigest()[:8]
    subject = f"warn-{country}-{digest}"  # short: plan ids embed it and must fit 64 characters
    payload: dict[str, Any] = {
        "warning": {"rule": rule, "country": country, "product": product, "indicators": values},
        "incident": {"product": product, "countries": [country], "issue_type": "quality_defect", "tier": "none"},
    }
    return Event(EventType.WARNING_FIRED, now, f"tr-{subject}-{now:%Y%m%dT%H%M%S}", subject=subject,
                 payload=payload)


def evaluate_warnings(conn: Connection, now: datetime, rules: WarningRules | None = None) -> list[Event]:
    """Fire the rules that hold now (each (rule, country, product) once per cooldown); returns the events."""
    rules = rules or shipped_rules()
    s = rules.settings
    st = state_repo.read_state(conn, STATE_KEY) or {}
    if not rules.rules or not due(_when(st.get("evaluated_at")), now, s):
        return []
    st["evaluated_at"] = now.isoformat()
    week = timedelta(days=s.week_days)
    fired: dict[str, str] = dict(st.get("fired", {}))
    out: list[Event] = []
    lanes = _Lanes(conn, rules, st, now)
    for rule in rules.rules:
        words = rules.topics[rule.topic].words()
        mentions = [TopicMention(*row) for row in signals_repo.topic_mentions(conn, now - 2 * week, now, words)]
        if not mentions:
            continue
        last = _last_fired(fired, rule.id)
        talk = rule.model_copy(update={"all": [c for c in rule.all if c.indicator not in LANE_INDICATORS]})
        if not evaluate(talk, indicators(mentions, words, [], [], {}, now, week), last, now):
            continue  # the talk alone qualifies nowhere out of cooldown: no need to read the lanes
        used = {c.indicator for c in rule.all}
        delays = lanes.delays() if "delay_rate_pct" in used else []
        temps, normals = lanes.temperatures() if used & TEMPERATURE else ([], {})
        per_key = indicators(mentions, words, delays, temps, normals, now, week, s.min_temperature_readings)
        for f in evaluate(rule, per_key, last, now):
            fired[f"{f.rule}|{f.country}|{f.product}"] = now.isoformat()
            out.append(_event(f.rule, f.country, f.product, f.indicators, now))
    st["fired"] = fired
    state_repo.write_state(conn, STATE_KEY, st, now)
    append_events(conn, out)
    return out


class _Lanes:
    """Lane signals of one evaluation, read only when a rule needs them, at most once."""

    def __init__(self, conn: Connection, rules: WarningRules, st: dict[str, Any], now: datetime) -> None:
        self.conn, self.rules, self.st, self.now = conn, rules, st, now
        self._delays: list[LaneDelay] | None = None
        self._temps: tuple[list[LaneTemperature], dict[str, float]] | None = None

    def delays(self) -> list[LaneDelay]:
        if self._delays is None:
            s = self.rules.settings
            self._delays = [LaneDelay(*row) for row in signals_repo.lane_delays(
                self.conn, self.now, timedelta(hours=s.delay_lookback_hours), timedelta(hours=s.stuck_hours))]
        return self._delays

    def temperatures(self) -> tuple[list[LaneTemperature], dict[str, float]]:
        """Recent transit temperatures and the normals (the file's, else learned and kept in the state)."""
        if self._temps is None:
            s, conn, now = self.rules.settings, self.conn, self.now
            temps = [LaneTemperature(*row) for row in signals_repo.lane_temperatures(
                conn, now - timedelta(hours=s.temperature_hours), now)]
            normals = {**self.rules.normals_c, **self.st.get("normals", {})}
            if any(t.lane not in normals for t in temps):
                first = [LaneTemperature(*row) for row in signals_repo.first_temperatures(conn, s.learn_days, now)]
                normals = learned_normals(first, normals, s.min_learn_readings)
                self.st["normals"] = {k: v for k, v in normals.items() if k not in self.rules.normals_c}
            self._temps = (temps, normals)
        return self._temps
