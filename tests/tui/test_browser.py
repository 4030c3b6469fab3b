"""Browsing the real reference data server: folders, filter, sort, sidebar, keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from perda_tui.server.runner import RunningDataServer
from perda_tui.tui.logs.log_table import LogTable
from tests.tui.conftest import browse, make_app, static_text, wait_for

pytestmark = pytest.mark.anyio


def names(table: LogTable) -> list[str]:
    return [e.name for e in table.entries]


async def test_navigate_into_folders_and_back(
    data_server: RunningDataServer, cache_dir: Path
) -> None:
    app = make_app(data_server.url, cache_dir, password=data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11")
        await wait_for(pilot, lambda: "endurance.csv" in names(table))
        assert names(table) == ["2026-04-01", "endurance.csv"]  # folders first
        assert "Logs / REV 11" in static_text(pilot, "#breadcrumb")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "accel.csv" in names(table))
        assert "REV 11 / 2026-04-01" in static_text(pilot, "#breadcrumb")
        await pilot.press("backspace")
        await wait_for(pilot, lambda: "endurance.csv" in names(table))
        assert table.highlighted.name == "2026-04-01"  # back on the folder we came from
        await pilot.press("h")
        await wait_for(pilot, lambda: names(table) == ["REV 10", "REV 11"])
        assert table.highlighted.name == "REV 11"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "endurance.csv" in names(table))
        await pilot.press("left")
        await wait_for(pilot, lambda: names(table) == ["REV 10", "REV 11"])


async def test_filter_sort_and_top_bottom(data_server: RunningDataServer, cache_dir: Path) -> None:
    app = make_app(data_server.url, cache_dir, password=data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11")
        await wait_for(pilot, lambda: "endurance.csv" in names(table))
        table.move_to(0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: names(table) == ["accel.csv", "autocross.csv"])
        await pilot.press("slash", *"auto")
        assert names(table) == ["autocross.csv"]
        assert "filter: auto (1 shown)" in static_text(pilot, "#status")
        await pilot.press("escape")
        assert names(table) == ["accel.csv", "autocross.csv"]
        await pilot.press("slash", *"ACCEL")  # tags and titles count, case-insensitively
        assert names(table) == ["accel.csv"]
        await pilot.press("enter")
        assert app.focused is table
        await pilot.press("escape")
        await pilot.press("s")  # date: newest first
        assert "sort: date" in static_text(pilot, "#status")
        dates = [e.last_modified for e in table.entries]
        assert dates == sorted(dates, reverse=True)
        await pilot.press("s")  # size: largest first
        assert "sort: size" in static_text(pilot, "#status")
        sizes = [e.size for e in table.entries]
        assert sizes == sorted(sizes, reverse=True)
        await pilot.press("s")
        assert names(table) == ["accel.csv", "autocross.csv"]
        await pilot.press("G")
        assert table.cursor == 1
        await pilot.press("g")
        assert table.cursor == 0


async def test_sidebar_full_and_empty_metadata(
    data_server: RunningDataServer, cache_dir: Path
) -> None:
    app = make_app(data_server.url, cache_dir, password=data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11")
        await wait_for(pilot, lambda: "endurance.csv" in names(table))
        await pilot.press("down")
        await pilot.pause()
        sidebar = static_text(pilot, "#metadata-body")
        for expected in (
            "Endurance",
            "Full endurance run at the spring test day",
            "Tags: endurance, dry",
            "driver",
            "Pitt Race",
            "max_speed_kph",
            "97.5",
            "Key: REV 11/endurance.csv",
            "Cache: not downloaded",
        ):
            assert expected in sidebar, expected
        await pilot.press("y")
        assert app.clipboard == "REV 11/endurance.csv"
        await pilot.press("G", "h")
        await wait_for(pilot, lambda: names(table) == ["REV 10", "REV 11"])
        table.move_to(0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: names(table) == ["skidpad.csv"])
        await pilot.pause()
        sidebar = static_text(pilot, "#metadata-body")
        assert "No description." in sidebar
        assert "Tags: none" in sidebar and "String metadata: none" in sidebar
        assert "Numeric metadata: none" in sidebar and "Key: REV 10/skidpad.csv" in sidebar


async def test_narrow_terminal_puts_sidebar_under_table_and_toggles_it(
    data_server: RunningDataServer, cache_dir: Path
) -> None:
    app = make_app(data_server.url, cache_dir, password=data_server.password)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await browse(pilot)
        sidebar = app.screen.query_one("#sidebar")
        assert app.screen.has_class("narrow")
        assert sidebar.region.y > table.region.y and sidebar.region.width == table.region.width
        await pilot.press("i")
        await pilot.pause()
        assert not sidebar.display
        assert table.region.height > 10
        await pilot.resize_terminal(120, 40)
        await pilot.press("i")
        await pilot.pause()
        assert not app.screen.has_class("narrow")
        assert sidebar.region.x > table.region.x and sidebar.region.y == table.region.y
