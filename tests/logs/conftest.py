"""Helpers for log-engine tests: small hand-written logs in temporary files."""

from collections.abc import Callable
from pathlib import Path

import pytest

SPEC_EXAMPLE = """\
PER Log: Thu Jun 11 17:06:37 2026 v2.0
Value Pack voltage (ams.pack.voltage): 1
Value pcm.wheelSpeeds.frontRight: 2
100,1,12.5
50,1,12.4
100,2,3
7,9,1.0
"""


@pytest.fixture
def write_log(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a file in tmp_path and return its path."""

    def write(content: str | bytes, name: str = "log.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return write


@pytest.fixture(scope="module")
def sample_log_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated sample log (its timestamps start at the logger's boot offset, not 0)."""
    from perda_tui.samples.writer import write_sample_log

    return write_sample_log(tmp_path_factory.mktemp("sample") / "run.csv", 5_000)
