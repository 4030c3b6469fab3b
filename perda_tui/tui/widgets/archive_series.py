"""`SeriesList`: a virtual list of DRMS series (name, then description), for thousands of them.

Only the visible rows are drawn (Line API), so refiltering JSOC's few thousand series on
each keystroke costs nothing until a frame is drawn. Server text is drawn literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from perda_tui.clients.drms import SeriesSummary
from perda_tui.tui.widgets.log_table import fit
from perda_tui.tui.widgets.text import clean

#: Screen lines per series: its name, then its description.
LINES_PER_SERIES = 2


class _SeriesMessage(Message):
    def __init__(self, series_list: SeriesList, series: SeriesSummary) -> None:
        super().__init__()
        self.series_list = series_list
        self.series = series

    @property
    def control(self) -> SeriesList:
        return self.series_list


class SeriesList(ScrollView, can_focus=True):
    """Series with their descriptions; a cursor moves over them."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"series-list--cursor", "series-list--note"}
    DEFAULT_CSS = """
    SeriesList {
        overflow-x: hidden;
    }
    SeriesList > .series-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    SeriesList:blur > .series-list--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    SeriesList > .series-list--note {
        color: $text-muted;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False, id="archive.series.up"),
        Binding("down", "move(1)", "Down", show=False, id="archive.series.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="archive.series.pageup"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="archive.series.pagedown"),
        Binding("home", "jump(0)", "First", show=False, id="archive.series.first"),
        Binding("end", "jump(-1)", "Last", show=False, id="archive.series.last"),
        Binding("enter", "select", "Read", id="archive.series.select"),
    ]

    class Highlighted(_SeriesMessage):
        """The cursor moved onto `series`."""

    class Selected(_SeriesMessage):
        """Enter (or a click) on `series`."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[SeriesSummary] = []
        self.cursor: int | None = None

    def set_items(self, items: Sequence[SeriesSummary]) -> None:
        """Show `items` with no cursor (nothing is read until the user moves)."""
        self.items = list(items)
        self.cursor = None
        self.virtual_size = Size(self.size.width, LINES_PER_SERIES * len(self.items))
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    @property
    def current(self) -> SeriesSummary | None:
        """The series under the cursor."""
        return self.items[self.cursor] if self.cursor is not None else None

    def move_to(self, index: int) -> None:
        """Put the cursor on item `index` (clamped) and announce it."""
        if not self.items:
            return
        index = max(0, min(index, len(self.items) - 1))
        changed = index != self.cursor
        self.cursor = index
        top = index * LINES_PER_SERIES
        self.scroll_to_region(Region(0, top, 1, LINES_PER_SERIES), animate=False)
        self.refresh()
        if changed:
            self.post_message(self.Highlighted(self, self.items[index]))

    def action_move(self, step: int) -> None:
        self.move_to(0 if self.cursor is None else self.cursor + step)

    def action_page(self, step: int) -> None:
        rows = max(1, self.scrollable_content_region.height // LINES_PER_SERIES)
        self.move_to(0 if self.cursor is None else self.cursor + step * rows)

    def action_jump(self, index: int) -> None:
        self.move_to(index if index >= 0 else len(self.items) - 1)

    def action_select(self) -> None:
        if self.cursor is None:
            self.move_to(0)
        if self.current is not None:
            self.post_message(self.Selected(self, self.current))

    def on_click(self, event: events.Click) -> None:
        index = (event.y + int(self.scroll_y)) // LINES_PER_SERIES
        if 0 <= index < len(self.items):
            self.move_to(index)
            self.post_message(self.Selected(self, self.items[index]))

    def on_resize(self, _event: events.Resize) -> None:
        self.virtual_size = Size(self.size.width, LINES_PER_SERIES * len(self.items))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = y + int(self.scroll_y)
        index, part = divmod(line, LINES_PER_SERIES)
        if index >= len(self.items):
            return Strip.blank(width, self.rich_style)
        series = self.items[index]
        if index == self.cursor:
            style = self.get_component_rich_style("series-list--cursor")
        elif part:
            style = self.get_component_rich_style("series-list--note")
        else:
            style = self.rich_style
        text = clean(series.name) if part == 0 else "  " + clean(series.note or "—")
        return Strip([Segment(fit(" " + text, width), style)], width)
