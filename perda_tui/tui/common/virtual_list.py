"""`VirtualList`: a cursor list drawn with the Line API, so only the visible lines are rendered.

Replacing the items costs nothing until a frame is drawn, which keeps filter-as-you-type
smooth over thousands of items. Subclasses say how many lines an item takes, how to draw
one of its lines (and an optional fixed header), and which messages announce the cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Generic, TypeVar

from rich.cells import cell_len, set_cell_size
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

ItemT = TypeVar("ItemT")

#: The cursor keys of every list: (id suffix, keys, action, description).
CURSOR_KEYS = (
    ("up", "up", "move(-1)", "Up"),
    ("down", "down", "move(1)", "Down"),
    ("page_up", "pageup", "page(-1)", "Page up"),
    ("page_down", "pagedown", "page(1)", "Page down"),
    ("top", "home", "jump(0)", "Top"),
    ("bottom", "end", "jump(-1)", "Bottom"),
)
#: Extra keys of `cursor_bindings(vim=True)`, by id suffix.
VIM_KEYS = {"up": "k", "down": "j", "top": "g", "bottom": "G"}


def cursor_bindings(id_prefix: str, *, vim: bool = False) -> list[BindingType]:
    """Hidden bindings of the cursor keys (up, down, page up/down, home, end) to the
    `VirtualList` actions, with ids `id_prefix` + `up`, `down`, `page_up`, `page_down`,
    `top`, `bottom`; `vim` adds k, j, g and G."""
    return [
        Binding(
            f"{keys},{VIM_KEYS[name]}" if vim and name in VIM_KEYS else keys,
            action,
            description,
            show=False,
            id=id_prefix + name,
        )
        for name, keys, action, description in CURSOR_KEYS
    ]


def fit(text: str, width: int, *, right: bool = False) -> str:
    """`text` padded or cut to exactly `width` cells; a cut ends with an ellipsis."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    padding = " " * (width - cell_len(text))
    return padding + text if right else text + padding


class VirtualList(ScrollView, Generic[ItemT], can_focus=True):
    """Items under a fixed header, with a cursor moved by the `move`, `page`, `jump` and
    `select` actions (subclasses bind keys to them) and by the mouse."""

    #: Screen lines per item.
    LINES_PER_ITEM: ClassVar[int] = 1
    #: Lines of fixed header above the items (they do not scroll).
    HEADER_LINES: ClassVar[int] = 0
    #: Clicks on an item that select it (2: a double click).
    CLICKS_TO_SELECT: ClassVar[int] = 1

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: Sequence[ItemT] = ()
        self.cursor: int | None = None

    @property
    def current(self) -> ItemT | None:
        """The item under the cursor."""
        return self.items[self.cursor] if self.items and self.cursor is not None else None

    def set_items(self, items: Sequence[ItemT]) -> None:
        """Replace the items (cheap: nothing is rendered until drawn); no cursor yet."""
        self.items = items
        self.cursor = None
        self._fit_to_items()
        self.refresh()

    def item_added(self) -> None:
        """An item was appended to `items` in place; the cursor goes to the first item if
        it had none."""
        self._fit_to_items()
        if self.cursor is None:
            self.move_to(0)
        self.refresh()

    def item_removed(self) -> None:
        """An item was removed from `items` in place; the cursor stays on the same line
        (the last item when that line is gone, none when the list is empty)."""
        self._fit_to_items()
        if not self.items:
            self.cursor = None
        elif self.cursor is not None:
            self.move_to(self.cursor)  # clamped to the last item
        self.refresh()

    def _fit_to_items(self) -> None:
        """Scroll height for the items under the header."""
        self.virtual_size = Size(0, self.HEADER_LINES + self.LINES_PER_ITEM * len(self.items))

    def move_to(self, index: int) -> None:
        """Put the cursor on item `index` (clamped), scroll it into view and announce it."""
        if not self.items:
            return
        index = max(0, min(index, len(self.items) - 1))
        changed = index != self.cursor
        self.cursor = index
        self._scroll_to_cursor()
        self.refresh()
        if changed:
            self.post_message(self.highlighted_message(self.items[index]))

    def highlighted_message(self, item: ItemT) -> Message:
        """The message saying the cursor moved onto `item`."""
        raise NotImplementedError

    def selected_message(self, item: ItemT) -> Message:
        """The message saying the user chose `item`."""
        raise NotImplementedError

    def render_item(self, index: int, part: int, width: int) -> Strip:
        """Line `part` of item `index`, `width` cells wide."""
        raise NotImplementedError

    def render_header(self, y: int, width: int) -> Strip:
        """Header line `y` (only called when `HEADER_LINES` > 0)."""
        raise NotImplementedError

    @property
    def _view_lines(self) -> int:
        """Lines available to items (at least one item's worth)."""
        return max(self.LINES_PER_ITEM, self.scrollable_content_region.height - self.HEADER_LINES)

    def _scroll_to_cursor(self) -> None:
        if self.cursor is None:
            return
        top = self.cursor * self.LINES_PER_ITEM
        bottom = top + self.LINES_PER_ITEM
        view_top = self.scroll_offset.y
        if top < view_top:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif bottom > view_top + self._view_lines:
            self.scroll_to(y=bottom - self._view_lines, animate=False, immediate=True)

    def item_at(self, y: int) -> int | None:
        """Index of the item drawn on screen line `y`, if any."""
        if y < self.HEADER_LINES:
            return None
        index = (y - self.HEADER_LINES + self.scroll_offset.y) // self.LINES_PER_ITEM
        return index if 0 <= index < len(self.items) else None

    def action_move(self, step: int) -> None:
        self.move_to(0 if self.cursor is None else self.cursor + step)

    def action_page(self, step: int) -> None:
        rows = max(1, self._view_lines // self.LINES_PER_ITEM)
        self.move_to(0 if self.cursor is None else self.cursor + step * rows)

    def action_jump(self, index: int) -> None:
        self.move_to(index if index >= 0 else len(self.items) - 1)

    def action_select(self) -> None:
        if self.cursor is None:
            self.move_to(0)
        if self.current is not None:
            self.post_message(self.selected_message(self.current))

    def on_click(self, event: events.Click) -> None:
        index = self.item_at(event.y)
        if index is not None:
            self.move_to(index)
            if event.chain >= self.CLICKS_TO_SELECT:
                self.action_select()

    def on_resize(self, _event: events.Resize) -> None:
        self._scroll_to_cursor()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y < self.HEADER_LINES:
            return self.render_header(y, width)
        line = y - self.HEADER_LINES + self.scroll_offset.y
        index, part = divmod(line, self.LINES_PER_ITEM)
        if index >= len(self.items):
            return Strip.blank(width, self.rich_style)
        return self.render_item(index, part, width)
