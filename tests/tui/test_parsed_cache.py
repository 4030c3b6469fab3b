"""The app opens logs through the parsed cache: parsed once, mapped after; the browser shows
the cache's size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from perda_tui.logs import Log
from perda_tui.parsed_cache import cache_bytes
from perda_tui.server.runner import RunningDataServer
from perda_tui.units import human_bytes
from tests.tui.conftest import browse, make_app, static_text, wait_for, wait_screen

KEY_NAME = "endurance.csv"
pytestmark = pytest.mark.anyio


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The paths the CSV parser (`Log.load`) read."""
    calls: list[Path] = []
    load = Log.load

    def counted(path: Path, **options: object) -> Log:
        calls.append(Path(path))
        return load(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(Log, "load", counted)
    return calls


async def test_second_open_maps_the_parsed_log(
    data_server: RunningDataServer, cache_dir: Path, parses: list[Path]
) -> None:
    app = make_app(data_server.url, cache_dir, password=data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11")
        await wait_for(pilot, lambda: KEY_NAME in [e.name for e in table.entries])
        table.move_to([e.name for e in table.entries].index(KEY_NAME))
        await pilot.press("enter")
        await wait_screen(pilot, "PlotScreen")
        first = app.screen.source_log  # type: ignore[attr-defined]
        app.pop_screen()
        await wait_screen(pilot, "BrowserScreen")
        await pilot.press("enter")
        await wait_screen(pilot, "PlotScreen")
        second = app.screen.source_log  # type: ignore[attr-defined]
    assert len(parses) == 1  # the second open mapped what the first stored
    assert first.names == second.names
    for name in first.names:
        np.testing.assert_array_equal(first[name].values, second[name].values)
        assert not second[name].values.flags.writeable  # mapped from the parsed form


async def test_browser_status_shows_the_cache_size(
    data_server: RunningDataServer, cache_dir: Path
) -> None:
    app = make_app(data_server.url, cache_dir, password=data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11")
        assert "in local cache (" not in static_text(pilot, "#status")  # nothing cached yet
        await wait_for(pilot, lambda: KEY_NAME in [e.name for e in table.entries])
        table.move_to([e.name for e in table.entries].index(KEY_NAME))
        await pilot.press("enter")
        await wait_screen(pilot, "PlotScreen")
        app.pop_screen()
        await wait_screen(pilot, "BrowserScreen")
        await pilot.press("r")  # a new listing measures the cache again
        size = human_bytes(cache_bytes(cache_dir))
        await wait_for(pilot, lambda: f"in local cache ({size})" in static_text(pilot, "#status"))
