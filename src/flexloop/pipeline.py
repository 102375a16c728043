"""The embedded runner: one batch through analyze → detect → decide → act → measure, in one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine

from flexloop.act.flow import draft_replies, execute_approved, stop_crisis_clocks, tick_clocks, void_clocks
from flexloop.analyze.flow import analyze_pending
from flexloop.analyze.text import TextReader
from flexloop.connectors.fakes import FakeOrderSystem, FakePlatform
from flexloop.connectors.protocols import OrderSystem, Platform
from flexloop.decide.advisory_flow import issue_advisories
from flexloop.decide.flow import decide
from flexloop.detect.flow import detect
from flexloop.detect.spike_flow import detect_spikes
from flexloop.detect.warning_flow import evaluate_warnings
from flexloop.domain.records import Event
from flexloop.measure.flow import record_conversions


@dataclass
class Runtime:
    """What a running pipeline holds: the reader, the brand's words and the outside world."""

    reader: TextReader
    aliases: Mapping[str, str]
    partners: Sequence[str] = ()
    oms: OrderSystem = field(default_factory=FakeOrderSystem)
    platform: Platform = field(default_factory=FakePlatform)
    dry_run: bool = False
    countries: Sequence[str] = ()
    days_ahead: int = 14


def run_batch(engine: Engine, rt: Runtime, now: datetime) -> list[Event]:
    """Analyse what arrived, update incidents, propose plans, draft replies; commits once."""
    with engine.begin() as conn:
        fresh, relabelled = analyze_pending(conn, rt.reader, rt.aliases, now)
        events = detect(conn, fresh, relabelled, now)
        events += detect_spikes(conn, fresh, relabelled, now)
        events += evaluate_warnings(conn, now)
        events += issue_advisories(conn, rt.countries, now, rt.days_ahead)
        planned = decide(conn, events, now)
        events += planned + stop_crisis_clocks(conn, planned)
        events += draft_replies(conn, fresh, rt.partners) + void_clocks(conn, relabelled)
        events += record_conversions(conn, fresh)
    return events


def run_executors(engine: Engine, rt: Runtime, now: datetime) -> list[Event]:
    """After the decisions committed: execute what was approved, then tick the SLA clocks."""
    with engine.begin() as conn:
        events = execute_approved(conn, rt.oms, rt.platform, now, rt.dry_run)
        events += tick_clocks(conn, now)
    return events
