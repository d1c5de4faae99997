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

.PHONY: run test check lint format migrations-check translations extract-messages update-catalog clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
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

## The fast test suite.
test: $(STAMP) translations
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

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
		--no-fuzzy-matching --no-wrap --omit-header

## Everything: lint, migrations, the whole suite.
check: lint migrations-check test

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
