"""Labelled CSV files, the label vocabularies, the Bitext intent mapping and the classification metrics."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flexloop.domain.vocab import Intent, IssueType, Sentiment
from flexloop.errors import BadInput

TASKS: dict[str, tuple[str, ...]] = {
    "sentiment": tuple(s.value for s in Sentiment),
    "complaint": ("complaint", "not_complaint"),
    "issue": tuple(i.value for i in IssueType),
    "intent": tuple(i.value for i in Intent),
}

# Bitext customer-service intents → flexloop intents; every other Bitext intent is `other`.
BITEXT_INTENTS: dict[str, str] = {
    "track_order": "order_status",
    "delivery_period": "order_status",
    "get_refund": "return_refund",
    "track_refund": "return_refund",
    "check_refund_policy": "return_refund",
    "cancel_order": "cancellation",
    "check_cancellation_fee": "cancellation",
    "delivery_options": "delivery_options",
    "change_shipping_address": "delivery_options",
    "set_up_shipping_address": "delivery_options",
    "complaint": "complaint",
}
BITEXT_OTHER = frozenset(
    {
        "change_order", "check_invoice", "check_payment_methods", "contact_customer_service",
        "contact_human_agent", "create_account", "delete_account", "edit_account", "get_invoice",
        "newsletter_subscription", "payment_issue", "place_order", "recover_password",
        "registration_problems", "review", "switch_account",
    }
)  # fmt: skip


def map_label(task: str, label: str) -> str | None:
    """The task label a gold label stands for, or None when it is unknown to the task."""
    lab = label.strip().lower()
    if lab in TASKS[task]:
        return lab
    if task == "intent":
        if lab in BITEXT_INTENTS:
            return BITEXT_INTENTS[lab]
        if lab in BITEXT_OTHER:
            return "other"
    return None


@dataclass
class Labelled:
    """Rows of one or more labelled files, with where each row came from."""

    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)
    files: list[int] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    def add(self, other: Labelled) -> None:
        """Append another set's rows, renumbering its files."""
        offset = len(self.paths)
        self.paths.extend(other.paths)
        self.texts.extend(other.texts)
        self.labels.extend(other.labels)
        self.langs.extend(other.langs)
        self.files.extend(f + offset for f in other.files)
        self.rows.extend(other.rows)


def read_labelled(paths: Sequence[Path], task: str) -> Labelled:
    """Read `text,label[,lang]` CSV files; any unusable file raises BadInput with one line."""
    if task not in TASKS:
        raise BadInput(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    if not paths:
        raise BadInput("no data files given")
    out = Labelled()
    for index, path in enumerate(paths):
        out.paths.append(str(path))
        try:
            with open(path, newline="", encoding="utf-8-sig") as fh:  # a spreadsheet's export starts with a BOM
                reader = csv.DictReader(fh)
                fields = reader.fieldnames or []
                missing = [c for c in ("text", "label") if c not in fields]
                if missing:
                    raise BadInput(f"{path}: missing column {', '.join(missing)} (need text,label[,lang])")
                count = 0
                for row_no, row in enumerate(reader, start=1):
                    if row.get("label") is None:
                        raise BadInput(f"{path}: row {row_no}: no label (too few columns, or a quote left open)")
                    gold = map_label(task, row["label"])
                    if gold is None:
                        raise BadInput(f"{path}: row {row_no}: unknown {task} label {row.get('label')!r}")
                    out.texts.append(row.get("text") or "")
                    out.labels.append(gold)
                    out.langs.append((row.get("lang") or "").strip() or "und")
                    out.files.append(index)
                    out.rows.append(row_no)
                    count += 1
        except UnicodeDecodeError as exc:
            raise BadInput(f"{path}: not UTF-8 text") from exc
        except csv.Error as exc:
            raise BadInput(f"{path}: not a readable CSV file ({exc})") from exc
        if count == 0:
            raise BadInput(f"{path}: no rows")
    return out


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Macro-F1 (0-100) over the labels present in the gold column."""
    labels = sorted(set(gold))
    if not labels:
        return 0.0
    return 100.0 * sum(_prf(gold, pred, lab)[2] for lab in labels) / len(labels)


def _prf(gold: Sequence[str], pred: Sequence[str], label: str) -> tuple[float, float, float, int]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
    n_pred = sum(1 for p in pred if p == label)
    support = sum(1 for g in gold if g == label)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, support


def report(data: Labelled, pred: Sequence[str], pred_langs: Sequence[str] | None = None) -> dict[str, Any]:
    """The figures `flexloop eval classify --json` prints (scores 0-100)."""
    gold = data.labels
    files: list[dict[str, Any]] = []
    scores: list[float] = []
    for index, path in enumerate(data.paths):
        idx = [i for i, f in enumerate(data.files) if f == index]
        score = round(macro_f1([gold[i] for i in idx], [pred[i] for i in idx]), 2)
        scores.append(score)
        files.append({"path": path, "n": len(idx), "macro_f1": score})
    per_lang: dict[str, float] = {}
    for lang in sorted(set(data.langs)):
        idx = [i for i, x in enumerate(data.langs) if x == lang]
        per_lang[lang] = round(macro_f1([gold[i] for i in idx], [pred[i] for i in idx]), 2)
    per_label: dict[str, dict[str, float | int]] = {}
    for lab in sorted(set(gold) | set(pred)):
        p, r, f, s = _prf(gold, pred, lab)
        per_label[lab] = {"precision": round(100 * p, 2), "recall": round(100 * r, 2), "f1": round(100 * f, 2),
                          "support": s}  # fmt: skip
    confusion: dict[str, dict[str, int]] = {}
    for gl, pl in zip(gold, pred, strict=True):
        row = confusion.setdefault(gl, {})
        row[pl] = row.get(pl, 0) + 1
    out: dict[str, Any] = {
        "n": len(gold),
        "macro_f1": round(sum(scores) / len(scores), 2),
        "files": files,
        "per_lang": per_lang,
        "per_label": per_label,
        "confusion": confusion,
    }
    if pred_langs is not None:
        known = [(a, b) for a, b in zip(data.langs, pred_langs, strict=True) if a != "und"]
        if known:
            out["lang_accuracy"] = round(100.0 * sum(a == b for a, b in known) / len(known), 2)
    return out
