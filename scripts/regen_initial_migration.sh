#!/usr/bin/env bash
# Regenerate the initial migration from store/tables.py (only while nothing has been released).
set -euo pipefail
cd "$(dirname "$0")/.."
f=src/flexloop/store/migrations/versions/0001_initial_schema.py
rm -f "$f" /tmp/flexloop-gen.db
.venv/bin/python - <<'PY'
from alembic import command
from flexloop.store.db import make_engine, alembic_config
command.revision(alembic_config(make_engine("sqlite:////tmp/flexloop-gen.db")), message="initial schema",
                 autogenerate=True, rev_id="0001")
PY
sed -i 's/flexloop\.store\.types\.UtcDateTime(timezone=True)/sa.DateTime(timezone=True)/; /# ### /d; /^Create Date/d' "$f"
.venv/bin/ruff format -q "$f"
