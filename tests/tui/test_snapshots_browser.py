"""SVG snapshots of the browser with its sidebar, over a fixed in-process listing."""

from __future__ import annotations

from pathlib import Path

import pytest

from perda_tui.tui.logs.browser import BrowserScreen
from perda_tui.tui.logs.log_table import LogTable
from tests.tui.conftest import SNAPSHOT_SIZES, no_blink, snapshot_app
from tests.tui.listing import FULL, FixedSource


async def show_full_entry(pilot) -> None:
    """Open REV 11 and highlight the log with full metadata."""
    app = pilot.app
    await app.push_screen(BrowserScreen(FixedSource(), prefix="REV 11/"))
    await app.workers.wait_for_complete()
    await pilot.pause()
    table = app.screen.query_one(LogTable)
    table.move_to([e.key for e in table.entries].index(FULL.key))
    await no_blink(pilot)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_browser(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=show_full_entry)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_browser_filtered(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    async def filtered(pilot) -> None:
        await show_full_entry(pilot)
        await pilot.press("slash", *"dry")
        await no_blink(pilot)

    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=filtered)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_browser_marked(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    """Two logs marked for comparison (Space): ► before their names, the count in the status."""

    async def marked(pilot) -> None:
        await show_full_entry(pilot)
        await pilot.press("space", "down", "down", "space")
        await no_blink(pilot)

    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=marked)
