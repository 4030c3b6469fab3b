"""`WatchTable`: the readouts of the watched values, drawn with the Line API.

Each row's line is cached and rebuilt only when one of its cells changes; a change
repaints that one line, not the table (a `DataTable` repaints every visible row on any
cell update, which cost most of the device screen's CPU).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from perda_tui.tui.common.virtual_list import VirtualList, cursor_bindings, fit

#: Cells that are the same when drawn: text and style of each.
RowKey = tuple[tuple[str, str], ...]


def row_key(cells: Sequence[Text]) -> RowKey:
    """What decides how `cells` look (`Text ==` compares the text only)."""
    return tuple((cell.plain, str(cell.style)) for cell in cells)


class WatchTable(VirtualList[str]):
    """One row per watched path under a header of column names; Delete removes the
    highlighted watch, `w` (or Enter, or a double click) writes to it."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"watch-table--header", "watch-table--cursor"}
    DEFAULT_CSS = """
    WatchTable {
        overflow-x: hidden;
        & > .watch-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .watch-table--header { text-style: bold underline; }
        & > .watch-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .watch-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *cursor_bindings("device.watch_"),
        Binding("delete,backspace", "remove", "Unwatch", id="device.unwatch"),
        Binding("w,enter", "write", "Write", id="device.write"),
    ]
    HEADER_LINES = 1
    CLICKS_TO_SELECT = 2

    class Highlighted(Message):
        """The cursor moved to `path`."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    class WriteRequested(Message):
        """The user asked to write a new value to `path`."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    class RemoveRequested(Message):
        """The user asked to stop watching `path`."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def __init__(
        self, columns: Sequence[str], widths: Sequence[int], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self.widths = tuple(widths)
        self._paths: list[str] = []
        self.items = self._paths
        self._cells: dict[str, list[Text]] = {}
        self._keys: dict[str, RowKey] = {}
        self._lines: dict[str, Strip] = {}  # rows drawn without the cursor, per path
        self._cursor_line: tuple[str, Style, Strip] | None = None  # (path, style, line)
        self._width = 0  # of the lines in `_lines`
        self._style: Style | None = None  # `rich_style`, kept until the styles change
        self.line_renders = 0
        """Row lines built since mounted (a cached line drawn again is not counted)."""

    @property
    def row_count(self) -> int:
        """Rows shown."""
        return len(self._paths)

    def get_row(self, path: str) -> list[Text]:
        """The cells of `path`'s row."""
        return self._cells[path]

    def add_row(self, path: str, cells: list[Text]) -> None:
        """A row for `path` at the bottom (the cursor goes to the first row)."""
        self._paths.append(path)
        self._cells[path], self._keys[path] = cells, row_key(cells)
        self.item_added()

    def remove_row(self, path: str) -> None:
        """Remove `path`'s row; the cursor stays on the same line (or the last row)."""
        if path not in self._cells:
            return
        self._paths.remove(path)
        del self._cells[path], self._keys[path]
        self._forget_line(path)
        self.item_removed()

    def set_row(self, path: str, cells: list[Text]) -> bool:
        """Show `cells` in `path`'s row; only a row that looks different is repainted.
        True when it was."""
        return self.set_rows([(path, cells)]) > 0

    def set_rows(self, rows: Iterable[tuple[str, list[Text]]]) -> int:
        """`set_row` for each (path, cells), with one repaint request for them all; how
        many rows changed."""
        changed = []
        for path, cells in rows:
            key = row_key(cells)
            if self._keys.get(path, key) != key:
                self._cells[path], self._keys[path] = cells, key
                self._forget_line(path)
                changed.append(path)
        if changed:
            top, height = self.scroll_offset.y, self.scrollable_content_region.height
            lines = (self.HEADER_LINES + self._paths.index(path) - top for path in changed)
            width = self.size.width
            regions = [Region(0, y, width, 1) for y in lines if self.HEADER_LINES <= y < height]
            if regions:
                self.refresh(*regions)
        return len(changed)

    def _forget_line(self, path: str) -> None:
        """Drop the drawn lines of `path` (its cells changed or it is gone)."""
        self._lines.pop(path, None)
        if self._cursor_line is not None and self._cursor_line[0] == path:
            self._cursor_line = None

    @property
    def highlighted(self) -> str | None:
        """The path under the cursor."""
        return self.current

    def highlighted_message(self, item: str) -> Message:
        return self.Highlighted(item)

    def selected_message(self, item: str) -> Message:
        return self.WriteRequested(item)

    def action_write(self) -> None:
        """Ask to write to the highlighted path."""
        if self.highlighted is not None:
            self.post_message(self.WriteRequested(self.highlighted))

    def action_remove(self) -> None:
        """Ask to stop watching the highlighted path."""
        if self.highlighted is not None:
            self.post_message(self.RemoveRequested(self.highlighted))

    def render_header(self, y: int, width: int) -> Strip:
        style = self.rich_style + self.get_component_rich_style("watch-table--header")
        headers = [Text(column) for column in self.columns]
        return self._strip(headers, width, style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style = None
        self._lines.clear()
        self._cursor_line = None

    def render_item(self, index: int, part: int, width: int) -> Strip:
        path = self._paths[index]
        if self._style is None:
            self._style = self.rich_style
        if width != self._width:
            self._width = width
            self._lines.clear()
            self._cursor_line = None
        if index == self.cursor:
            cursor = self._style + self.get_component_rich_style("watch-table--cursor")
            if self._cursor_line is None or self._cursor_line[:2] != (path, cursor):
                self._cursor_line = (path, cursor, self._strip(self._cells[path], width, cursor))
            return self._cursor_line[2]
        line = self._lines.get(path)
        if line is None:
            line = self._lines[path] = self._strip(self._cells[path], width, self._style)
        return line

    def _strip(self, cells: Sequence[Text], width: int, style: Style) -> Strip:
        """`cells` in their columns, each with a space either side, over `style`."""
        self.line_renders += 1
        segments = []
        for cell, cell_width in zip(cells, self.widths, strict=True):
            text = " " + fit(cell.plain, cell_width) + " "
            segments.append(Segment(text, style + Style.parse(str(cell.style))))
        return Strip(segments).adjust_cell_length(width, style)
