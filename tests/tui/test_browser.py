"""Browsing the real reference data server: folders, filter, sort, sidebar, keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from perda_tui.clients.dataserver import LogEntry
from perda_tui.server.runner import RunningDataServer
from perda_tui.tui.logs.browser import BrowserScreen
from perda_tui.tui.logs.log_table import LogTable, column_widths
from perda_tui.tui.messages import LogSource
from tests.tui.conftest import browse, make_app, snapshot_app, static_text, wait_for, wait_screen
from tests.tui.listing import FULL, FixedSource, HeldListing

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
        await pilot.press("b")
        await pilot.pause()
        assert not sidebar.display
        assert table.region.height > 10
        await pilot.resize_terminal(120, 40)
        await pilot.press("b")
        await pilot.pause()
        assert not app.screen.has_class("narrow")
        assert sidebar.region.x > table.region.x and sidebar.region.y == table.region.y


# -- 80x24 and the keyboard (fixed in-process listings: no server needed) ------------------


async def open_browser(pilot: Pilot[object], source: LogSource, prefix: str = "") -> LogTable:
    await pilot.app.push_screen(BrowserScreen(source, prefix))
    return await browse(pilot)


def footer_keys(pilot: Pilot[object]) -> list[str]:
    """Descriptions of the footer keys that fit on screen, left to right."""
    keys = sorted(pilot.app.screen.query(FooterKey), key=lambda k: k.region.x)
    return [k.description for k in keys if k.region.right <= pilot.app.size.width]


async def test_whole_sidebar_reachable_at_80x24(tmp_path: Path) -> None:
    app = snapshot_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_browser(pilot, FixedSource(), "REV 11/")
        table.move_to([e.key for e in table.entries].index(FULL.key))
        await pilot.press("i")
        await pilot.pause()
        sidebar = app.screen.query_one("#sidebar")
        assert app.focused is sidebar and not table.display
        assert sidebar.region.width == 80
        await pilot.press("end")
        await pilot.pause()
        assert sidebar.scroll_y == sidebar.max_scroll_y
        last = sidebar.query_one("#metadata-body").region.bottom - 1
        assert sidebar.region.y <= last - sidebar.scroll_y < sidebar.region.bottom  # on screen
        assert "Cache: not downloaded" in static_text(pilot, "#metadata-body")
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is table and table.display


async def test_long_names_shortened_in_the_middle_and_distinct(tmp_path: Path) -> None:
    entries = [
        LogEntry(key=f"L/{name}", name=name, is_folder=False, size=1, title="t")
        for name in (
            f"endurance_2026-04-01_michigan_international_speedway_run_{run}_driver_AB.csv"
            for run in "123"
        )
    ]
    app = snapshot_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_browser(pilot, FixedSource({"": entries}))
        await pilot.pause()
        rows = [table.render_line(y).text for y in range(1, 4)]
        width = column_widths(table.scrollable_content_region.width)[1]
        shown = [row[1 : 3 + width].strip() for row in rows]  # the name column
        assert all("…" in name for name in shown), shown
        assert len(set(shown)) == 3, shown
        assert all(name.startswith("endur") for name in shown), shown


async def test_long_error_is_shortened_and_m_shows_all_of_it(tmp_path: Path) -> None:
    message = "the gateway said no " + "and went on explaining at length " * 5 + "THE END"

    class Failing(FixedSource):
        def list_logs(self, prefix: str) -> list[LogEntry]:
            raise ValueError(message)

    app = snapshot_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(BrowserScreen(Failing()))
        await wait_for(pilot, lambda: static_text(pilot, "#status").startswith("Error:"))
        shown = static_text(pilot, "#status").strip()
        assert shown.endswith("(r retry · m full)") and "THE END" not in shown
        await wait_for(pilot, lambda: "Full message" in footer_keys(pilot))
        await pilot.press("m")
        await wait_screen(pilot, "InfoModal")
        assert "THE END" in static_text(pilot, "#info-body")


async def test_footer_shows_the_browser_keys_first(tmp_path: Path) -> None:
    app = snapshot_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_browser(pilot, FixedSource())
        await wait_for(pilot, lambda: len(footer_keys(pilot)) >= 4)
        assert footer_keys(pilot)[:4] == ["Open", "Back", "Filter", "Info"]


TYPE_AHEAD = {
    "": [LogEntry(key="REV 11/", name="REV 11", is_folder=True)],
    "REV 11/": [
        LogEntry(key="REV 11/accel.csv", name="accel.csv", is_folder=False, size=1),
        LogEntry(key="REV 11/fast/", name="fast", is_folder=True),
        LogEntry(key="REV 11/skidpad.csv", name="skidpad.csv", is_folder=False, size=1),
    ],
    "REV 11/fast/": [LogEntry(key="REV 11/fast/a.csv", name="a.csv", is_folder=False, size=1)],
}


async def test_filter_typed_while_a_folder_loads_applies_to_it(tmp_path: Path) -> None:
    source = HeldListing("REV 11/", TYPE_AHEAD)
    app = snapshot_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_browser(pilot, source)
        await pilot.press("enter")
        await wait_for(pilot, source.asked.is_set)
        await pilot.press("slash", *"skid")
        source.release.set()
        await wait_for(pilot, lambda: "REV 11" in static_text(pilot, "#breadcrumb"))
        assert names(table) == ["skidpad.csv"]
        assert app.screen.query_one("#filter", Input).value == "skid"


async def test_enter_while_a_folder_loads_opens_the_row_once_it_arrives(tmp_path: Path) -> None:
    source = HeldListing("REV 11/", TYPE_AHEAD)
    app = snapshot_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_browser(pilot, source)
        await pilot.press("enter")
        await wait_for(pilot, source.asked.is_set)
        await pilot.press("slash", *"fa", "enter", "enter")  # filter, back to the list, open
        assert "opens when it arrives" in static_text(pilot, "#status")
        source.release.set()
        await wait_for(pilot, lambda: names(table) == ["a.csv"])
        assert "Logs / REV 11 / fast" in static_text(pilot, "#breadcrumb")


async def test_space_marks_logs_across_folders_and_c_asks_to_compare(tmp_path: Path) -> None:
    from textual.app import App

    from perda_tui.tui.messages import CompareRequested
    from tests.tui.listing import LISTINGS

    listings = {
        **LISTINGS,
        "REV 10/": [
            LogEntry(key=f"REV 10/run{i}.csv", name=f"run{i}.csv", is_folder=False, size=10)
            for i in range(6)
        ],
    }
    requests: list[CompareRequested] = []

    def hook(message: object) -> None:
        if isinstance(message, CompareRequested):
            requests.append(message)

    app = App[None]()
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        table = await open_browser(pilot, FixedSource(listings), "REV 11/")
        await pilot.press("C")  # nothing marked, a folder highlighted: a hint only
        await pilot.pause()
        assert not requests
        table.move_to([e.key for e in table.entries].index(FULL.key))
        await pilot.press("C")  # nothing marked: the highlighted log alone
        await wait_for(pilot, lambda: len(requests) == 1)
        assert [e.key for e in requests[0].entries] == [FULL.key]
        table.move_to(0)
        await pilot.press("space")  # a folder cannot be marked
        assert "marked" not in static_text(pilot, "#status")
        table.move_to([e.key for e in table.entries].index(FULL.key))
        await pilot.press("space")
        assert "1 marked ► (C compare)" in static_text(pilot, "#status")
        await pilot.press("backspace")
        await wait_for(pilot, lambda: [e.name for e in table.entries] == ["REV 10", "REV 11"])
        table.move_to(0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(table.entries) == 6)
        for _ in range(6):  # five more fit, the sixth is refused
            await pilot.press("space", "down")
        assert "6 marked" in static_text(pilot, "#status")
        assert table.render_line(1).text.strip().startswith("► run0.csv")
        assert "►" not in table.render_line(6).text  # run5: the seventh mark was refused
        await pilot.press("up", "space")  # unmark run4
        assert "5 marked" in static_text(pilot, "#status")
        await pilot.press("down", "space")  # now run5 fits
        assert "6 marked" in static_text(pilot, "#status")
        await pilot.press("C")
        await wait_for(pilot, lambda: len(requests) == 2)
        keys = [e.key for e in requests[1].entries]
        assert keys[0] == FULL.key and len(keys) == 6 and "REV 10/run4.csv" not in keys
