# Causerie: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

# Development defaults; production sets its own environment (see .env.example).
export DJANGO_DEBUG ?= 1

.PHONY: install run test screenshots lint fmt check migrations browsers clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $@

install: $(VENV)/.installed

# axe-core, for the browser tests' accessibility checks, from the npm registry at the version package-lock.json
# pins. Only where npm is installed: without it `make test` still runs, and those checks skip, saying why.
AXE := node_modules/axe-core/axe.min.js
NPM := $(shell command -v npm 2>/dev/null)

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The site and its task worker (mail and the comments' other slow work), stopped together by Ctrl-C.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Causerie is at http://$(HOST)/ and its admin at http://$(HOST)/admin/"
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST)

test: install $(if $(NPM),$(AXE))
	$(BIN)/python -m pytest

# The README's pictures, taken again into docs/screenshots/ (a plain test run writes them to test-results/).
screenshots: install
	CAUSERIE_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -m browser tests/browser/test_screenshots.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: lint
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(MAKE) test

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
