"""The browser's ✓ marks and cache size follow what other screens put in the cache."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from perda_tui.logs.store import wait_for_writes
from perda_tui.parsed_cache import cache_bytes
from perda_tui.server.runner import RunningDataServer
from perda_tui.tui.common.heap import heap_frozen
from perda_tui.tui.compare.screen import CompareScreen
from perda_tui.tui.help import InfoModal
from perda_tui.tui.logs.log_table import CACHED_MARK, LogTable
from perda_tui.units import human_bytes
from tests.tui.conftest import browse, make_app, static_text, wait_for, wait_screen

pytestmark = pytest.mark.anyio


def row_text(table: LogTable, name: str) -> str:
    index = [e.name for e in table.entries].index(name)
    return table.render_line(index + 1).text  # line 0 is the header


async def test_logs_a_comparison_downloaded_are_marked_on_return(
    data_server: RunningDataServer, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "cache"
    app = make_app(data_server.url, cache_dir, password=data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11")
        await wait_for(pilot, lambda: "endurance.csv" in [e.name for e in table.entries])
        assert CACHED_MARK not in row_text(table, "endurance.csv")
        table.move_to([e.name for e in table.entries].index("endurance.csv"))
        await pilot.press("space", "C")
        await wait_screen(pilot, "CompareScreen")
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        await wait_for(pilot, lambda: not compare.still_loading, timeout=60)
        # the parsed forms are stored once the runs are drawn: sizes settle after that
        await wait_for(pilot, lambda: wait_for_writes(0), timeout=60)
        await pilot.press("escape")
        await wait_screen(pilot, "BrowserScreen")
        await wait_for(pilot, lambda: CACHED_MARK in row_text(table, "endurance.csv"))
        size = human_bytes(cache_bytes(cache_dir))
        await wait_for(pilot, lambda: f"in local cache ({size})" in static_text(pilot, "#status"))


async def test_the_heap_is_frozen_at_rest_and_released_when_the_browser_goes(
    data_server: RunningDataServer, tmp_path: Path
) -> None:
    gc.unfreeze()  # whatever an earlier test left
    app = make_app(data_server.url, tmp_path / "cache", password=data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11")
        await wait_for(pilot, lambda: "endurance.csv" in [e.name for e in table.entries])
        await wait_for(pilot, heap_frozen)  # keystrokes no longer scan the whole app
        gc.unfreeze()  # as a screen that froze more does when it closes
        await app.push_screen(InfoModal("title", "body"))
        app.pop_screen()
        await wait_screen(pilot, "BrowserScreen")
        await wait_for(pilot, heap_frozen)  # frozen again once the browser is back
    assert not heap_frozen()
