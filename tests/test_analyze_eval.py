"""`flexloop eval classify` and `flexloop train`: figures that match an independent computation, bad files."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import f1_score
from typer.testing import CliRunner

from flexloop.cli.app import app

runner = CliRunner()

SENTIMENT = [
    ("I love this, best purchase ever 😍", "positive", "en"),
    ("Terrible, it broke after one day", "negative", "en"),
    ("The package arrives on Tuesday", "neutral", "en"),
    ("Me encanta, calidad excelente", "positive", "es"),
    ("Pésimo servicio, nunca más", "negative", "es"),
    ("El pedido sale mañana", "neutral", "es"),
    ("Barangnya bagus banget, makasih", "positive", "id"),
    ("Kecewa, barang rusak", "negative", "id"),
    ("Paket dikirim besok", "neutral", ""),
    ("Awesome quality and fast shipping!", "positive", "en"),
    ("worst customer service, still no refund", "negative", "en"),
    ("the store opens at nine", "neutral", "en"),
]


def write_csv(path: Path, rows: Sequence[tuple[str, ...]], header: tuple[str, ...] = ("text", "label", "lang")) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def run_json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def test_eval_figures_match_sklearn_on_the_predictions(tmp_path: Path) -> None:
    a = write_csv(tmp_path / "a.csv", SENTIMENT[:6])
    b = write_csv(tmp_path / "b.csv", SENTIMENT[6:])
    pred_path = tmp_path / "pred.csv"
    out = run_json(["eval", "classify", "--task", "sentiment", "--data", str(a), str(b), "--json",
                    "--predictions-out", str(pred_path)])  # fmt: skip
    with open(pred_path, newline="", encoding="utf-8") as fh:
        preds = list(csv.DictReader(fh))
    assert out["n"] == len(preds) == len(SENTIMENT)
    per_file = []
    for path in (a, b):
        rows = [r for r in preds if r["path"] == str(path)]
        gold = [r["gold"] for r in rows]
        f1 = 100 * f1_score(gold, [r["pred"] for r in rows], labels=sorted(set(gold)), average="macro", zero_division=0)
        per_file.append(f1)
    assert out["macro_f1"] == pytest.approx(np.mean(per_file), abs=0.02)
    assert [f["n"] for f in out["files"]] == [6, 6]
    assert set(out["per_lang"]) == {"en", "es", "id", "und"}
    confusion: dict[str, dict[str, int]] = out["confusion"]
    assert sum(sum(v.values()) for v in confusion.values()) == len(SENTIMENT)
    assert out["posts_per_s"] > 0
    assert 0 <= out["lang_accuracy"] <= 100


def test_binary_sentiment_gold_is_scored_over_two_labels(tmp_path: Path) -> None:
    rows = [r for r in SENTIMENT if r[1] != "neutral"]
    f = write_csv(tmp_path / "bin.csv", rows)
    pred_path = tmp_path / "pred.csv"
    run_json(
        ["eval", "classify", "--task", "sentiment", "--data", str(f), "--json", "--predictions-out", str(pred_path)]
    )
    with open(pred_path, newline="", encoding="utf-8") as fh:
        assert {r["pred"] for r in csv.DictReader(fh)} <= {"negative", "positive"}


def test_a_binary_file_is_scored_alike_alone_and_beside_a_three_label_file(tmp_path: Path) -> None:
    plain = [("The package arrives on Tuesday", "positive", "en"), ("the store opens at nine", "negative", "en")]
    binary = write_csv(tmp_path / "bin.csv", [r for r in SENTIMENT if r[1] != "neutral"] + plain)  # plain: read neutral
    three = write_csv(tmp_path / "three.csv", [(t + " ok", lab, lang) for t, lab, lang in SENTIMENT])
    alone = run_json(["eval", "classify", "--task", "sentiment", "--data", str(binary), "--json"])
    pred_path = tmp_path / "pred.csv"
    both = run_json(["eval", "classify", "--task", "sentiment", "--data", str(three), str(binary), "--json",
                     "--predictions-out", str(pred_path)])  # fmt: skip
    assert both["files"][1]["macro_f1"] == alone["macro_f1"]
    with open(pred_path, newline="", encoding="utf-8") as fh:
        preds = list(csv.DictReader(fh))
    assert {r["pred"] for r in preds if r["path"] == str(binary)} <= {"negative", "positive"}
    assert "neutral" in {r["pred"] for r in preds if r["path"] == str(three)}


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("text,lang\nhello,en\n", "missing column label"),
        ("text,label,lang\n", "no rows"),
        ("text,label\nhello,joyful\n", "unknown sentiment label"),
        ('text,label\n"hello,positive\n', "a quote left open"),
        ("text,label\nhello\n", "too few columns"),
    ],
)
def test_bad_files_exit_2_with_one_line(tmp_path: Path, content: str, needle: str) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["eval", "classify", "--task", "sentiment", "--data", str(f), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and needle in lines[0]


def test_a_spreadsheet_export_with_a_byte_order_mark_reads(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "excel.csv", SENTIMENT)
    f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes())
    out = run_json(["eval", "classify", "--task", "sentiment", "--data", str(f), "--json"])
    assert out["n"] == len(SENTIMENT)


def test_missing_file_and_unknown_task_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "classify", "--task", "sentiment", "--data", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "not found" in result.stderr
    f = write_csv(tmp_path / "ok.csv", SENTIMENT)
    result = runner.invoke(app, ["train", "--task", "mood", "--data", str(f), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


def test_train_is_deterministic_and_evaluable(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "train.csv", SENTIMENT * 2)
    for name in ("m1", "m2"):
        run_json(["train", "--task", "sentiment", "--data", str(f), "--out", str(tmp_path / name), "--json"])
    z1, z2 = np.load(tmp_path / "m1" / "weights.npz"), np.load(tmp_path / "m2" / "weights.npz")
    for key in ("w_emb", "w_hash", "bias", "w_pol"):
        assert np.array_equal(z1[key], z2[key])
    card = json.loads((tmp_path / "m1" / "MODEL.json").read_text())
    assert card["seed"] == 7 and card["data"][0]["file"] == "train.csv" and "flexloop train" in card["command"]
    lexicon = card["lexicons"][0]  # the polarity counts' weights name the lexicon they were learned with
    assert lexicon["file"] == "polarity.yaml" and len(lexicon["sha256"]) == 64 and "team" in lexicon["licence"]
    out = run_json(["eval", "classify", "--task", "sentiment", "--data", str(f), "--model", str(tmp_path / "m1"),
                    "--json"])  # fmt: skip
    assert out["macro_f1"] > 80


def test_cross_validation_predicts_every_row(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", SENTIMENT * 2)
    pred_path = tmp_path / "pred.csv"
    out = run_json(["eval", "classify", "--task", "sentiment", "--data", str(f), "--cv", "3", "--json",
                    "--predictions-out", str(pred_path)])  # fmt: skip
    assert out["n"] == 24 and out["model"] == "cv"
    result = runner.invoke(app, ["eval", "classify", "--task", "sentiment", "--data", str(f), "--cv", "30"])
    assert result.exit_code == 2
