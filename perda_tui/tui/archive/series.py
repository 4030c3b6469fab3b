"""`SeriesList`: a virtual list of DRMS series (name, then description), for thousands of them.

Only the visible rows are drawn (Line API), so refiltering JSOC's few thousand series on
each keystroke costs nothing until a frame is drawn. Server text is drawn literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip

from perda_tui.clients.drms import SeriesSummary
from perda_tui.tui.common.text import clean
from perda_tui.tui.common.virtual_list import VirtualList, fit

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


class SeriesList(VirtualList[SeriesSummary]):
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
        Binding("enter", "select", "Read", show=False, id="archive.series.select"),
    ]

    class Highlighted(_SeriesMessage):
        """The cursor moved onto `series`."""

    class Selected(_SeriesMessage):
        """Enter (or a click) on `series`."""

    LINES_PER_ITEM = LINES_PER_SERIES

    def set_items(self, items: Sequence[SeriesSummary]) -> None:
        """Show `items` with no cursor (nothing is read until the user moves)."""
        super().set_items(list(items))
        self.scroll_to(0, 0, animate=False)

    def highlighted_message(self, item: SeriesSummary) -> Message:
        return self.Highlighted(self, item)

    def selected_message(self, item: SeriesSummary) -> Message:
        return self.Selected(self, item)

    def render_item(self, index: int, part: int, width: int) -> Strip:
        series = self.items[index]
        if index == self.cursor:
            style = self.get_component_rich_style("series-list--cursor")
        elif part:
            style = self.get_component_rich_style("series-list--note")
        else:
            style = self.rich_style
        text = clean(series.name) if part == 0 else "  " + clean(series.note or "—")
        return Strip([Segment(fit(" " + text, width), style)], width)
