"""Lines at braille resolution with numpy: each cell is 2 by 4 dots.

`line_dots` rasterises polylines (NaN breaks them) into dots; `braille_bits` ORs dots
into one braille bit mask per cell, so where lines cross no dot of either is lost, and
tells which line was drawn last in each cell. Both take all the lines of a plot at once:
a chart of several short lines costs numpy's per-call overhead once, not once per line.
`marker_cells` picks where a line's markers go. Rows count from the bottom here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

import numpy as np

#: Dots per cell across and down.
DOTS_X, DOTS_Y = 2, 4
#: Braille dot bit for (dot column in cell, dot row in cell counted from the top).
BRAILLE_BITS = np.array([[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]], dtype=np.uint8)
#: Lines are drawn in batches of about this many points: short lines together (numpy's
#: call overhead once for all), a long line in pieces (small arrays: fresh memory for
#: big temporaries costs more than their arithmetic; 4 lines of 20,000 points at once
#: take twice as long as in batches).
BATCH_POINTS = 4096
#: Dots: their columns, rows from the bottom and the index of their line.
Dots = tuple[np.ndarray, np.ndarray, np.ndarray]
#: The first braille character (no dots); a cell's glyph is this plus its bits.
BRAILLE_BLANK = 0x2800


def to_pixels(
    values: np.ndarray | float, lo: np.ndarray | float, hi: np.ndarray | float, pixels: int
) -> np.ndarray:
    """Positions of `values` on a `pixels` wide axis from `lo` to `hi` (float, unrounded;
    `lo` and `hi` may be arrays: an axis per value).

    Values so far outside the axis that the arithmetic overflows land at ±inf: outside,
    like any other off-axis value.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray((pixels - 1) * (np.asarray(values) - lo) / (hi - lo))


def line_dots(
    lines: Sequence[tuple[np.ndarray, np.ndarray]],
    xlim: tuple[float, float],
    ylims: Sequence[tuple[float, float]],
    width: int,
    height: int,
) -> Iterator[Dots]:
    """Dots of the polylines through the (x, y) points of `lines`, line i on y axis
    `ylims[i]`, on a `width` by `height` dot grid, in batches of about `BATCH_POINTS`
    points (short lines together, a long one in pieces); NaN points break a line, and
    a lone point between gaps is one dot. Segments are walked one dot per step along
    their longer side, so lines stay continuous however steep."""
    batch: list[_Piece] = []
    size = 0
    for index, (x, y) in enumerate(lines):
        for start in range(0, len(x), BATCH_POINTS):
            end = start + BATCH_POINTS
            # with the line's next point: the segment to it is this piece's
            batch.append(_Piece(index, x[start : end + 1], y[start : end + 1], end < len(x)))
            size += min(end, len(x)) - start
            if size >= BATCH_POINTS:
                yield from _batch_dots(batch, xlim, ylims, width, height)
                batch, size = [], 0
    if batch:
        yield from _batch_dots(batch, xlim, ylims, width, height)


class _Piece(NamedTuple):
    """Points of line `line`; if `borrowed`, the last one is the next piece's first."""

    line: int
    x: np.ndarray
    y: np.ndarray
    borrowed: bool


