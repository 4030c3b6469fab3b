"""The device screen's watch table: a changed value rebuilds and repaints its own line only."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from perda_tui.tui.device.chart import COLUMNS, WIDTHS
from perda_tui.tui.device.watch_table import WatchTable
from tests.tui.conftest import wait_for

pytestmark = pytest.mark.anyio


def cells(path: str, value: str, style: str = "") -> list[Text]:
    return [Text(path), Text(value, style=style), Text(""), Text(""), Text(""), Text("now")]


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def compose(self) -> ComposeResult:
        yield WatchTable(COLUMNS, [WIDTHS[column] for column in COLUMNS], id="watch-table")

    def on_watch_table_write_requested(self, message: WatchTable.WriteRequested) -> None:
        self.asked.append(f"w {message.path}")

    def on_watch_table_remove_requested(self, message: WatchTable.RemoveRequested) -> None:
        self.asked.append(f"x {message.path}")


async def test_a_changed_value_rebuilds_only_its_own_line() -> None:
    async with TableApp().run_test(size=(80, 12)) as pilot:
        table = pilot.app.query_one(WatchTable)
        for index in range(20):
            table.add_row(f"/v{index}", cells(f"/v{index}", str(index)))
        await wait_for(pilot, lambda: table.line_renders > 0)
        await pilot.pause()
        built = table.line_renders
        assert not table.set_row("/v3", cells("/v3", "3"))  # same look: nothing to do
        assert table.set_row("/v3", cells("/v3", "3", style="dim"))  # the style counts
        await wait_for(pilot, lambda: table.line_renders > built)
        await pilot.pause()
        assert table.line_renders == built + 1
        assert table.get_row("/v3")[1].style == "dim"
        assert "/v3" in pilot.app.screen._compositor.render_strips()[4].text
        built = table.line_renders
        table.set_row("/v19", cells("/v19", "-1"))  # scrolled out of view: not drawn
        await pilot.pause()
        assert table.line_renders == built


async def test_keys_move_the_cursor_and_ask_to_write_or_remove() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(WatchTable)
        for index in range(3):
            table.add_row(f"/v{index}", cells(f"/v{index}", str(index)))
        table.focus()
        await pilot.press("down", "down", "w", "up", "delete")
        await wait_for(pilot, lambda: len(app.asked) == 2)
        assert app.asked == ["w /v2", "x /v1"]
        table.remove_row("/v1")
        assert table.highlighted == "/v2" and table.row_count == 2
