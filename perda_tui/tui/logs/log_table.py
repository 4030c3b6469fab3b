"""A virtual table of log entries: renders only the visible rows, so 10,000 entries stay smooth.

Textual's `DataTable` re-measures every cell when its rows are replaced (about two
seconds for 10,000 rows, see `bench/bench_browser.py`), which makes filter-as-you-type
sluggish. This widget keeps a list of entries and draws the rows on screen with the
Line API; replacing the list costs nothing until a frame is drawn.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip

from perda_tui.tui.common.text import clean, short_time, shorten_names
from perda_tui.tui.common.virtual_list import VirtualList, cursor_bindings, fit
from perda_tui.units import human_bytes

if TYPE_CHECKING:
    from perda_tui.clients.dataserver import LogEntry

#: Column titles; the first column holds the cache mark.
HEADERS = ("", "Name", "Title", "Size", "Modified", "Tags")
CACHED_MARK = "✓"
#: Put before the name of a log marked for comparison (Space in the browser).
COMPARE_MARK = "► "
_FIXED = {0: 1, 3: 9, 4: 16}  # mark, size, modified
_FLEX = {1: 5, 2: 3, 5: 2}  # name, title, tags share the rest: names first
_GAP = 1


@lru_cache(maxsize=16)
def column_widths(width: int) -> tuple[int, ...]:
    """Cell widths of the six columns for a table `width` cells wide (flex columns >= 4)."""
    spare = width - sum(_FIXED.values()) - _GAP * (len(HEADERS) - 1)
    total = sum(_FLEX.values())
    widths = [_FIXED.get(i, 0) for i in range(len(HEADERS))]
    for index, share in _FLEX.items():
        widths[index] = max(4, spare * share // total)
    widths[1] += max(0, spare - sum(widths[i] for i in _FLEX))
    return tuple(widths)


def display_name(entry: LogEntry) -> str:
    """The entry's name as listed: control characters removed, folders end in `/`."""
    return clean(entry.name) + ("/" if entry.is_folder else "")


def entry_cells(entry: LogEntry, cached: bool, name: str | None = None) -> tuple[str, ...]:
    """The six display strings of one entry (control characters removed); `name`
    replaces the full `display_name` (a shortened one)."""
    name = display_name(entry) if name is None else name
    if entry.is_folder:
        return ("", name, "", "", "", "")
    return (
        CACHED_MARK if cached else "",
        name,
        clean(entry.title),
        human_bytes(entry.size),
        short_time(entry.last_modified),
        ", ".join(clean(tag) for tag in entry.tags),
    )


class LogTable(VirtualList["LogEntry"]):
    """Folders and files with a row cursor; posts `Highlighted` and `Selected`."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "log-table--header",
        "log-table--cursor",
        "log-table--folder",
    }
    DEFAULT_CSS = """
    LogTable {
        background: $surface;
        overflow-x: hidden;
        & > .log-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .log-table--header { text-style: bold underline; }
        & > .log-table--folder { text-style: bold; }
        & > .log-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .log-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *cursor_bindings("table.", vim=True),
        Binding("enter", "select", "Open", id="table.open"),
    ]
    HEADER_LINES = 1
    CLICKS_TO_SELECT = 2

    class Highlighted(Message):
        """The cursor moved to `entry` (None when the table is empty)."""

        def __init__(self, entry: LogEntry | None) -> None:
            super().__init__()
            self.entry = entry

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LogTable.Highlighted)

    class Selected(Message):
        """The user opened `entry` (Enter or a double click)."""

        def __init__(self, entry: LogEntry) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._cached: Collection[str] = frozenset()
        self._marked: Collection[str] = frozenset()
        self._names: tuple[int, list[str]] | None = None  # names shortened to a width

    @property
    def entries(self) -> Sequence[LogEntry]:
        """The entries shown, in display order."""
        return self.items

    @property
    def highlighted(self) -> LogEntry | None:
        """The entry under the cursor."""
        return self.current

    def show(self, entries: Sequence[LogEntry], cached: Collection[str], cursor: int = 0) -> None:
        """Replace the rows (cheap: nothing is rendered until drawn) and place the cursor."""
        self._cached = cached
        self._names = None
        self.set_items(entries)
        if entries:
            self.move_to(cursor)
        else:
            self.scroll_to(y=0, animate=False, immediate=True)
            self.post_message(self.Highlighted(None))

    def set_marked(self, marked: Collection[str]) -> None:
        """Keys of the logs marked for comparison (drawn with `COMPARE_MARK`)."""
        self._marked = marked
        self._names = None
        self.refresh()

    def set_cached(self, cached: Collection[str]) -> None:
        """Update the cache marks (after a download)."""
        self._cached = cached
        self.refresh()

    def highlighted_message(self, item: LogEntry) -> Message:
        return self.Highlighted(item)

    def selected_message(self, item: LogEntry) -> Message:
        return self.Selected(item)

    def render_header(self, y: int, width: int) -> Strip:
        style = self.rich_style + self.get_component_rich_style("log-table--header")
        return self._strip(HEADERS, width, style)

    def render_item(self, index: int, part: int, width: int) -> Strip:
        entry = self.items[index]
        style = self.rich_style
        if entry.is_folder:
            style += self.get_component_rich_style("log-table--folder")
        if index == self.cursor:
            style += self.get_component_rich_style("log-table--cursor")
        name = self._short_name(index, column_widths(width)[1])
        return self._strip(entry_cells(entry, entry.key in self._cached, name), width, style)

    def _short_name(self, index: int, width: int) -> str:
        """Item `index`'s name shortened in the middle to `width`, never like another's."""
        if self._names is None or self._names[0] != width:
            names = [
                (COMPARE_MARK if entry.key in self._marked else "") + display_name(entry)
                for entry in self.items
            ]
            self._names = (width, shorten_names(names, width))
        return self._names[1][index]

    @staticmethod
    def _strip(cells: Sequence[str], width: int, style: Style) -> Strip:
        widths = column_widths(width)
        parts = [
            fit(cell, w, right=i == 3)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        line = fit((" " * _GAP).join(parts), width)
        return Strip([Segment(line, style)], width)
