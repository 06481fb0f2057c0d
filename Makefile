# caopan — two commands do all set-up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ENGINES ?= duckdb,spark
DEMO_DB ?= out/demo.duckdb

.PHONY: install demo test check lint format docs bench clean system

install: $(STAMP)

# System packages the tests need. Java runs Spark local mode (a fresh machine has Java 17).
system:
	@command -v java >/dev/null || { \
	  echo "installing Java for Spark local mode"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; }

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip
	$(BIN)/python -m pip install -q -e ".[dev,spark]"
	touch $(STAMP)

demo: install
	$(BIN)/python -m caopan.demo --db $(DEMO_DB)

test: install system
	$(BIN)/python -m pytest -q --engines $(ENGINES)

lint: install
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

check: lint test

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install
	$(BIN)/python bench/ingest_files.py

clean:
	rm -rf $(VENV) out spark-warehouse .pytest_cache .mypy_cache .ruff_cache
