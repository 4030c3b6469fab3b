# perda-tui: every target creates what it needs, so each works alone on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test demo bench screenshots lint format clean scrutiny-venvs

install: $(STAMP)

# Everything installs from the committed uv.lock (universal: x86-64 and a Raspberry Pi's
# aarch64 alike), exactly: a package the lock does not name is removed. uv itself is
# pinned and lives in its own small virtualenv.
UV_VERSION := 0.13.9
UV_VENV := .venv-uv
UV := UV_PYTHON_DOWNLOADS=never $(UV_VENV)/bin/uv

$(UV_VENV)/.installed:
	rm -rf $(UV_VENV)
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION)
	touch $@

# Bytecode is compiled at install: with PYTHONDONTWRITEBYTECODE set (as on CI and many
# containers) nothing else writes it, and every start would recompile numpy, pandas and
# Textual from source (importing numpy alone: 0.52 s instead of 0.16 s).
$(STAMP): pyproject.toml uv.lock $(UV_VENV)/.installed
	$(UV) sync --quiet --frozen --extra server --python $(PYTHON) --compile-bytecode
	$(BIN)/python -m compileall -q perda_tui
	touch $(STAMP)

test: lint scrutiny-venvs
	$(BIN)/python -m pytest

demo: install scrutiny-venvs
	$(BIN)/perda-tui demo

bench: install scrutiny-venvs
	$(BIN)/python -m compileall -q perda_tui
	$(BIN)/python -m bench

screenshots: install scrutiny-venvs
	$(BIN)/python -m pytest tests/tui/test_snapshots_*.py --snapshot-update -q
	$(BIN)/python -m tests.tui.export_screenshots screenshots

# ruff, the type checker and the import contracts (pyproject.toml [tool.importlinter])
lint: install
	$(BIN)/ruff check perda_tui tests bench
	$(BIN)/ruff format --check perda_tui tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format perda_tui tests bench
	$(BIN)/ruff check --fix perda_tui tests bench

# Real Scrutiny servers for tests, demo and bench, each in its own virtualenv (see DESIGN.md).
# 0.16 (TCP) without its GUI: --no-deps plus what the server imports; 0.1.0 (WebSocket) legacy.
SCRUTINY_VENV := .venv-scrutiny
SCRUTINY_WS_VENV := .venv-scrutiny-ws

scrutiny-venvs: $(SCRUTINY_VENV)/.installed $(SCRUTINY_WS_VENV)/.installed

$(SCRUTINY_VENV)/.installed:
	rm -rf $(SCRUTINY_VENV)
	$(PYTHON) -m venv $(SCRUTINY_VENV)
	$(SCRUTINY_VENV)/bin/python -m pip install --quiet appdirs==1.4.4 pyelftools==0.33 pyserial==3.5 python-can==4.5.0
	$(SCRUTINY_VENV)/bin/python -m pip install --quiet --no-deps scrutinydebugger==0.16.0
	$(PYTHON) perda_tui/server/scrutiny_launcher.py --check tcp
	touch $@

$(SCRUTINY_WS_VENV)/.installed:
	rm -rf $(SCRUTINY_WS_VENV)
	$(PYTHON) -m venv $(SCRUTINY_WS_VENV)
	$(SCRUTINY_WS_VENV)/bin/python -m pip install --quiet websockets==11.0.3 appdirs==1.4.4 pyelftools==0.33 sortedcontainers==2.4.0 pyserial==3.5
	$(SCRUTINY_WS_VENV)/bin/python -m pip install --quiet --no-deps scrutinydebugger==0.1.0
	$(PYTHON) perda_tui/server/scrutiny_launcher.py --check ws
	touch $@

clean:
	rm -rf $(VENV) $(UV_VENV) .venv-scrutiny .venv-scrutiny-ws .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
