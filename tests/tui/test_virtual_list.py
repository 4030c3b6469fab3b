"""`VirtualList`: the cursor keys every list shares, and the cursor kept on an item."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip

from perda_tui.tui.common.virtual_list import VirtualList, cursor_bindings
from perda_tui.tui.device.watch_table import WatchTable
from perda_tui.tui.logs.log_table import LogTable

pytestmark = pytest.mark.anyio


def described(bindings: Sequence[BindingType]) -> list[tuple[str, str, str, bool, str | None]]:
    return [
        (b.key, b.action, b.description, b.show, b.id) for b in bindings if isinstance(b, Binding)
    ]


def test_cursor_bindings_are_the_keys_the_tables_had() -> None:
    assert described(cursor_bindings("table.", vim=True)) == [
        ("up,k", "move(-1)", "Up", False, "table.up"),
        ("down,j", "move(1)", "Down", False, "table.down"),
        ("pageup", "page(-1)", "Page up", False, "table.page_up"),
        ("pagedown", "page(1)", "Page down", False, "table.page_down"),
        ("home,g", "jump(0)", "Top", False, "table.top"),
        ("end,G", "jump(-1)", "Bottom", False, "table.bottom"),
    ]
    assert [b[0] for b in described(cursor_bindings("device.watch_"))] == [
        "up",
        "down",
        "pageup",
        "pagedown",
        "home",
        "end",
    ]
    assert described(WatchTable.BINDINGS)[:6] == described(cursor_bindings("device.watch_"))
    assert described(LogTable.BINDINGS)[:6] == described(cursor_bindings("table.", vim=True))


class Numbers(VirtualList[int]):
    """One line per number."""

    DEFAULT_CSS = "Numbers { height: 10; }"
    BINDINGS: ClassVar[list[BindingType]] = cursor_bindings("numbers.")

    class Highlighted(Message):
        def __init__(self, item: int) -> None:
            super().__init__()
            self.item = item

    def highlighted_message(self, item: int) -> Message:
        return self.Highlighted(item)

    def render_item(self, index: int, part: int, width: int) -> Strip:
        return Strip.blank(width)


class NumbersApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[int] = []

    def compose(self) -> ComposeResult:
        yield Numbers()

    def on_numbers_highlighted(self, message: Numbers.Highlighted) -> None:
        self.highlighted.append(message.item)


async def test_keys_move_the_cursor_within_the_items() -> None:
    app = NumbersApp()
    async with app.run_test(size=(40, 20)) as pilot:
        numbers = app.query_one(Numbers)
        numbers.focus()
        await pilot.press("down", "end", "pageup")  # no items: nothing moves, nothing fails
        assert numbers.cursor is None and numbers.current is None
        numbers.set_items(list(range(30)))
        await pilot.press("down")  # no cursor yet: the first item
        assert numbers.cursor == 0
        await pilot.press("up")  # clamped at the top
        assert numbers.cursor == 0
        await pilot.press("pagedown")
        assert numbers.cursor == 10  # a page is the lines in view
        await pilot.press("end")
        assert numbers.cursor == 29 and numbers.scroll_offset.y == 20  # scrolled into view
        await pilot.press("down", "pagedown")  # clamped at the bottom
        assert numbers.cursor == 29
        await pilot.press("pageup", "home")
        assert numbers.cursor == 0 and numbers.scroll_offset.y == 0
        await pilot.pause()
        assert app.highlighted == [0, 10, 29, 19, 0]  # announced only when it moved


async def test_items_added_and_removed_in_place_keep_the_cursor_on_an_item() -> None:
    app = NumbersApp()
    async with app.run_test(size=(40, 20)) as pilot:
        numbers = app.query_one(Numbers)
        items: list[int] = []
        numbers.set_items(items)
        items.append(7)
        numbers.item_added()
        assert numbers.cursor == 0 and numbers.virtual_size.height == 1
        items.append(8)
        numbers.item_added()
        assert numbers.cursor == 0  # a cursor stays where it is
        numbers.move_to(1)
        items.pop()
        numbers.item_removed()
        assert numbers.cursor == 0 and numbers.current == 7  # the last line went: back one
        items.pop()
        numbers.item_removed()
        assert numbers.cursor is None and numbers.virtual_size.height == 0
        await pilot.pause()
