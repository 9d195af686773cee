# The public targets are the contract (ARCHITECTURE.md): install, run, test, lint, bench.
# fmt, migrate and worker are thin helpers.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
# Every dependency, direct and transitive, pinned with hashes: the dev lock for make and CI, the base lock (the
# same versions, runtime only) for the Docker image. `make lock` refreshes both from pyproject.toml.
LOCK := requirements-dev.lock
BASE_LOCK := requirements.lock
PIP := $(PY) -m pip --disable-pip-version-check
UV_VERSION := 0.13.9
# `make lock LOCK_FLAGS=` keeps the current pins and only adds what pyproject.toml newly asks for.
LOCK_FLAGS ?= --upgrade

.PHONY: install lock run test lint typecheck bench fmt migrate worker clean

install: $(STAMP)

# Installs exactly the lock (hashes checked, nothing resolved), and again only when the lock changed.
$(STAMP): $(LOCK)
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (see README.md)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) install -q --require-hashes --no-deps -r $(LOCK)
	@touch $(STAMP)

# Resolves pyproject.toml's ranges to the newest versions allowed, on purpose; run the whole suite after it and
# commit the locks with what the new versions change (a newer botocore changes README.md's operation list).
lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) install -q uv==$(UV_VERSION)
	@$(VENV)/bin/uv pip compile -q $(LOCK_FLAGS) --generate-hashes --python-version 3.11 --extra dev \
		--custom-compile-command "make lock" -o $(LOCK) pyproject.toml
	@$(VENV)/bin/uv pip compile -q --generate-hashes --python-version 3.11 -c $(LOCK) \
		--custom-compile-command "make lock" -o $(BASE_LOCK) pyproject.toml
	@echo "Locked: $(LOCK) and $(BASE_LOCK). Now: make install test, then scripts/supported_operations.py --write."

migrate: install
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py migrate --database attempts --noinput -v 0
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

# The suite runs on every core (at most four workers), a test module per worker so that a module's live server,
# browser and Celery worker start once; `make test TEST_WORKERS=` runs it in one process.
TEST_WORKERS ?= --numprocesses auto --maxprocesses 4 --dist loadfile
# The browser tests drive Debian's chromium: installed here when missing (root, apt-get), a failure otherwise.
test: lint
	@scripts/ensure_chromium.sh
	$(VENV)/bin/pytest $(TEST_WORKERS)

# Every benchmark at sizes that keep the whole run to about ten minutes on the 2-core machine; docs/performance.md
# gives the flags for the issue's full sizes (each script's defaults).
BENCH_SCALE_FLAGS ?= --roles 10000 --sessions 100000 --runs 20 --max-seconds 300
BENCH_STARTUP_FLAGS ?= --roles 20000
BENCH_ROWS ?= 200000
# Every benchmark runs even when one before it exits non-zero (a crash, or bench_policy_eval.py disagreeing with Cedar;
# a missed speed goal is printed, not failed); the target fails at the end, naming them.
bench: install
	@failed=""; for bench in benchmarks/bench_*.py; do \
		case $$bench in \
			*/bench_scale.py) flags="$(BENCH_SCALE_FLAGS)";; \
			*/bench_startup.py) flags="$(BENCH_STARTUP_FLAGS)";; \
			*/bench_expiry_sweep.py|*/bench_event_history.py) flags="$(BENCH_ROWS)";; \
			*/bench_query_throughput.py) flags="--seconds 10";; \
			*) flags="";; \
		esac; \
		echo "== $$bench $$flags"; $(PY) $$bench $$flags || failed="$$failed $$bench"; \
	done; \
	if [ -n "$$failed" ]; then echo "exited non-zero (a crash, or bench_policy_eval disagreeing with Cedar):$$failed"; exit 1; fi

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: install
	$(VENV)/bin/celery -A iamconsole worker -B -l info

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
