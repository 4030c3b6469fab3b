"""Helpers for pilot tests: app construction and waiting for what the user sees."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Static

from perda_tui.config import Settings
from perda_tui.tui.app import PerdaApp
from perda_tui.tui.logs.log_table import LogTable


@pytest.fixture
def anyio_backend() -> str:
    """Pilot tests run on asyncio (through anyio's pytest plugin)."""
    return "asyncio"


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """An empty cache folder for one test."""
    return tmp_path / "cache"


def make_app(url: str, cache_dir: Path, **options: object) -> PerdaApp:
    """The app as `perda-tui --url URL --cache-dir DIR` would start it."""
    return PerdaApp(Settings(url=url, cache_dir=cache_dir), **options)  # type: ignore[arg-type]


async def wait_for(
    pilot: Pilot[object], condition: Callable[[], bool], timeout: float = 10.0
) -> None:
    """Let the app run until `condition()` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition.__doc__ or condition}")
        await pilot.pause(0.02)


def screen_name(pilot: Pilot[object]) -> str:
    """Class name of the active screen."""
    return type(pilot.app.screen).__name__


def static_text(pilot: Pilot[object], selector: str) -> str:
    """Plain text shown by the `Static` matching `selector` on the active screen."""
    widget = pilot.app.screen.query_one(selector, Static)
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def browse(pilot: Pilot[object], *folders: str) -> LogTable:
    """Wait for the browser and its first listing, then enter `folders` one after the other."""
    await wait_for(
        pilot,
        lambda: screen_name(pilot) == "BrowserScreen" and bool(pilot.app.screen.query(LogTable)),
    )
    table = pilot.app.screen.query_one(LogTable)
    await wait_for(pilot, lambda: len(table.entries) > 0)
    for folder in folders:
        await wait_for(pilot, lambda f=folder: f in [e.name for e in table.entries])
        table.move_to([e.name for e in table.entries].index(folder))
        await pilot.press("enter")
        await wait_for(pilot, lambda f=folder: f not in [e.name for e in table.entries])
    return table


async def wait_screen(pilot: Pilot[object], *names: str, timeout: float = 10.0) -> None:
    """Wait until the active screen is one of `names` and has finished mounting."""
    await wait_for(pilot, lambda: screen_name(pilot) in names, timeout)
    await wait_for(pilot, lambda: pilot.app.screen.is_mounted, timeout)
    await pilot.pause()


#: Snapshot sizes: the smallest supported terminal and a common large one.
SNAPSHOT_SIZES = [(80, 24), (120, 40)]
#: A fixed URL so snapshots show no random port.
SNAPSHOT_URL = "https://data.example.org"


def snapshot_app(tmp_path: Path) -> PerdaApp:
    """The app as snapshots see it: fixed URL, empty cache, no cursor blink."""
    return make_app(SNAPSHOT_URL, tmp_path / "cache")


async def no_blink(pilot: Pilot[object]) -> None:
    """Stop text cursors blinking so the picture does not depend on timing."""
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()
