"""The CLI contract: --json prints one object on stdout, progress and logs go to stderr, bad input exits 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.test_ingest import MENTION, write_jsonl

EXE = [sys.executable, "-m", "flexloop.cli"]


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "FLEXLOOP_DATABASE_URL": f"sqlite:///{cwd / 'cli.db'}", "COLUMNS": "120", **env}
    return subprocess.run([*EXE, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120)


def test_ingest_json_is_one_object_and_summary_goes_to_stderr(tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "m.jsonl", [MENTION, {**MENTION, "native_id": "2"}], extra="oops\n")
    r = run(["ingest", "mentions", str(f), "--json"], tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out == {
        "stored": 2,
        "duplicates": 0,
        "quarantined": 1,
        "errors": [{"line": 3, "reason": "invalid JSON"}],
    }
    assert "2 stored" in r.stderr
    again = json.loads(run(["ingest", "mentions", str(f), "--json"], tmp_path).stdout)
    assert (again["stored"], again["duplicates"]) == (0, 2)


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("")
    for args in (
        ["ingest", "mentions", "empty.jsonl", "--json"],
        ["ingest", "mentions", "nope.csv"],
        ["config", "check", "missing.toml"],
        ["db", "restore", "nope.gz"],
    ):
        r = run(args, tmp_path)
        assert r.returncode == 2, (args, r.stderr)
        assert r.stdout == ""
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_unknown_kind_is_a_usage_error(tmp_path: Path) -> None:
    r = run(["ingest", "tweets", "x.csv"], tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_init_then_config_check(tmp_path: Path) -> None:
    assert run(["init"], tmp_path).returncode == 0
    r = run(["config", "check", "--json"], tmp_path)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["ok"] is True and summary["products"] >= 1 and "US" in summary["countries"]
    assert run(["init"], tmp_path).returncode == 2  # never overwrites silently
    cfg = tmp_path / "flexloop.toml"
    cfg.write_text(cfg.read_text().replace('timezone = "Asia/Jakarta"', 'timezone = "Mars/Olympus"'))
    r = run(["config", "check"], tmp_path)
    assert r.returncode == 2 and "countries.2.timezone" in r.stderr and "Mars/Olympus" in r.stderr


def test_db_upgrade_backup_restore(tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "m.jsonl", [MENTION])
    run(["ingest", "mentions", str(f)], tmp_path)
    assert json.loads(run(["db", "upgrade", "--json"], tmp_path).stdout)["revision"]
    b = json.loads(run(["db", "backup", "b.gz", "--json"], tmp_path).stdout)
    assert b["rows"]["mentions"] == 1
    other = {"FLEXLOOP_DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}"}
    restored = json.loads(run(["db", "restore", "b.gz", "--json"], tmp_path, **other).stdout)
    assert restored["rows"]["mentions"] == 1


def test_schema_prints_json_schema(tmp_path: Path) -> None:
    r = run(["schema", "mentions"], tmp_path)
    schema = json.loads(r.stdout)
    assert "created_at" in schema["required"] and "native_id" in schema["properties"]
