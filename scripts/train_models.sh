#!/usr/bin/env bash
# Rebuild the shipped text models from the licence-OK shared data and the team-written examples.
# Usage: scripts/train_models.sh [SHARED_DATA_DIR]   (default ../shared/data)
# Set FLEXLOOP_EMBED_CACHE=/tmp/flexloop-emb to reuse sentence embeddings between runs.
set -euo pipefail
D="${1:-../shared/data}"
FLEXLOOP="${FLEXLOOP:-flexloop}"
PY="${PYTHON:-python}"
M="${MODELS_DIR:-src/flexloop/data/models}"
T=src/flexloop/data/training
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT

# Weak labels (issue type from Bitext intents + CESAMARD aspects) and the team file projected per task.
"$PY" -m flexloop.analyze.weak_labels "$D" "$W"

S="$D/sentiment"
"$FLEXLOOP" train --task sentiment --seed 7 --out "$M/sentiment" --data \
  "$S"/umsab_ar.train.csv "$S"/umsab_de.train.csv "$S"/umsab_en.train.csv "$S"/umsab_es.train.csv \
  "$S"/umsab_fr.train.csv "$S"/umsab_hi.train.csv "$S"/umsab_it.train.csv "$S"/umsab_pt.train.csv \
  "$S"/smsa_id.train.csv "$S"/wisesight_th.train.csv "$W"/issues_team_sentiment.csv

"$FLEXLOOP" train --task complaint --seed 7 --out "$M/complaint" --data \
  "$D"/complaints/cesamard_en.train.csv "$W"/weak_complaint.csv "$W"/issues_team_complaint.csv

"$FLEXLOOP" train --task intent --seed 7 --out "$M/intent" --data \
  "$D"/intents/bitext_en.train.csv "$W"/weak_intent.csv "$W"/issues_team_intent.csv

"$FLEXLOOP" train --task issue --seed 7 --out "$M/issue" --data \
  "$W"/weak_issue.csv "$T"/issues_team.csv
