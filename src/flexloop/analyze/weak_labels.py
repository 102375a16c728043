"""Weak labels for the tasks no shared file carries: issue type, and the team file projected per task."""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

# Bitext intents → issue types (a customer writing about it on social media usually has that problem).
BITEXT_ISSUES = {
    "track_order": "logistics_delay",
    "delivery_period": "logistics_delay",
    "get_refund": "billing_refund",
    "track_refund": "billing_refund",
    "check_refund_policy": "billing_refund",
    "payment_issue": "billing_refund",
    "check_invoice": "billing_refund",
    "get_invoice": "billing_refund",
    "check_cancellation_fee": "billing_refund",
    "complaint": "customer_service",
    "contact_customer_service": "customer_service",
    "contact_human_agent": "customer_service",
}
QUALITY_ASPECTS = frozenset(
    [
        "quality",
        "fabric",
        "hardware",
        "software",
        "color",
        "fit",
        "shape",
        "texture",
        "taste",
        "smell",
        "style",
        "design",
        "display",
        "content",
    ]
)
TEAM = Path(__file__).resolve().parent.parent / "data" / "training"
PER_LABEL_CAP = 600


# Languages kept out of a task's team projection, so that a benchmark stays cross-lingual: the Chinese
# sentiment figure (shopping_zh dev) must come from a model that has seen no Chinese sentiment data.
HELD_OUT_LANGS: dict[str, tuple[str, ...]] = {"sentiment": ("zh",)}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def cesamard_issue(row: dict[str, str]) -> str | None:
    """Issue type of a CESAMARD review from its aspect flags (None when it says nothing usable)."""
    if row["label"] != "complaint":
        return "praise" if row["label"] == "not_complaint" else None
    flagged = {a.split("=")[0].strip().lower() for a in row.get("aspects", "").split(";") if a.strip().endswith("=1")}
    if flagged & QUALITY_ASPECTS:
        return "quality_defect"
    if "packaging" in flagged:
        return "lost_or_damaged"
    if "service" in flagged:
        return "customer_service"
    return None


def _write(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label", "lang"])
        w.writerows(rows)
    return path


def _capped(rows: list[tuple[str, str, str]], cap: int, seed: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    by: dict[str, list[tuple[str, str, str]]] = {}
    for r in rows:
        by.setdefault(r[1], []).append(r)
    out: list[tuple[str, str, str]] = []
    for label in sorted(by):
        group = by[label]
        rng.shuffle(group)
        out.extend(group[:cap])
    return out


def prepare(shared: Path, out: Path, seed: int = 7) -> dict[str, Path]:
    """Write weak_issue.csv, weak_intent.csv, weak_complaint.csv and the team projections under OUT."""
    bitext = _rows(shared / "intents" / "bitext_en.train.csv")
    cesamard = _rows(shared / "complaints" / "cesamard_en.train.csv")
    team = _rows(TEAM / "issues_team.csv")
    issue = [(r["text"], BITEXT_ISSUES.get(r["label"], "other"), "en") for r in bitext]
    issue += [(r["text"], lab, "en") for r in cesamard if (lab := cesamard_issue(r))]
    rng = random.Random(seed)
    pos = [r for r in cesamard if r["label"] == "not_complaint"]
    neg = [r for r in cesamard if r["label"] == "complaint"]
    rng.shuffle(pos)
    rng.shuffle(neg)
    intent = [(r["text"], "praise", "en") for r in pos[:300]] + [(r["text"], "complaint", "en") for r in neg[:300]]
    complaint = [(r["text"], "complaint" if r["label"] == "complaint" else "not_complaint", "en") for r in bitext
                 if r["label"] == "complaint" or rng.random() < 0.05]  # fmt: skip
    paths = {
        "issue": _write(out / "weak_issue.csv", _capped(issue, PER_LABEL_CAP, seed)),
        "intent": _write(out / "weak_intent.csv", intent),
        "complaint": _write(out / "weak_complaint.csv", complaint),
    }
    for task in ("intent", "complaint", "sentiment"):
        rows = [(r["text"], r[task], r["lang"]) for r in team if r["lang"] not in HELD_OUT_LANGS.get(task, ())]
        paths[f"team_{task}"] = _write(out / f"issues_team_{task}.csv", rows)
    return paths


if __name__ == "__main__":
    for name, path in prepare(Path(sys.argv[1]), Path(sys.argv[2])).items():
        print(name, path)
