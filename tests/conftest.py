"""Shared fixtures: every test runs with its own config and cache directory."""

import os
from pathlib import Path

import pytest

# compiled kernels (perda_tui.analysis.compiled) are cached once for the whole run, in
# pytest's own cache folder, not in each test's fresh cache folder
os.environ.setdefault(
    "NUMBA_CACHE_DIR", str(Path(__file__).resolve().parent.parent / ".pytest_cache" / "numba")
)

pytest_plugins = ["tests.fixtures.dataserver", "tests.drms.fixtures", "tests.scrutiny.fixtures"]


@pytest.fixture(autouse=True)
def isolated_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point config and cache at a fresh folder; clear settings from the environment."""
    folder = tmp_path_factory.mktemp("perda-config")
    monkeypatch.setenv("PERDA_CONFIG_DIR", str(folder))
    for var in ("PERDA_URL", "PERDA_CACHE_DIR", "PERDA_PASSWORD", "SCRUTINY_URL", "DRMS_SERVER"):
        monkeypatch.delenv(var, raising=False)
    return folder
