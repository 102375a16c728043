"""Run the spike detector over a NAB-layout directory: read series and labels, score, write detections."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flexloop.detect import nab
from flexloop.detect.spike import SpikeDetector, SpikeParams, load_params
from flexloop.errors import BadInput


@dataclass(frozen=True)
class Series:
    """One NAB data file: its key (`<category>/<file>.csv`), timestamps and values."""

    key: str
    times: list[datetime]
    values: list[float]


@dataclass(frozen=True)
class Detections:
    """What the detector said on each row of a series."""

    scores: list[float]
    fired: list[bool]


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.strip())


def read_windows(root: Path) -> dict[str, list[tuple[datetime, datetime]]]:
    """labels/combined_windows.json as {key: [(start, end), ...]}."""
    path = root / "labels" / "combined_windows.json"
    if not path.is_file():
        raise BadInput(f"{root} is not a NAB directory: {path} is missing")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {str(key): [(_parse_time(a), _parse_time(b)) for a, b in wins] for key, wins in raw.items()}
    except (ValueError, TypeError, AttributeError) as exc:
        raise BadInput(f"{path}: not NAB windows ({{file: [[start, end], ...]}}): {exc}") from exc


def data_keys(root: Path) -> list[str]:
    """Every data/<category>/<file>.csv present, as NAB keys."""
    data = root / "data"
    if not data.is_dir():
        raise BadInput(f"{root} is not a NAB directory: {data} is missing")
    return sorted(p.relative_to(data).as_posix() for p in data.glob("*/*.csv"))


def read_series(root: Path, key: str) -> Series:
    """One data CSV with columns timestamp,value."""
    path = root / "data" / key
    times: list[datetime] = []
    values: list[float] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"timestamp", "value"} <= set(reader.fieldnames):
            raise BadInput(f"{path}: expected columns timestamp,value")
        for line, row in enumerate(reader, start=2):
            try:
                times.append(_parse_time(row["timestamp"]))
                values.append(float(row["value"]))
            except (ValueError, TypeError) as exc:
                raise BadInput(f"{path}:{line}: cannot parse row ({exc})") from exc
    if not times:
        raise BadInput(f"{path}: no rows")
    return Series(key, times, values)


def detect(series: Series, params: SpikeParams) -> Detections:
    """Stream the series through a fresh detector, point by point, as it would run live."""
    det = SpikeDetector(params)
    scores: list[float] = []
    fired: list[bool] = []
    for at, value in zip(series.times, series.values, strict=True):
        reading = det.update(at, value)
        scores.append(reading.score)
        fired.append(reading.fired)
    return Detections(scores, fired)


def write_detections(out: Path, series: Series, found: Detections, windows: Sequence[tuple[int, int]]) -> None:
    """NAB results format: timestamp,value,anomaly_score,label (label 1 where the detector fired)."""
    del windows
    path = out / series.key
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["timestamp", "value", "anomaly_score", "label"])
        for at, value, hit in zip(series.times, series.values, found.fired, strict=True):
            writer.writerow([at.strftime("%Y-%m-%d %H:%M:%S"), repr(value), 1.0 if hit else 0.0, int(hit)])


def published_scores(
    root: Path, keys: Sequence[str], nulls: dict[str, float], windows: int
) -> dict[str, dict[str, float]]:
    """Each published detector's normalised scores recomputed on the given files from results/."""
    results = root / "results"
    out: dict[str, dict[str, float]] = {}
    if not results.is_dir():
        return out
    wanted = set(keys)
    for folder in sorted(p for p in results.iterdir() if p.is_dir()):
        per_profile: dict[str, float] = {}
        for profile in nab.PROFILES:
            path = folder / f"{folder.name}_{profile.name}_scores.csv"
            if not path.is_file():
                break
            raw: dict[str, float] = {}
            with path.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    if row.get("File") in wanted:
                        raw[row["File"]] = float(row["Score"])
            if set(raw) != wanted:
                break
            total = sum(raw.values())
            per_profile[profile.name] = nab.normalise(total, nulls[profile.name], windows, profile)
        if len(per_profile) == len(nab.PROFILES):
            out[folder.name] = per_profile
    return out


def evaluate(
    root: Path,
    params: SpikeParams | None = None,
    detections_out: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, Any]:
    """Score the spike detector on every CSV present in both data/ and the labels; the --json report."""
    params = params or load_params()
    labels = read_windows(root)
    keys = [k for k in data_keys(root) if k in labels]
    if not keys:
        raise BadInput(f"{root}: no data/<category>/<file>.csv is named in labels/combined_windows.json")
    files: dict[str, dict[str, float | int]] = {}
    totals = {p.name: 0.0 for p in nab.PROFILES}
    nulls = {p.name: 0.0 for p in nab.PROFILES}
    n_windows: dict[str, int] = {}
    for key in keys:
        series = read_series(root, key)
        found = detect(series, params)
        wins = nab.window_indices(series.times, labels[key])
        n_windows[key] = len(labels[key])
        entry: dict[str, float | int] = {}
        for profile in nab.PROFILES:
            result = nab.score_file(found.fired, wins, profile)
            entry[profile.name] = result.score
            totals[profile.name] += result.score
            nulls[profile.name] += nab.null_score(wins, len(series.times), profile)
            entry.update(tp=result.tp, fp=result.fp, fn=result.fn)
        files[key] = entry
        if detections_out is not None:
            write_detections(detections_out, series, found, wins)
        if progress is not None:
            progress(key, len(keys))
    windows = sum(n_windows.values())
    report: dict[str, Any] = {p.name: nab.normalise(totals[p.name], nulls[p.name], windows, p) for p in nab.PROFILES}
    report.update(n_files=len(keys), threshold=params.threshold, files=files)
    published = published_scores(root, keys, nulls, windows)
    if published:
        report["published"] = published
    clean: dict[str, Any] = _finite(report)
    return clean


def _finite(obj: Any) -> Any:
    """Replace non-finite floats so the report stays valid JSON."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    return obj
