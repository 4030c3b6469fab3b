"""What a chart is, independent of how it is drawn: `Chart`, `Series`, `ChartTheme`, `Cells`.

A `Chart` holds up to `MAX_SERIES` `Series`; each series is an x array (seconds, sorted)
and a y array in which NaN breaks the line, so gaps in the data are drawn as gaps.
Series `slot` i gets colour `theme.palette[i]` and, in markers mode, marker `MARKERS[i]`:
every series is a braille line; the markers tell series apart without colour. A chart
is one plot (overlay) or one panel per series sharing the time axis (stacked). A drawn
chart is `Cells`: rows of (text, foreground, background) runs.

The records are named tuples, and the two holding arrays dataclasses without equality
(it would be ambiguous on arrays): a frozen dataclass costs about a millisecond to
create at import (Python 3.11 compiles each generated method), and reopening a parsed log
imports these modules on its way to the first chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import numpy as np

from perda_tui.charts.ticks import TimeFormat

#: A colour: "default" (the terminal's or widget's own), a 256-colour index or RGB.
Color = str | int | tuple[int, int, int]

#: At most this many series on one chart (distinct colour and marker each).
MAX_SERIES = 8
#: Marker of each series slot in markers mode; all distinct, for 16 colours and colour-blind eyes.
MARKERS: tuple[str, ...] = ("●", "■", "▲", "◆", "+", "x", "○", "□")
#: The line glyph of legends and swatches.
LINE_GLYPH = "━"


class ChartTheme(NamedTuple):
    """Colours of one chart: the series palette (one per slot), text/axes and cursor.

    "default" means the terminal's (or the widget's) own colour, so a chart drawn in a
    Textual widget takes its background from the widget's CSS.
    """

    palette: tuple[Color, ...]
    text: Color = "default"
    cursor: Color = "default"
    canvas: Color = "default"

    @classmethod
    def ansi16(cls, *, dark: bool = True) -> ChartTheme:
        """A theme using only the 16 ANSI colours (indexes 0-15): bright hues on dark."""
        # blue, yellow, green, red, magenta, cyan, white/black, grey
        palette = (12, 11, 10, 9, 13, 14, 15, 7) if dark else (4, 3, 2, 1, 5, 6, 0, 8)
        return cls(palette=palette, cursor=15 if dark else 0)

    def color(self, slot: int) -> Color:
        """Colour of series slot `slot`."""
        return self.palette[slot % len(self.palette)]


@dataclass(frozen=True, eq=False)
class Series:
    """One line: x (seconds, ascending) and y of equal length; NaN in y breaks the line.

    `unit` (e.g. "V") titles the series' y-axis.
    """

    label: str
    x: np.ndarray
    y: np.ndarray
    slot: int = 0
    right_axis: bool = False
    unit: str = ""

    def __post_init__(self) -> None:
        if len(self.x) != len(self.y):
            raise ValueError(f"series {self.label!r}: x and y differ in length")


@dataclass(frozen=True, eq=False)
class Chart:
    """Everything drawn in one chart.

    `x_range` is the visible window (None: fit the data). With `clock_origin` set, x is
    seconds after that moment and ticks show wall-clock times; otherwise `time_format`.
    `cursor` and `cursor_b` are the A and B cursors (x values). `highlight` is the slot
    drawn on top of the others. `stacked` draws one panel per series; `markers` adds
    each series' marker along its line. `y_label`/`y2_label` title the axes when there
    is no legend; `message` is shown in an empty plot.
    """

    series: Sequence[Series] = ()
    x_range: tuple[float, float] | None = None
    x_label: str = ""
    y_label: str = ""
    y2_label: str = ""
    title: str = ""
    cursor: float | None = None
    cursor_b: float | None = None
    clock_origin: datetime | None = None
    time_format: TimeFormat = "seconds"
    legend: bool = True
    markers: bool = False
    stacked: bool = False
    highlight: int | None = None
    message: str = ""


def marker_glyph(slot: int) -> str:
    """The marker of series slot `slot`."""
    return MARKERS[slot % len(MARKERS)]


def swatch_text(slot: int, *, markers: bool) -> str:
    """How series `slot` looks in a legend: a line, with its marker in markers mode."""
    return LINE_GLYPH + (marker_glyph(slot) if markers else LINE_GLYPH)


class Cells(NamedTuple):
    """A drawn chart as a grid, top row first; each row is runs of (text, foreground,
    background) colours ("default": the terminal's or widget's own)."""

    width: int
    height: int
    rows: list[list[tuple[str, Color, Color]]]

    def plain(self) -> str:
        """The characters only, one line per row."""
        return "\n".join("".join(text for text, _, _ in row) for row in self.rows)
