# One command to run the product, one to test it. See README.md.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= $(if $(DATABASE_URL),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/credit_platform)

.PHONY: run test install messages check-deploy bench simulate clean compile-messages

# Chinese UI: compile the catalogues when gettext is there (it is on Debian images; else English).
compile-messages: install
	@if command -v msgfmt >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore=.venv >/dev/null; \
	else echo "gettext (msgfmt) not found: the UI falls back to English (apt-get install gettext)"; fi

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=python3"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# The embedded default: SQLite file, Celery tasks eager, no server needed.
run: install compile-messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# The test suite runs on PostgreSQL: DATABASE_URL if set, else the local server; then a smoke
# subset (tests/sqlite_smoke, left out of the main run) on the embedded SQLite default.
test: install compile-messages
	@DATABASE_URL="$(TEST_DATABASE_URL)" $(PY) -c "import os, sys, psycopg; \
url = os.environ['DATABASE_URL']; \
import environ; cfg = environ.Env.db_url_config(url); \
cfg['NAME'] = 'postgres'; \
psycopg.connect(host=cfg['HOST'] or None, port=cfg['PORT'] or None, user=cfg['USER'] or None, password=cfg['PASSWORD'] or None, dbname='postgres', connect_timeout=5).close()" \
	|| { echo ""; echo "PostgreSQL does not answer at $(TEST_DATABASE_URL)."; echo "Start it (e.g. pg_ctlcluster 15 main start) or set DATABASE_URL=postgres://user@host:port/db"; exit 2; }
	$(VENV)/bin/lint-imports --no-cache
	DATABASE_URL="$(TEST_DATABASE_URL)" $(PY) -m pytest --create-db $(PYTEST_ARGS)
	$(PY) -m pytest --ds=credit_platform.settings.sqlite_smoke --create-db -q tests/sqlite_smoke

messages: install
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

check-deploy: install
	DJANGO_SETTINGS_MODULE=credit_platform.settings.production SECRET_KEY=$$(openssl rand -hex 32) \
	ALLOWED_HOSTS=credit.example.gov.cn DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py check --deploy --fail-level WARNING

# Benchmarks (bench/README.md) in a scratch PostgreSQL database, never the production one: every
# scenario of `python -m bench`, one JSON line per figure with its baseline from the same run. The
# HTTP scenario needs locust in its own environment (LOCUST=path; bench/requirements-bench.txt).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench_engine
BENCH_SUBJECTS ?= 200000
BENCH_CASES ?= 20000
BENCH_ROWS ?= 20000
BENCH_ARGS ?=
bench: install
	dropdb -h 127.0.0.1 -U postgres --if-exists bench_engine 2>/dev/null || true
	createdb -h 127.0.0.1 -U postgres bench_engine
	DATABASE_URL="$(BENCH_DATABASE_URL)" MEDIA_ROOT=/tmp/bench-media DEBUG=0 $(PY) -m bench all \
		--subjects $(BENCH_SUBJECTS) --cases $(BENCH_CASES) --import-rows $(BENCH_ROWS) $(BENCH_ARGS) | tee bench-results.jsonl

# A year of simulated departmental activity on top of the demo world (for the dashboard).
simulate: install
	$(PY) manage.py simulate_activity --days 365 --seed 1

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
