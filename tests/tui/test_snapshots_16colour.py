"""The app on a 16-colour terminal (TERM=linux): ANSI theme, still legible at 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest

from perda_tui.logs import Log
from perda_tui.tui.app import ANSI_THEME, sixteen_colours
from tests.charts.plot_app import sample_log
from tests.tui.conftest import no_blink, snapshot_app
from tests.tui.test_snapshots_browser import show_full_entry
from tests.tui.test_snapshots_plot import SCENES, scene


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TERM": "linux"}, True),
        ({"TERM": "xterm-16color"}, True),
        ({"TERM": "xterm-256color"}, False),
        ({"TERM": "linux", "COLORTERM": "truecolor"}, False),
        ({}, False),
    ],
)
def test_sixteen_colour_detection(env: dict[str, str], expected: bool) -> None:
    assert sixteen_colours(env) is expected


def test_linux_console_gets_the_ansi_theme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.delenv("COLORTERM", raising=False)
    assert snapshot_app(tmp_path).theme == ANSI_THEME


@pytest.fixture
def linux_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.delenv("COLORTERM", raising=False)


@pytest.mark.usefixtures("linux_console")
def test_login(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=(80, 24), run_before=no_blink)


@pytest.mark.usefixtures("linux_console")
def test_browser(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=(80, 24), run_before=show_full_entry)


@pytest.fixture(scope="module")
def plot_log(tmp_path_factory: pytest.TempPathFactory) -> Log:
    return sample_log(tmp_path_factory.mktemp("plot16"))


@pytest.mark.usefixtures("linux_console")
@pytest.mark.parametrize("name", ["overlay", "stacked", "cursors"])
def test_plot(snap_compare, tmp_path: Path, plot_log: Log, name: str) -> None:
    """Markers come on by themselves: lines stay apart without colour."""
    app = snapshot_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=scene(plot_log, SCENES[name]))
