# IMS Screen: `make run` serves the app on SQLite; `make test` runs the fast suite;
# `make check` runs everything CI runs. Each target installs what it needs first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := APP_ENV=development $(BIN)/flask --app wsgi
TRANSLATIONS := app/translations
HOST ?= 127.0.0.1
PORT ?= 5000
# The fast suite: everything but real browsers, the load test and the speed guards.
FAST := not browser and not load and not perf
# The fast suites run on every core (pytest-xdist); each worker builds its own databases.
# WORKERS=0 runs them in this process alone (for a debugger, or to read one test's output).
WORKERS ?= auto

.PHONY: run serve test test-postgres load-test perf-guard bench bench-rules bench-scale bench-exports bench-throughput bench-inprocess bench-weight bench-floor bench-reading services check lint format migrations-check translations translations-check update-catalog browser-deps browser-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	./scripts/install-pdf-deps
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Compile the translation catalogues (.po -> .mo); the .mo files are build output.
translations: $(STAMP)
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

## Serve the app on http://$(HOST):$(PORT) with SQLite, after applying migrations.
run: $(STAMP) translations
	$(FLASK) db upgrade
	$(FLASK) run --host $(HOST) --port $(PORT)

## Serve with gunicorn (production settings: set SECRET_KEY, DATABASE_URL and a shared
## RATELIMIT_STORAGE_URI (Redis) first, or WEB_CONCURRENCY=1 for a single worker).
serve: $(STAMP) translations
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## The fast test suite (everything but the real-browser tests, the load test and the speed guards).
test: $(STAMP) translations
	$(BIN)/pytest -m "$(FAST)" -n $(WORKERS)

## The same suite on PostgreSQL: a fresh database on the local server, dropped afterwards.
test-postgres: $(STAMP) translations services
	TEST_DATABASE=postgresql $(BIN)/pytest -m "$(FAST)" -n $(WORKERS)

## gunicorn with 4 workers, 32 patients over HTTP, 1,000 submissions on SQLite then PostgreSQL,
## steady and with a worker killed: every acknowledged submission stored exactly once.
load-test: $(STAMP) translations services
	$(BIN)/pytest -m load tests/load

## Speed guards in make check, robust on a slow or busy machine: rules.evaluate and step pages
## against a bare Flask request and the health check in process, the staff queue at 100,000 rows.
perf-guard: $(STAMP) translations
	$(BIN)/pytest -m "perf and not bench" tests/perf

## Benchmarks (not in make check; see docs/performance.md). Each prints its figures and fails
## when a QUALITY.md target is missed: rules.evaluate; the staff workspace at 10k, 100k and 1M
## submissions on SQLite then PostgreSQL (about 15 minutes); throughput against a bare Flask
## app under the same gunicorn settings, with wrk (installed by scripts/install-bench-deps);
## CPU a request in process; the bytes of every patient page in both languages; the stack's
## leanest step page, step form and submission against the same targets (bench-floor, which
## only measures).
bench: bench-rules bench-scale bench-throughput bench-inprocess bench-weight bench-floor bench-reading

bench-rules: $(STAMP) translations
	$(BIN)/pytest -m perf tests/perf/test_rules_speed.py --benchmark-columns=min,median,mean,max,rounds

bench-scale: $(STAMP) translations services
	$(BIN)/python -m bench.scale --database sqlite
	$(BIN)/python -m bench.scale --database postgresql

## The exports alone (CSV with codes, CSV in words, FHIR NDJSON with and without its kept parts)
## at 1,000,000 submissions, on SQLite then PostgreSQL (bench-scale measures them too).
bench-exports: $(STAMP) translations services
	$(BIN)/python -m bench.scale --database sqlite --sizes 1000000 --export-runs 2 --exports-only
	$(BIN)/python -m bench.scale --database postgresql --sizes 1000000 --export-runs 2 --exports-only

bench-inprocess: $(STAMP) translations services
	$(BIN)/python -m bench.inprocess --database sqlite
	$(BIN)/python -m bench.inprocess --database postgresql

bench-weight: $(STAMP) translations
	$(BIN)/python -m bench.page_weight

bench-reading: $(STAMP)
	$(BIN)/python -m bench.reading_level

bench-throughput: $(STAMP) translations services
	./scripts/install-bench-deps
	$(BIN)/python -m bench.throughput --database sqlite
	$(BIN)/python -m bench.throughput --database postgresql

bench-floor: $(STAMP) translations services
	./scripts/install-bench-deps
	$(BIN)/python -m bench.floor --database sqlite
	$(BIN)/python -m bench.floor --database postgresql

## Start the machine's PostgreSQL and Redis if they are stopped.
services:
	./scripts/ensure-services

## Debian's Chromium and the axe-core npm package, for the browser tests.
browser-deps:
	./scripts/install-browser-deps

## Accessibility and layout in a real browser (Playwright + Chromium + axe-core).
browser-test: $(STAMP) translations browser-deps
	$(BIN)/pytest -m browser tests/browser

## ruff (lint and format) and mypy over app/, config.py and bench/ (pyproject.toml [tool.mypy]).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Migrations apply to an empty database and `flask db check` finds no drift from the models.
migrations-check: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	export DATABASE_URL="sqlite:///$$tmp/check.sqlite3" && \
	$(FLASK) db upgrade && $(FLASK) db check

## Extract marked strings into the template and merge them into each catalogue.
update-catalog: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -o $(TRANSLATIONS)/messages.pot \
		--ignore-dirs ".* node_modules" --no-location --sort-output --omit-header . > /dev/null
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) \
		--no-fuzzy-matching --no-wrap --ignore-obsolete

## The French catalogue is complete, not fuzzy, and up to date with the source strings.
translations-check: $(STAMP)
	$(BIN)/python scripts/check_translations.py

## Everything: lint (with types), translations, migrations, the suite on SQLite and on PostgreSQL, the speed
## guards, the load test, browsers.
check: lint translations-check migrations-check test test-postgres perf-guard load-test browser-test

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
