# Maillage: `make` lints and tests; `make demo` opens the explorer; `make bench` measures.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO_DB ?= var/demo.db
PORT ?= 8501

.DEFAULT_GOAL := check
.PHONY: check setup lint format test test-fast demo app bench fuzz neo4j-start neo4j-stop browser clean

check: lint test

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -c "from maillage.graph import engine; engine.warm_up()"  # compile the kernels once
	touch $(INSTALLED)

setup: $(INSTALLED)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Debian's Chromium drives the browser tests (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

# Starts a real Neo4j (tools/neo4j), runs every suite against it, stops it.
test: setup browser
	tools/run-tests

# Unit tests only: no Neo4j, no browser.
test-fast: setup
	$(BIN)/pytest -m "not neo4j and not browser"

demo: setup
	$(BIN)/maillage --db $(DEMO_DB) demo --port $(PORT)

app: setup
	$(BIN)/maillage --db $(DEMO_DB) app --port $(PORT)

bench: setup browser
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	tools/run-bench

fuzz: setup
	MAILLAGE_FUZZ_EXAMPLES=200000 $(BIN)/pytest tests/loaders/test_fuzz.py -p no:cacheprovider

neo4j-start: setup
	tools/neo4j/neo4j.sh start

neo4j-stop:
	tools/neo4j/neo4j.sh stop

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .mypy_cache .ruff_cache
