"""The app on a 16-colour terminal (TERM=linux): ANSI theme, still legible at 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest

from perda_tui.tui.app import ANSI_THEME, sixteen_colours
from tests.tui.conftest import no_blink, snapshot_app
from tests.tui.test_snapshots_browser import show_full_entry


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
