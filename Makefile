# Frontier: `make run` starts the product on its embedded database; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

# Test workers (pytest-xdist): each runs its own embedded PostgreSQL on a copy of the run's demo database.
TEST_WORKERS ?= 2

.PHONY: run test test-fast lint bench install clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Frontier needs Python >= 3.11 (set PYTHON=python3.11)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/frontier db upgrade
	$(BIN)/frontier demo load
	$(BIN)/frontier serve

lint: $(STAMP)
	$(BIN)/ruff check frontier tests bench
	$(BIN)/ruff format --check frontier tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# The inner loop: everything but the tests that start extra servers or kill processes (no lint).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not slow" -q

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf .pytest-tmp .mypy_cache .ruff_cache
