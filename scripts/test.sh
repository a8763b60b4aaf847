#!/usr/bin/env bash
# The whole test suite: lint, Django checks, migrations in sync, then pytest.
# On SQLite by default; CI sets DATABASE_URL (Postgres) and REDIS_URL (real Celery worker).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")

# Browser journeys use Debian's Chromium (never a browser Playwright downloads).
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
    || echo "warning: could not install chromium; browser tests will be skipped outside CI" >&2
fi

# manage.py commands below need a key when DATABASE_URL is set; a throwaway one is fine for checks.
# ...and may use localstripe although DATABASE_URL makes them "production" (causeweb/settings.py).
export ALLOW_LOCALSTRIPE=true
export SECRET_KEY=${SECRET_KEY:-test-only-$(od -An -N24 -tx1 /dev/urandom | tr -d " \n")}

"$BIN/ruff" check .
# The architecture contracts (docs/architecture.md): layers and app boundaries.
"$BIN/lint-imports"
"$PY" manage.py check
"$PY" manage.py makemigrations --check --dry-run
# The translations the site serves are compiled from the committed catalogues (docs/i18n.md).
"$PY" manage.py compilemessages --ignore=.venv --ignore=node_modules -v0
"$PY" -m pytest "$@"
