"""NAB scoring against hand-computed values, and `flexloop eval detect` on a tiny NAB directory."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from flexloop.detect import nab

STD = nab.PROFILES[0]
LOW_FP = nab.PROFILES[1]
LOW_FN = nab.PROFILES[2]
N = 20  # probation = floor(0.15 * 20) = 3 rows
WIN = [(5, 9)]  # five rows


def hits(*rows: int, n: int = N) -> list[bool]:
    return [i in rows for i in range(n)]


def test_profiles_and_probation() -> None:
    assert [(p.name, p.tp, p.fp, p.fn) for p in nab.PROFILES] == [
        ("standard", 1.0, 0.11, 1.0),
        ("reward_low_FP_rate", 1.0, 0.22, 1.0),
        ("reward_low_FN_rate", 1.0, 0.11, 2.0),
    ]
    assert nab.probation_length(20) == 3
    assert nab.probation_length(4032) == 604
    assert nab.probation_length(22695) == 750


def test_detection_on_first_window_row_scores_exactly_tp() -> None:
    r = nab.score_file(hits(5), WIN, STD)
    assert r.score == pytest.approx(1.0)
    assert (r.tp, r.fp, r.fn) == (1, 0, 0)


def test_late_detection_in_window_and_only_earliest_counts() -> None:
    # position y = -(9 - 8 + 1) / 5 = -0.4; scaledSigmoid(y) = tanh(-5y/2) = tanh(1)
    expected = math.tanh(1.0) / math.tanh(2.5)
    assert nab.score_file(hits(8), WIN, STD).score == pytest.approx(expected)
    assert nab.score_file(hits(8, 9), WIN, STD).score == pytest.approx(expected)
    assert nab.score_file(hits(5, 8), WIN, STD).score == pytest.approx(1.0)


def test_false_positive_after_window() -> None:
    # distance past the window: |9 - 12| / (5 - 1) = 0.75 -> scaledSigmoid = tanh(-1.875)
    fp = math.tanh(-1.875) * 0.11
    r = nab.score_file(hits(5, 12), WIN, STD)
    assert r.score == pytest.approx(1.0 + fp)
    assert (r.tp, r.fp, r.fn) == (1, 1, 0)
    assert nab.score_file(hits(5, 12), WIN, LOW_FP).score == pytest.approx(1.0 + 2 * fp)
    # right after the window the penalty is mild: distance 1/4 -> tanh(-0.625) * 0.11
    assert nab.score_file(hits(5, 10), WIN, STD).score == pytest.approx(1.0 + math.tanh(-0.625) * 0.11)
    # more than three widths past the window: the full FP weight
    assert nab.score_file(hits(19), [(3, 4)], STD).score == pytest.approx(-1.0 - 0.11)  # (19-4)/1 > 3


def test_false_positive_with_no_preceding_window() -> None:
    r = nab.score_file(hits(4, 5), WIN, STD)
    assert r.score == pytest.approx(1.0 - 0.11)
    assert nab.score_file(hits(4, 5), WIN, LOW_FP).score == pytest.approx(1.0 - 0.22)


def test_missed_window() -> None:
    r = nab.score_file(hits(), WIN, STD)
    assert r.score == pytest.approx(-1.0)
    assert (r.tp, r.fp, r.fn) == (0, 0, 1)
    assert nab.score_file(hits(), WIN, LOW_FN).score == pytest.approx(-2.0)


def test_file_without_windows() -> None:
    assert nab.score_file(hits(), [], STD).score == 0.0
    r = nab.score_file(hits(10, 15), [], STD)
    assert r.score == pytest.approx(-0.22)
    assert r.fp == 2


def test_probation_rows_are_ignored() -> None:
    # rows 0..2 are probationary: detections there count for nothing
    assert nab.score_file(hits(0, 1, 2), [], STD).score == 0.0
    # a window wholly inside probation is neither hit nor missed
    r = nab.score_file(hits(1), [(0, 2)], STD)
    assert (r.score, r.tp, r.fn) == (0.0, 0, 0)
    assert nab.null_score([(0, 2)], N, STD) == 0.0
    # a window straddling the end of probation: its first scorable row is not its first row
    expected = math.tanh(2.5 * 3 / 4) / math.tanh(2.5)  # row 3 of window 2..5: y = -(5-3+1)/4
    assert nab.score_file(hits(3), [(2, 5)], STD).score == pytest.approx(expected)


def test_normalisation() -> None:
    # two windows; one hit at its start, one missed: raw 0; null -2; perfect 2 -> 50
    assert nab.normalise(0.0, -2.0, 2, STD) == pytest.approx(50.0)
    assert nab.normalise(2.0, -2.0, 2, STD) == pytest.approx(100.0)
    assert nab.normalise(-2.0, -2.0, 2, STD) == pytest.approx(0.0)
    assert nab.normalise(0.0, -4.0, 2, LOW_FN) == pytest.approx(100 * 4 / 6)


def test_window_indices_match_rows_and_duplicates() -> None:
    t0 = datetime(2020, 1, 1)
    times = [t0 + timedelta(minutes=5 * i) for i in range(10)]
    times.insert(6, times[5])  # a repeated timestamp, as in real NAB files
    wins = nab.window_indices(times, [(times[2], times[5]), (t0 + timedelta(minutes=41), t0 + timedelta(hours=9))])
    assert wins == [(2, 5), (10, 10)]


# --------------------------------------------------------------------------------------------
def _write_nab(root: Path, with_results: bool = True) -> None:
    t0 = datetime(2020, 1, 1)
    fmt = "%Y-%m-%d %H:%M:%S"
    labels: dict[str, list[list[str]]] = {}
    for name, jump in (("a.csv", True), ("b.csv", False)):
        (root / "data" / "cat").mkdir(parents=True, exist_ok=True)
        rows = ["timestamp,value"]
        for i in range(600):
            v = 10.0 + (i % 7) * 0.5 + (50.0 if jump and 450 <= i < 460 else 0.0)
            rows.append(f"{(t0 + timedelta(minutes=5 * i)).strftime(fmt)},{v}")
        (root / "data" / "cat" / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
        labels[f"cat/{name}"] = (
            [[(t0 + timedelta(minutes=5 * 430)).strftime(fmt), (t0 + timedelta(minutes=5 * 470)).strftime(fmt)]]
            if jump
            else []
        )
    labels["cat/absent.csv"] = []
    (root / "labels").mkdir()
    (root / "labels" / "combined_windows.json").write_text(json.dumps(labels), encoding="utf-8")
    if with_results:
        for det, score in (("good", 0.5), ("null", -1.0)):
            (root / "results" / det).mkdir(parents=True)
            for p in nab.PROFILE_NAMES:
                sa = score * (2 if p == "reward_low_FN_rate" and det == "null" else 1)
                (root / "results" / det / f"{det}_{p}_scores.csv").write_text(
                    "Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count\n"
                    f"{det},{p},cat/a.csv,0.5,{sa},0,0,0,0,600\n"
                    f"{det},{p},cat/b.csv,0.5,0.0,0,0,0,0,600\n"
                    f"{det},{p},cat/other.csv,0.5,-7.0,0,0,0,0,600\n"
                    f"Totals,,,,-7,0,0,0,0,1800\n",
                    encoding="utf-8",
                )


def _app() -> typer.Typer:
    from flexloop.cli.app import app

    return app


def test_cli_json_report(tmp_path: Path) -> None:
    _write_nab(tmp_path)
    out = tmp_path / "detections"
    res = CliRunner().invoke(_app(), ["eval", "detect", "--nab", str(tmp_path), "--json", "--detections-out", str(out)])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert {"standard", "reward_low_FP_rate", "reward_low_FN_rate", "n_files", "threshold", "files"} <= set(report)
    assert report["n_files"] == 2
    assert set(report["files"]) == {"cat/a.csv", "cat/b.csv"}
    entry = report["files"]["cat/a.csv"]
    assert {"standard", "reward_low_FP_rate", "reward_low_FN_rate", "tp", "fp", "fn"} <= set(entry)
    assert entry["tp"] == 1 and entry["fn"] == 0  # the +50 jump is found
    assert report["published"]["null"] == {p: 0.0 for p in nab.PROFILE_NAMES}
    assert report["published"]["good"]["standard"] == pytest.approx(75.0)  # 100 * (0.5 + 1) / (1 + 1)
    lines = (out / "cat" / "a.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "timestamp,value,anomaly_score,label" and len(lines) == 601
    fired = [int(line.rsplit(",", 1)[1]) for line in lines[1:]]
    assert sum(fired) == entry["tp"] + entry["fp"] + sum(fired[:90])


@pytest.mark.parametrize("breakage", ["no_data", "no_labels", "no_common", "bad_csv"])
def test_cli_bad_directory_exits_2(tmp_path: Path, breakage: str) -> None:
    _write_nab(tmp_path, with_results=False)
    if breakage == "no_data":
        for f in (tmp_path / "data" / "cat").iterdir():
            f.unlink()
        (tmp_path / "data" / "cat").rmdir()
        (tmp_path / "data").rmdir()
    elif breakage == "no_labels":
        (tmp_path / "labels" / "combined_windows.json").unlink()
    elif breakage == "no_common":
        (tmp_path / "labels" / "combined_windows.json").write_text('{"x/y.csv": []}', encoding="utf-8")
    else:
        (tmp_path / "data" / "cat" / "a.csv").write_text("timestamp,value\nyesterday,abc\n", encoding="utf-8")
    res = CliRunner().invoke(_app(), ["eval", "detect", "--nab", str(tmp_path), "--json"])
    assert res.exit_code == 2
    assert res.stdout == ""
    assert "error:" in res.stderr and "Traceback" not in res.stderr
