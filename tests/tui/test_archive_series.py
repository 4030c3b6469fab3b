"""The virtual series list: keyboard, mouse and drawing of thousands of series."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from perda_tui.clients.drms import SeriesSummary
from perda_tui.tui.archive.series import SeriesList

pytestmark = pytest.mark.anyio
SERIES = [SeriesSummary(f"hmi.S{i:04d}", f"note {i} [bold]not markup[/]") for i in range(5000)]


class ListApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield SeriesList(id="list")

    def on_mount(self) -> None:
        self.query_one(SeriesList).set_items(SERIES)
        self.query_one(SeriesList).focus()

    def on_series_list_highlighted(self, message: SeriesList.Highlighted) -> None:
        self.events.append(("Highlighted", message.series.name))

    def on_series_list_selected(self, message: SeriesList.Selected) -> None:
        self.events.append(("Selected", message.series.name))


def screen_lines(widget: SeriesList) -> list[str]:
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


async def test_keys_move_and_select() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 10)) as pilot:
        widget = app.query_one(SeriesList)
        assert widget.cursor is None and app.events == []
        await pilot.press("down", "down")
        assert widget.current == SERIES[1]
        await pilot.press("end")
        assert widget.current == SERIES[-1]
        assert screen_lines(widget)[-2:] == [" hmi.S4999", "   note 4999 [bold]not markup[/]"]
        await pilot.press("home", "pagedown")
        assert widget.current == SERIES[5]  # ten lines hold five series
        await pilot.press("enter")
        await pilot.pause()
        assert app.events[-1] == ("Selected", "hmi.S0005")
        assert ("Highlighted", "hmi.S4999") in app.events


async def test_click_selects_the_series_under_the_pointer() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.click(SeriesList, offset=(3, 5))  # line 5: the note of the third series
        await pilot.pause()
        assert app.events[-1] == ("Selected", "hmi.S0002")


async def test_replacing_items_resets_cursor_and_scroll() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 10)) as pilot:
        widget = app.query_one(SeriesList)
        await pilot.press("end")
        widget.set_items(SERIES[:3])
        await pilot.pause()
        assert widget.cursor is None and widget.scroll_y == 0
        assert screen_lines(widget)[:2] == [" hmi.S0000", "   note 0 [bold]not markup[/]"]
        assert screen_lines(widget)[6] == ""
