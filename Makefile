# Causeweb developer commands. `make run` and `make test` are all a newcomer needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint messages bench bench-scale seed-scale worker beat clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py run_demo

test: $(STAMP)
	PY=$(PY) bash scripts/test.sh $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Extract the marked strings into every app's Spanish and Arabic catalogues (docs/i18n.md), then
# translate what is new; tests/foundation/test_translations.py fails on anything left empty or fuzzy.
MESSAGES_ARGS := -l es -l ar --no-location --no-obsolete --ignore=tests --ignore=staticfiles --ignore=static/vendor
messages: $(STAMP)
	$(PY) manage.py makemessages $(MESSAGES_ARGS)
	$(PY) manage.py makemessages -d djangojs $(MESSAGES_ARGS)
	$(PY) manage.py compilemessages --ignore=.venv -v0

bench: $(STAMP)
	$(PY) tests/load/bench.py

# Production-sized data (PostgreSQL only): DATABASE_URL=postgres://... make seed-scale ARGS="--factor 0.01"
seed-scale: $(STAMP)
	$(PY) manage.py seed_scale $(ARGS)

# Full size vs 1/100 on gunicorn + PostgreSQL + Redis (see tests/load/bench_scale.py); writes tests/load/report-scale.md
bench-scale: $(STAMP)
	$(PY) tests/load/bench_scale.py

worker: $(STAMP)
	$(VENV)/bin/celery -A causeweb worker -Q default,notifications,payments -l info

beat: $(STAMP)
	$(VENV)/bin/celery -A causeweb beat -l info

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 media
