"""What a chart is, independent of how it is drawn: `Chart`, `Series`, `ChartTheme`, `Cells`.

A `Chart` holds up to `MAX_SERIES` `Series`; each series is an x array (seconds, sorted)
and a y array in which NaN breaks the line, so gaps in the data are drawn as gaps.
Series `slot` i gets colour `theme.palette[i]` and marker `MARKERS[i]`: colours and
markers both differ, so series stay distinguishable on 16-colour terminals. A drawn
chart is `Cells`: rows of (text, foreground, background) runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

#: A plotext colour: a name ("red+", "default"), a 256-colour index or an RGB tuple.
Color = str | int | tuple[int, int, int]

#: At most this many series on one chart (distinct colour and marker each).
MAX_SERIES = 6
#: plotext marker of each series slot; all distinct so 16-colour terminals can tell them apart.
MARKERS: tuple[str, ...] = ("braille", "dot", "x", "+", "*", "o")
#: Glyph shown for each marker in legends drawn outside plotext (e.g. the signal list).
MARKER_GLYPHS: tuple[str, ...] = ("⢕", "•", "x", "+", "*", "o")


@dataclass(frozen=True)
class ChartTheme:
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
        """A theme using only the 16 ANSI colours: bright hues on dark, plain on light."""
        hues = ("blue", "orange", "green", "red", "magenta", "cyan")
        palette = tuple(f"{hue}+" for hue in hues) if dark else hues
        return cls(palette=palette, cursor="white" if dark else "black")

    def color(self, slot: int) -> Color:
        """Colour of series slot `slot`."""
        return self.palette[slot % len(self.palette)]


@dataclass(frozen=True)
class Series:
    """One line: x (seconds, ascending) and y of equal length; NaN in y breaks the line."""

    label: str
    x: np.ndarray
    y: np.ndarray
    slot: int = 0
    right_axis: bool = False

    def __post_init__(self) -> None:
        if len(self.x) != len(self.y):
            raise ValueError(f"series {self.label!r}: x and y differ in length")


@dataclass(frozen=True)
class Chart:
    """Everything drawn in one chart; `render` turns it into text.

    `x_range` is the visible window (None: fit the data). With `clock_origin` set, x is
    seconds after that moment and ticks show wall-clock times; otherwise plain seconds.
    """

    series: Sequence[Series] = ()
    x_range: tuple[float, float] | None = None
    x_label: str = ""
    y_label: str = ""
    y2_label: str = ""
    title: str = ""
    cursor: float | None = None
    clock_origin: datetime | None = None
    legend: bool = True


def marker_glyph(slot: int) -> str:
    """The character that represents series slot `slot` in a legend."""
    return MARKER_GLYPHS[slot % len(MARKER_GLYPHS)]


@dataclass(frozen=True)
class Cells:
    """A drawn chart as a grid, top row first; each row is runs of (text, foreground,
    background) with plotext colours ("default": the terminal's or widget's own)."""

    width: int
    height: int
    rows: list[list[tuple[str, Color, Color]]]

    def plain(self) -> str:
        """The characters only, one line per row."""
        return "\n".join("".join(text for text, _, _ in row) for row in self.rows)
