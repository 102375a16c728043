"""`flexloop eval classify`: score a text classifier on any labelled CSV, figures anyone can recompute."""

from __future__ import annotations

import csv
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import typer

from flexloop.cli.common import emit_json, err, friendly
from flexloop.cli.eval_cmd import eval_app
from flexloop.cli.train_cmd import EXTRA, data_files

BINARY_SENTIMENT = ("negative", "positive")


def _predict(task: str, labels: tuple[str, ...], proba: Any, gold: list[str],
             files: Sequence[int]) -> tuple[list[str], list[float]]:  # fmt: skip
    """Arg-max labels; a file whose sentiment gold is binary is scored over those two labels only, whatever the
    other files given with it hold."""
    p = np.asarray(proba, dtype=np.float64)
    names = list(labels)
    pred, conf = [names[i] for i in p.argmax(axis=1)], [round(float(x), 4) for x in p.max(axis=1)]
    if task != "sentiment" or not set(BINARY_SENTIMENT) <= set(names):
        return pred, conf
    cols = [names.index(x) for x in BINARY_SENTIMENT]
    by_file = np.asarray(files)
    for f in sorted(set(files)):
        rows = np.flatnonzero(by_file == f)
        if {gold[r] for r in rows} <= set(BINARY_SENTIMENT):
            two = p[rows][:, cols]
            two = two / np.maximum(two.sum(axis=1, keepdims=True), 1e-12)
            for r, i, q in zip(rows.tolist(), two.argmax(axis=1).tolist(), two.max(axis=1).tolist(), strict=True):
                pred[r], conf[r] = BINARY_SENTIMENT[i], round(float(q), 4)
    return pred, conf


def _context_pass(texts: list[str]) -> None:
    """Entities and authenticity too, so throughput covers the whole analyze stage (no store metadata here)."""
    from datetime import UTC, datetime

    from flexloop.analyze.authenticity import burst_sizes, judge
    from flexloop.analyze.entities import extract
    from flexloop.domain.records import Mention

    now = datetime(2026, 1, 1, tzinfo=UTC)
    posts = [Mention("eval", str(i), f"author{i}", t, now, id=i) for i, t in enumerate(texts)]
    bursts = burst_sizes(posts)
    for p in posts:
        extract(p.text)
        judge(p, False, bursts.get(p.id or 0, 1), now)


def _at(values: Sequence[Any], rows: Any) -> list[Any]:
    """The VALUES at the given row indices."""
    return [values[j] for j in rows]


def _cross_validate(task: str, data: Any, k: int, identified: Sequence[str]) -> tuple[tuple[str, ...], Any]:
    """Held-out probabilities of a stratified K-fold run with the `flexloop train` recipe: trained with the rows'
    gold languages as `train` is, held-out rows read with their IDENTIFIED languages as the reader does."""
    from flexloop.analyze.features import embed_cached, hashed_ngrams
    from flexloop.analyze.training import fit, stratified_folds

    folds = stratified_folds(data.labels, k)
    emb = embed_cached(data.texts, os.environ.get("FLEXLOOP_EMBED_CACHE"))
    grams = hashed_ngrams(data.texts)
    labels = tuple(sorted(set(data.labels)))
    proba = np.zeros((len(data.texts), len(labels)), dtype=np.float32)
    for i, held in enumerate(folds):
        err.print(f"fold {i + 1}/{k}")
        train = np.setdiff1d(np.arange(len(data.texts)), held)
        head = fit(task, emb[train], _at(data.texts, train), _at(data.labels, train), grams=grams[train],
                   groups=_at(data.files, train), langs=_at(data.langs, train))  # fmt: skip
        p = head.proba(emb[held], grams[held], _at(identified, held), _at(data.texts, held))
        for c, lab in enumerate(head.labels):
            proba[held, labels.index(lab)] = p[:, c]
    return labels, proba


@friendly
def classify_cmd(
    ctx: typer.Context,
    task: str = typer.Option(..., "--task", help="sentiment, complaint, issue or intent."),
    data: list[Path] = typer.Option(..., "--data", help="CSV files with text,label[,lang] columns."),
    model: Path | None = typer.Option(None, "--model", help="A directory written by `flexloop train`."),
    cv: int = typer.Option(0, "--cv", help="Stratified K-fold on the given files (seed 7) instead of a model."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
    predictions_out: Path | None = typer.Option(None, "--predictions-out", help="CSV: path,row,gold,pred,confidence."),
) -> None:
    """Macro-F1, per language, per label and confusion of a TASK model on labelled files."""
    from flexloop.analyze.evaluation import read_labelled, report
    from flexloop.analyze.model_reader import ModelReader

    ds = read_labelled(data_files(data, ctx), task)
    reader = ModelReader(models={task: model} if model is not None else None)
    reader.warm_up()
    start = time.perf_counter()
    reading = reader.analyse(ds.texts)
    _context_pass(ds.texts)
    seconds = time.perf_counter() - start
    labels, proba = reading.labels[task], reading.proba[task]
    if cv:
        labels, proba = _cross_validate(task, ds, cv, reading.langs)
    pred, conf = _predict(task, labels, proba, ds.labels, ds.files)
    out = report(ds, pred, reading.langs)
    out = {"task": task, "model": str(model) if model else ("cv" if cv else "shipped"), **out}
    out["posts_per_s"] = round(len(ds.texts) / max(seconds, 1e-9), 1)
    if predictions_out is not None:
        predictions_out.parent.mkdir(parents=True, exist_ok=True)
        with open(predictions_out, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["path", "row", "gold", "pred", "confidence"])
            for i in range(len(ds.texts)):
                w.writerow([ds.paths[ds.files[i]], ds.rows[i], ds.labels[i], pred[i], conf[i]])
    if json_out:
        emit_json(out)
    else:
        err.print(f"{task}: macro-F1 {out['macro_f1']} on {out['n']} rows; {out['posts_per_s']} posts/s")
        for f in out["files"]:
            err.print(f"  {f['path']}: {f['macro_f1']} ({f['n']} rows)")


eval_app.command("classify", context_settings=EXTRA)(classify_cmd)
