# perda-tui: every target creates what it needs, so each works alone on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test demo bench screenshots lint format clean scrutiny-venvs

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: install scrutiny-venvs
	$(BIN)/ruff check perda_tui tests bench
	$(BIN)/python -m pytest

demo: install scrutiny-venvs
	$(BIN)/perda-tui demo

bench: install scrutiny-venvs
	$(BIN)/python -m bench

screenshots: install scrutiny-venvs
	$(BIN)/python -m pytest tests/tui/test_snapshots.py --snapshot-update -q
	$(BIN)/python -m tests.tui.export_screenshots screenshots

lint: install
	$(BIN)/ruff check perda_tui tests bench
	$(BIN)/ruff format --check perda_tui tests bench

format: install
	$(BIN)/ruff format perda_tui tests bench
	$(BIN)/ruff check --fix perda_tui tests bench

scrutiny-venvs:

clean:
	rm -rf $(VENV) .venv-scrutiny .venv-scrutiny-ws .pytest_cache .ruff_cache
