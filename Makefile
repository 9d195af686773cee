# The public targets are the contract (ARCHITECTURE.md): install, run, test, lint, bench.
# fmt, migrate and worker are thin helpers.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.PHONY: install run test lint typecheck bench fmt migrate worker clean

install: $(STAMP)

# Reinstalls only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (see README.md)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check -U pip
	@$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

migrate: install
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py syncawspolicies

# The printed links follow PORT unless IAM_CONSOLE_URL says otherwise.
run: export IAM_CONSOLE_URL ?= http://127.0.0.1:$(PORT)
run: migrate
	@$(PY) manage.py demoaccount
	@PORT=$(PORT) $(PY) scripts/run.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy .

typecheck: install
	$(VENV)/bin/mypy .

test: lint
	$(VENV)/bin/pytest

bench: install
	@set -e; for bench in benchmarks/bench_*.py; do echo "== $$bench"; $(PY) $$bench; done

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: install
	$(VENV)/bin/celery -A iamconsole worker -B -l info

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
