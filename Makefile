# caopan — two commands do all set-up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ENGINES ?= duckdb,spark
DEMO_DB ?= out/demo.duckdb

.PHONY: install demo test check lint format docs bench clean system lock

install: $(STAMP)

# System packages the tests need: Java runs Spark local mode (a fresh machine has Java 17);
# Debian's Chromium and a CJK font run the browser tests (Chinese renders as boxes without it).
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq
system:
	@missing=""; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && $(APT_INSTALL) $$missing >/dev/null; \
	fi

# constraints.txt pins every package to the versions the tests (and their snapshots) were made
# with; refresh it with `make lock` after an upgrade.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev,spark]"
	touch $(STAMP)

lock: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^caopan' > constraints.txt

demo: install
	$(BIN)/python -m caopan.demo --db $(DEMO_DB)

test: install system
	$(BIN)/python -m pytest -q --engines $(ENGINES)

lint: install
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/cog --check docs/metrics.md

docs: install
	$(BIN)/cog -r docs/metrics.md

check: lint test

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install
	$(BIN)/python bench/ingest_files.py

clean:
	rm -rf $(VENV) out spark-warehouse .pytest_cache .mypy_cache .ruff_cache
