"""Lines at braille resolution with numpy: each cell is 2 by 4 dots.

`line_pixels` rasterises a polyline (NaN breaks it) into dots; `braille_bits` ORs dots
into one braille bit mask per cell, so where lines cross no dot of either is lost.
`marker_cells` picks where a series' markers go. Rows count from the bottom here.
"""

from __future__ import annotations

import numpy as np

#: Dots per cell across and down.
DOTS_X, DOTS_Y = 2, 4
#: Braille dot bit for (dot column in cell, dot row in cell counted from the top).
BRAILLE_BITS = np.array([[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]], dtype=np.int64)
#: The first braille character (no dots); a cell's glyph is this plus its bits.
BRAILLE_BLANK = 0x2800


def to_pixels(values: np.ndarray | float, lo: float, hi: float, pixels: int) -> np.ndarray:
    """Positions of `values` on a `pixels` wide axis from `lo` to `hi` (float, unrounded).

    Values so far outside the axis that the arithmetic overflows land at ±inf: outside,
    like any other off-axis value.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray((pixels - 1) * (np.asarray(values) - lo) / (hi - lo))


def line_pixels(
    x: np.ndarray,
    y: np.ndarray,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    width: int,
    height: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Dots (column, row from the bottom) of the polyline through (x, y) on a `width` by
    `height` dot grid; NaN points break the line, and a lone point between gaps is one dot.
    Segments are walked one dot per step along their longer side, so lines stay continuous
    however steep."""
    col = np.floor(0.5 + to_pixels(x, *xlim, width))
    row = np.floor(0.5 + to_pixels(y, *ylim, height))
    ok = np.isfinite(col) & np.isfinite(row)
    # clip far-away points just outside the grid: the walk stays short, the slope nearly so
    col = np.clip(np.where(ok, col, 0), -width, 2 * width).astype(np.int64)
    row = np.clip(np.where(ok, row, 0), -height, 2 * height).astype(np.int64)
    joined = ok[:-1] & ok[1:]
    c0, c1, r0, r1 = col[:-1][joined], col[1:][joined], row[:-1][joined], row[1:][joined]
    steps = np.maximum(np.abs(c1 - c0), np.abs(r1 - r0))
    owner = np.repeat(np.arange(len(steps)), steps + 1)
    start = np.repeat(np.cumsum(steps + 1) - (steps + 1), steps + 1)
    t = (np.arange(len(owner)) - start) / np.maximum(steps[owner], 1)
    px = np.concatenate([np.rint(c0[owner] + t * (c1 - c0)[owner]).astype(np.int64), col[ok]])
    py = np.concatenate([np.rint(r0[owner] + t * (r1 - r0)[owner]).astype(np.int64), row[ok]])
    inside = (px >= 0) & (px < width) & (py >= 0) & (py < height)
    return px[inside], py[inside]


def braille_bits(px: np.ndarray, py: np.ndarray, columns: int, rows: int) -> np.ndarray:
    """Braille bit mask per cell (`rows` by `columns`, top row first) of the given dots."""
    dots = np.zeros((rows * DOTS_Y, columns * DOTS_X), dtype=bool)
    dots[rows * DOTS_Y - 1 - py, px] = True  # a dot given twice is set once
    # a pass per dot position over the cells: 3-4 times faster than `np.bitwise_or.at`
    # per dot once a line has some 10,000 dots (a noisy signal across a wide chart)
    bits = np.zeros((rows, columns), dtype=np.int64)
    for dx in range(DOTS_X):
        for dy in range(DOTS_Y):
            bits |= dots[dy::DOTS_Y, dx::DOTS_X] * BRAILLE_BITS[dx, dy]
    return bits


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
