"""`DotCanvas`: points on a braille grid (2 x 4 dots a cell, square dots), each cell in
the colour and glyph of its class, with value labels on the left and bottom edges.

Used where a line chart does not fit: XY density (class = how many points fell in the
cell) and the track map (class = colour band; drawn to scale because braille dots are
about as wide as they are tall). The caller computes a per-dot class grid off the UI
thread; drawing it costs one pass over the cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

#: Braille dot bit for (dot column in cell, dot row in cell counted from the top).
BRAILLE_BITS = np.array([[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]])
#: Dots per cell, across and down.
DOTS_X, DOTS_Y = 2, 4
#: Columns of the y labels and the axis line left of the grid.
LABEL_COLUMNS = 11


@dataclass(frozen=True)
class CellClass:
    """How cells of one class look: colour (a Rich colour) and, if set, a glyph that
    replaces the braille dots (e.g. a block for dense XY cells)."""

    color: str
    glyph: str = ""


@dataclass(frozen=True)
class Marker:
    """A character drawn over the grid at dot (column, row from the bottom)."""

    column: int
    row: int
    text: str
    style: str


@dataclass(frozen=True)
class Picture:
    """What the canvas shows: `classes[row, column]` per dot (row 0 at the bottom, -1
    empty), the look of each class, markers, and the edge labels (bottom: left, middle,
    right; left: top, middle, bottom)."""

    classes: np.ndarray
    looks: tuple[CellClass, ...]
    x_labels: tuple[str, str, str] = ("", "", "")
    y_labels: tuple[str, str, str] = ("", "", "")
    markers: tuple[Marker, ...] = ()


def grid_size(width: int, height: int) -> tuple[int, int]:
    """Dots across and down in a canvas of `width` x `height` cells."""
    return max(width - LABEL_COLUMNS, 1) * DOTS_X, max(height - 1, 1) * DOTS_Y


def cells(picture: Picture) -> list[list[tuple[str, int]]]:
    """Rows of (character, class) per cell, top row first; class -1 is blank."""
    classes = picture.classes
    rows, columns = classes.shape[0] // DOTS_Y, classes.shape[1] // DOTS_X
    dots = classes[: rows * DOTS_Y, : columns * DOTS_X][::-1]  # top row first
    blocks = dots.reshape(rows, DOTS_Y, columns, DOTS_X).transpose(0, 2, 3, 1)
    on = blocks >= 0
    bits = (on * BRAILLE_BITS).sum(axis=(2, 3))
    cls = blocks.max(axis=(2, 3))
    out = []
    for r in range(rows):
        line = []
        for c in range(columns):
            k = int(cls[r, c])
            if k < 0:
                line.append((" ", -1))
                continue
            glyph = picture.looks[k].glyph or chr(0x2800 + int(bits[r, c]))
            line.append((glyph, k))
        out.append(line)
    return out


class DotCanvas(Widget):
    """Shows a `Picture` (set with `show`); blank until then."""

    DEFAULT_CSS = """
    DotCanvas {
        width: 1fr;
        height: 1fr;
    }
    """

    class Resized(Message):
        """The canvas has a new size: its owner should compute a picture for it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.picture: Picture | None = None
        self._strips: list[Strip] = []

    def on_resize(self, _event: events.Resize) -> None:
        self.post_message(self.Resized())

    def show(self, picture: Picture) -> None:
        """Draw `picture` (its grid should be `grid_size` of this widget)."""
        self.picture = picture
        self._strips = self._render_strips(picture)
        self.refresh()

    def _render_strips(self, picture: Picture) -> list[Strip]:
        base = self.rich_style
        width = LABEL_COLUMNS
        grid = cells(picture)
        styles = [base + Style.parse(look.color) for look in picture.looks]
        rows = len(grid)
        y_at = {
            0: picture.y_labels[0],
            rows // 2: picture.y_labels[1],
            rows - 1: picture.y_labels[2],
        }
        marks = {(rows - 1 - m.row // DOTS_Y, m.column // DOTS_X): m for m in picture.markers}
        strips = []
        for r, line in enumerate(grid):
            label = y_at.get(r, "")[: width - 1]
            segments = [Segment(label.rjust(width - 1) + "│", base)]
            for c, (glyph, k) in enumerate(line):
                mark = marks.get((r, c))
                if mark is not None:
                    segments.append(Segment(mark.text, base + Style.parse(mark.style)))
                else:
                    segments.append(Segment(glyph, styles[k] if k >= 0 else base))
            strips.append(Strip(segments))
        columns = len(grid[0]) if grid else 0
        left, middle, right = picture.x_labels
        axis = left + middle.center(max(columns - len(left) - len(right), 0)) + right
        strips.append(Strip([Segment(" " * width + axis[:columns], base)]))
        return strips

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y < len(self._strips):
            return self._strips[y].adjust_cell_length(width, self.rich_style)
        return Strip.blank(width, self.rich_style)
