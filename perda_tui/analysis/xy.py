"""One signal against another: the points on a pixel grid, counted per pixel.

The y signal is taken at the x signal's timestamps in the window: linear interpolation,
flat outside its range, as in math channels (`np.interp`, bit for bit); a y logged with
x, on the same timestamps, sample by sample. The points are counted per pixel of a
`columns` by `rows` grid. The x axis spans x's values in the window; the y axis spans the
y samples the points are taken from, its samples in the window and one more on each side
(they hold every interpolated value; a point that rounding puts past an edge is counted
in the edge pixel). Points with a NaN or inf are left out, and such values are left out
of the axes. The cost of drawing depends on the grid, not on the number of points; the
counts show where points pile up.

How: a compiled loop (`xy_kernel.count_points`) takes each point's y value and pixel and
counts it, in one pass over x's samples, never writing y at x's timestamps out; parts of
the window are counted on threads. Under `compiled.INTERPRETED_BELOW` points the loop
runs interpreted until it is compiled.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from perda_tui.analysis import timeline
from perda_tui.analysis.xy_kernel import count_points

if TYPE_CHECKING:
    from perda_tui.logs import Signal

#: Most pixels of a grid.
MAX_CELLS = 1 << 24
#: Values read at a time for ranges.
BLOCK = 1 << 18
#: Points counted at a time (parts are handed to the threads as they come free).
PART = 1 << 18
#: Most points a thread counts in int32 (half the cache of int64) before adding them up.
INT32_POINTS = 2**31 - 1


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


def xy_density(
    x: Signal, y: Signal, start: float | None, end: float | None, columns: int, rows: int
) -> Density:
    """`y` against `x` for x's samples between `start` and `end` (raw units), counted per
    pixel of a `columns` by `rows` grid."""
    if columns < 1 or rows < 1:
        raise ValueError("the grid needs at least one column and one row")
    if columns * rows > MAX_CELLS:
        raise ValueError(f"a grid of {columns} x {rows} pixels is too large")
    empty = Density(np.zeros((rows, columns), np.int64), (0.0, 1.0), (0.0, 1.0), 0)
    window = x.trim(start, end)
    if not len(window) or not len(y):
        return empty
    points, own = window.timestamps, y.timestamps
    # y's samples in the window and one more on each side
    first = max(int(np.searchsorted(own, points[0], side="left")) - 1, 0)
    last = int(np.searchsorted(own, points[-1], side="right")) + 1
    samples = (window.values, y.values[first:last])
    extremes = _extremes(samples)
    if not np.isfinite(extremes).all():
        extremes = [_finite_extremes(v) for v in samples]
        if np.isnan(extremes).any():
            return empty
    x_range, y_range = (_axis(*e) for e in extremes)
    values = y.values
    shared = timeline.same_timeline(own, x.timestamps)
    if shared:  # logged together: y's own values, point by point
        values = y.trim(start, end).values
    counts = _count(window, own, values, shared, (x_range, y_range), (columns, rows))
    total = int(counts.sum())
    return Density(counts.reshape(rows, columns), x_range, y_range, total) if total else empty


def _count(
    window: Signal,
    own: np.ndarray,
    values: np.ndarray,
    shared: bool,
    axes: tuple[tuple[float, float], tuple[float, float]],
    grid: tuple[int, int],
) -> np.ndarray:
    """Points per pixel (`counts[row * columns + column]`, `grid` being (columns, rows))
    of x's `window` against y (timestamps `own`, `values`; `values` on the window's
    points if `shared`) on the x and y `axes`: `PART` points at a time, on up to
    `timeline.THREADS` threads, each with its own counts (so, at least 4 points a pixel
    each)."""
    xs, times = np.ascontiguousarray(window.values), np.ascontiguousarray(window.timestamps)
    own, values = np.ascontiguousarray(own), np.ascontiguousarray(values)
    columns, rows = grid
    x_scale, y_scale = (_scale(bounds, pixels) for bounds, pixels in zip(axes, grid, strict=True))
    cells = columns * rows
    parts = iter(range(0, xs.size, PART))  # shared by the threads (next() holds the GIL)
    count_part = count_points.sized(xs.size)

    def count(_: int) -> np.ndarray:
        total, counts, counted = np.zeros(cells, np.int64), np.zeros(cells, np.int32), 0
        for start in parts:
            if counted > INT32_POINTS - PART:
                total += counts
                counts.fill(0)
                counted = 0
            part = (start, start + PART)
            count_part(xs, times, own, values, shared, x_scale, y_scale, grid, part, counts)
            counted += PART
        total += counts
        return total

    threads = max(1, min(timeline.THREADS, -(-xs.size // PART), xs.size // (4 * cells)))
    if threads == 1:
        return count(0)
    with ThreadPoolExecutor(threads, thread_name_prefix="xy") as pool:
        return np.sum(list(pool.map(count, range(threads))), axis=0)


def _extremes(arrays: tuple[np.ndarray, ...]) -> list[tuple[float, float]]:
    """Lowest and highest value of each array (NaN if it has one), in blocks of all the
    arrays on threads (evenly shared): the max of a block read while its min left it in
    cache."""
    blocks = [(k, i) for k, values in enumerate(arrays) for i in range(0, values.size, BLOCK)]

    def extremes(chunk: range) -> list[tuple[int, float, float]]:
        found = []
        for k, i in (blocks[b] for b in chunk):
            part = arrays[k][i : i + BLOCK]
            found.append((k, float(part.min()), float(part.max())))
        return found

    found = np.array([e for part in timeline.in_chunks(extremes, len(blocks)) for e in part])
    return [
        (float(found[found[:, 0] == k, 1].min()), float(found[found[:, 0] == k, 2].max()))
        for k in range(len(arrays))
    ]


def _finite_extremes(values: np.ndarray) -> tuple[float, float]:
    """Lowest and highest finite value (NaN when there is none)."""
    finite = values[np.isfinite(values)]
    return (float(finite.min()), float(finite.max())) if finite.size else (np.nan, np.nan)


def _axis(lo: float, hi: float) -> tuple[float, float]:
    """An axis from `lo` to `hi`; around a single value, one unit wide (or a billionth of
    it, for values so large that a unit is below their precision)."""
    half = max(0.5, abs(lo) * 1e-9)
    return (lo - half, hi + half) if hi == lo else (lo, hi)


def _scale(bounds: tuple[float, float], pixels: int) -> tuple[float, float, float]:
    """(scale, offset, factor): a value v's pixel along an axis from `bounds[0]` to
    `bounds[1]` is `(v * scale - offset) * factor`, truncated; in halves (`scale` 0.5)
    for bounds so far apart that their difference overflows."""
    lo, hi = bounds
    if math.isfinite(hi - lo):
        return 1.0, lo, pixels / (hi - lo)
    return 0.5, lo * 0.5, pixels / (hi * 0.5 - lo * 0.5)
