#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL (TEST_DATABASE_URL, default: this machine's
# server at 127.0.0.1:5432, database test). Under CI=true a missing PostgreSQL fails the run;
# elsewhere the PostgreSQL pass is skipped with the reason printed.
set -euo pipefail
cd "$(dirname "$0")/.."
export TESTING=1
PG_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
# Both cores: pytest-xdist workers, each with its own database (SQLite file or PostgreSQL test_*_gwN),
# its own free ports and its own peers; a module's tests stay on one worker so module fixtures are shared.
WORKERS=${TEST_WORKERS:-auto}
PARALLEL=(-n "$WORKERS" --dist loadfile)

echo "== Test suite on SQLite"
DATABASE_URL= .venv/bin/pytest "${PARALLEL[@]}" "$@"

echo "== Test suite on PostgreSQL ($PG_URL)"
if .venv/bin/python scripts/pg_reachable.py "$PG_URL" 2>/dev/null; then
  DATABASE_URL=$PG_URL .venv/bin/pytest "${PARALLEL[@]}" -m "not sqlite_only" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "FAIL: PostgreSQL is not reachable at $PG_URL, and CI=true requires the PostgreSQL pass." >&2
  exit 1
else
  echo "SKIPPED: PostgreSQL is not reachable at $PG_URL (set TEST_DATABASE_URL to run this pass)."
fi