def _batch_dots(
    batch: list[_Piece],
    xlim: tuple[float, float],
    ylims: Sequence[tuple[float, float]],
    width: int,
    height: int,
) -> Iterator[Dots]:
    """The dots of `batch`: its segments' dots, then a dot per point."""
    counts = [len(piece.x) for piece in batch]
    ends = np.cumsum(counts)
    line = np.repeat([p.line for p in batch], counts)
    axes = np.array([ylims[p.line] for p in batch], dtype=np.float64).reshape(-1, 2)
    lo, hi = np.repeat(axes, counts, axis=0).T
    col = np.floor(0.5 + to_pixels(np.concatenate([p.x for p in batch]), *xlim, width))
    row = np.floor(0.5 + to_pixels(np.concatenate([p.y for p in batch]), lo, hi, height))
    ok = np.isfinite(col) & np.isfinite(row)
    # clip far-away points just outside the grid: the walk stays short, the slope nearly so
    col = np.clip(np.where(ok, col, 0), -width, 2 * width).astype(np.int64)
    row = np.clip(np.where(ok, row, 0), -height, 2 * height).astype(np.int64)
    # (a batch holds one piece of a line at most: each piece but a line's last fills one)
    joined = ok[:-1] & ok[1:] & (line[:-1] == line[1:])
    on_grid = (col >= 0) & (col < width) & (row >= 0) & (row < height)
    c0, c1, r0, r1 = col[:-1][joined], col[1:][joined], row[:-1][joined], row[1:][joined]
    steps = np.maximum(np.abs(c1 - c0), np.abs(r1 - r0))
    count = steps + 1
    step = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    t = step / np.repeat(np.maximum(steps, 1), count)
    lone = ok.copy()
    lone[ends[[p.borrowed for p in batch]] - 1] = False  # a borrowed point is not a dot here
    px = np.rint(np.repeat(c0, count) + t * np.repeat(c1 - c0, count)).astype(np.int64)
    py = np.rint(np.repeat(r0, count) + t * np.repeat(r1 - r0, count)).astype(np.int64)
    dots = (px, py, np.repeat(line[:-1][joined], count)), (col[lone], row[lone], line[lone])
    if on_grid.all():  # the dots between two points on the grid are on it too
        yield from dots
        return
    for px, py, of in dots:
        inside = (px >= 0) & (px < width) & (py >= 0) & (py < height)
        yield px[inside], py[inside], of[inside]


def line_of(dots: Iterable[Dots], line: int) -> tuple[np.ndarray, np.ndarray]:
    """The dots (columns, rows) of line `line` among `dots`."""
    mine = [(px[of == line], py[of == line]) for px, py, of in dots]
    none = np.zeros(0, dtype=np.int64)
    columns = np.concatenate([none, *(px for px, _ in mine)])
    rows = np.concatenate([none, *(py for _, py in mine)])
    return columns, rows


def braille_bits(
    dots: Iterable[Dots], lines: int, columns: int, rows: int
) -> tuple[np.ndarray, np.ndarray]:
    """Braille bit mask per cell (`rows` by `columns`, top row first) of the `dots` of
    `lines` lines, and the last line with a dot in each cell (-1 where none has)."""
    if not lines:
        return np.zeros((rows, columns), dtype=np.uint8), np.full((rows, columns), -1)
    grid = np.zeros((lines, rows * DOTS_Y, columns * DOTS_X), dtype=bool)
    for px, py, line in dots:
        grid[line, rows * DOTS_Y - 1 - py, px] = True  # a dot given twice is set once
    # a pass per dot position over the cells: 3-4 times faster than `np.bitwise_or.at`
    # per dot once a line has some 10,000 dots (a noisy signal across a wide chart)
    bits = np.zeros((lines, rows, columns), dtype=np.uint8)
    for dx in range(DOTS_X):
        for dy in range(DOTS_Y):
            bits |= grid[:, dy::DOTS_Y, dx::DOTS_X] * BRAILLE_BITS[dx, dy]
    drawn = bits[::-1] > 0
    last = np.where(drawn.any(axis=0), lines - 1 - drawn.argmax(axis=0), -1)
    return np.bitwise_or.reduce(bits, axis=0), last


def marker_cells(
    px: np.ndarray, py: np.ndarray, rows: int, every: int, offset: int
) -> tuple[np.ndarray, np.ndarray]:
    """Cells (row from the top, column) for markers on a line: one in each cell column
    `offset`, `offset + every`, ... that the line crosses, at the line's mean height there."""
    columns = px // DOTS_X
    chosen = columns % every == offset % every
    columns, heights = columns[chosen], py[chosen]
    if not len(columns):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    used, inverse, counts = np.unique(columns, return_inverse=True, return_counts=True)
    mean = np.bincount(inverse, weights=heights) / counts
    return rows - 1 - (np.rint(mean).astype(np.int64) // DOTS_Y), used
