# make run  — serve the embedded default on http://127.0.0.1:8080 (SQLite, no other service)
# make test — install everything, start throwaway PostgreSQL and Redis, run the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-12)

.PHONY: run test fuzz lint format migrate bench install system-packages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq python3-venv; }
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

system-packages:
	@bash scripts/install-system-packages.sh

run: install
	$(BIN)/lms-rt migrate
	exec $(BIN)/lms-rt serve

test: install system-packages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The fuzz tests of `make test`, longer: LMS_TEST_FUZZ_SCALE multiplies their example counts.
FUZZ_SCALE ?= 10
fuzz: install system-packages
	LMS_TEST_FUZZ_SCALE=$(FUZZ_SCALE) $(BIN)/python -m pytest tests/fuzz $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check lms_rt tests
	$(BIN)/ruff format --check lms_rt tests
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix lms_rt tests
	$(BIN)/ruff format lms_rt tests

migrate: install
	$(BIN)/lms-rt migrate

bench: install system-packages
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; } \
		|| { echo "wrk is missing: install it (as root on Debian: apt-get install wrk)" >&2; exit 1; }
	$(BIN)/python tests/bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
