"""One signal against another: the points on a pixel grid, counted per pixel.

The y signal is taken at the x signal's timestamps (linear interpolation, flat outside its
range, as in math channels). The points are counted per pixel of a `columns` by `rows`
grid spanning their range, so the cost of drawing depends on the grid, not on the number
of points; the counts show where points pile up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from perda_tui.analysis.timeline import in_chunks, values_on

if TYPE_CHECKING:
    from perda_tui.logs import Signal

#: Most pixels of a grid (with one extra row and column).
MAX_CELLS = 1 << 24
#: Points counted at a time (at least 4 per pixel); ranges are found 4 blocks at a time.
BLOCK = 1 << 18


@dataclass(frozen=True)
class Density:
    """`counts[row, column]` points fell in each pixel (row 0 at the bottom, y = y_range[0]);
    `points` is the number of (x, y) pairs with both values finite."""

    counts: np.ndarray
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    points: int

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """x and y of the centre of each pixel column and row."""
        rows, columns = self.counts.shape
        x0, x1 = self.x_range
        y0, y1 = self.y_range
        return (
            x0 + (np.arange(columns) + 0.5) * (x1 - x0) / columns,
            y0 + (np.arange(rows) + 0.5) * (y1 - y0) / rows,
        )


def pairs(
    x: Signal, y: Signal, start: float | None, end: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """(x values, y values at x's timestamps) for x's samples between `start` and `end`
    (raw units)."""
    xs = x.trim(start, end)
    return xs.values, values_on(y, xs.timestamps) if len(y) else np.full(len(xs), np.nan)


def density(x: np.ndarray, y: np.ndarray, columns: int, rows: int) -> Density:
    """Count the finite (x, y) points per pixel of a `columns` by `rows` grid."""
    if columns < 1 or rows < 1:
        raise ValueError("the grid needs at least one column and one row")
    if (columns + 1) * (rows + 1) > MAX_CELLS:
        raise ValueError(f"a grid of {columns} x {rows} pixels is too large")
    empty = Density(np.zeros((rows, columns), np.int64), (0.0, 1.0), (0.0, 1.0), 0)
    if x.size == 0:
        return empty
    x_range, y_range = _range(x), _range(y)
    if not np.isfinite([*x_range, *y_range]).all():  # a NaN or inf somewhere: drop those
        ok = np.isfinite(x)
        ok &= np.isfinite(y)
        x, y = x[ok], y[ok]
        if x.size == 0:
            return empty
        x_range, y_range = _range(x), _range(y)
    # the maximum lands one past the last cell: counted on an extra row and column, then
    # added to the last ones (cheaper than clipping every index)
    cells = (rows + 1) * (columns + 1)
    step = max(BLOCK, 4 * cells)  # temporaries stay in cache and are reused

    def count(blocks: range) -> np.ndarray:
        counts = np.zeros(cells, np.int64)
        for start in range(blocks.start * step, min(blocks.stop * step, x.size), step):
            block = slice(start, start + step)
            index = _cell(y[block], y_range, rows)
            index *= columns + 1
            index += _cell(x[block], x_range, columns)
            counts += np.bincount(index, minlength=cells)
        return counts

    partial = in_chunks(count, -(-x.size // step))
    grid = np.sum(partial, axis=0).reshape(rows + 1, columns + 1)
    grid[:, -2] += grid[:, -1]
    grid[-2] += grid[-1]
    return Density(grid[:-1, :-1].copy(), x_range, y_range, int(x.size))


def _range(values: np.ndarray) -> tuple[float, float]:
    """Lowest and highest value (NaN when there is one), in blocks on threads: the max
    of a block read while its min left it in cache."""
    step = 4 * BLOCK

    def extremes(blocks: range) -> list[tuple[float, float]]:
        parts = [values[i * step : (i + 1) * step] for i in blocks]
        return [(float(part.min()), float(part.max())) for part in parts]

    found = np.concatenate(in_chunks(extremes, -(-values.size // step)))
    lo, hi = float(found[:, 0].min()), float(found[:, 1].max())
    return (lo - 0.5, hi + 0.5) if hi == lo else (lo, hi)


def _cell(values: np.ndarray, bounds: tuple[float, float], cells: int) -> np.ndarray:
    """The cell of each value, from 0 to `cells` (the maximum, on the far edge), as int32
    (float64 -> int32 converts 4 at a time, int64 one by one)."""
    scaled = np.subtract(values, bounds[0])
    scaled *= cells / (bounds[1] - bounds[0])
    out = np.empty(scaled.size, np.int32)
    np.copyto(out, scaled, casting="unsafe")  # truncation, as astype
    return out
