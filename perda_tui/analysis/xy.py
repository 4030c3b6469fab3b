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

How: y is interpolated a piece of x's samples at a time (`timeline.Pieces`, against its
samples around the piece) and the piece's points are given their pixels right away, so
y at x's timestamps is never written out whole; blocks of pieces are counted on threads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from perda_tui.analysis.timeline import Pieces, in_chunks, same_timeline

if TYPE_CHECKING:
    from perda_tui.logs import Signal

#: Values beyond this size may overflow when interpolated: their pairs are checked.
LARGE = np.finfo(np.float64).max / 4
#: Most pixels of a grid (with one extra row and column).
MAX_CELLS = 1 << 24
#: Points counted at a time (at least 4 per pixel), and values read at a time for ranges.
BLOCK = 1 << 18
#: Points interpolated and given their cells at a time.
PIECE = 1 << 15


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
    if (columns + 1) * (rows + 1) > MAX_CELLS:
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
    # NaN or inf, or values so large that interpolating between them may overflow
    checked = not (np.abs(extremes) < LARGE).all()
    if checked:
        extremes = [_finite_extremes(v) for v in samples]
        if np.isnan(extremes).any():
            return empty
    x_range, y_range = (_axis(*e) for e in extremes)
    values: Callable[[int], np.ndarray]
    if same_timeline(own, x.timestamps):  # logged together: y's own values
        shared = y.trim(start, end).values
        values = lambda i: shared[i * PIECE : (i + 1) * PIECE]  # noqa: E731
        rounded = False
    else:
        pieces = Pieces(y, points, PIECE)
        values, rounded = pieces.values, pieces.whole is not None
    # timestamps rounded to float64 (beyond 2**53) may take values from beyond y's samples
    # around the window: checked, and clipped to the axis; otherwise interpolation rounds
    # past y's extremes by an ulp or so, harmless (see `_cells`) unless a pixel is as narrow
    checked |= rounded
    y0, y1 = y_range
    clip = checked or (y1 - y0) / rows < 1e-12 * max(abs(y0), abs(y1))
    axes = (x_range, y_range)
    counts = _count(window.values, values, axes, columns, rows, checked=checked, clip=clip)
    total = int(counts.sum())
    return Density(counts, x_range, y_range, total) if total else empty


def _count(
    xs: np.ndarray,
    ys: Callable[[int], np.ndarray],
    axes: tuple[tuple[float, float], tuple[float, float]],
    columns: int,
    rows: int,
    *,
    checked: bool,
    clip: bool,
) -> np.ndarray:
    """Points per pixel (`counts[row, column]`) of the pairs (`xs`, `ys(i)` for piece `i`
    of `PIECE` points) on the x and y `axes`; `checked`: leave out pairs with a NaN or
    inf; `clip`: y may lie past its axis by more than rounding."""
    x_range, y_range = axes
    # blocks of pieces, at least 4 points a pixel (one bincount each), counted on an
    # extra row and column; a piece's temporaries stay in the core's cache
    cells = (rows + 1) * (columns + 1)
    per = -(-max(BLOCK, 4 * cells) // PIECE)
    pieces = -(-xs.size // PIECE)

    def count(blocks: range) -> np.ndarray:
        counts = np.zeros(cells, np.int64)
        index = np.empty(per * PIECE, np.int32)
        spare, scratch = np.empty(PIECE, np.int32), np.empty(PIECE)
        for block in blocks:
            at = 0
            for piece in range(block * per, min((block + 1) * per, pieces)):
                x, y = xs[piece * PIECE : (piece + 1) * PIECE], ys(piece)
                if checked:
                    ok = np.isfinite(x)
                    ok &= np.isfinite(y)
                    x, y = x[ok], y[ok]
                cell = index[at : at + x.size]
                _cells(y, y_range, rows, scratch[: x.size], cell, clip=clip)
                cell *= columns + 1
                _cells(x, x_range, columns, scratch[: x.size], spare[: x.size])
                cell += spare[: x.size]
                at += x.size
            counts += np.bincount(index[:at], minlength=cells)
        return counts

    grid = np.sum(in_chunks(count, -(-pieces // per)), axis=0).reshape(rows + 1, -1)
    # the maximum lands one past the last pixel: counted on the extra row and column,
    # then added to the last ones (cheaper than clipping every index)
    grid[:, -2] += grid[:, -1]
    grid[-2] += grid[-1]
    return grid[:-1, :-1].copy()


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

    found = np.array([e for part in in_chunks(extremes, len(blocks)) for e in part])
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


def _cells(
    values: np.ndarray,
    bounds: tuple[float, float],
    cells: int,
    scratch: np.ndarray,
    out: np.ndarray,
    *,
    clip: bool = False,
) -> None:
    """The cell of each value, from 0 to `cells` (the maximum, on the far edge), into the
    int32 `out` (float64 -> int32 converts 4 at a time, int64 one by one), by truncation:
    a value below the bounds by less than a cell lands in cell 0 too; `clip` for values
    that may lie further past them."""
    lo, hi = bounds
    if np.isfinite(hi - lo):
        np.subtract(values, lo, out=scratch)
        scratch *= cells / (hi - lo)
    else:  # bounds so far apart that their difference overflows: in halves
        np.multiply(values, 0.5, out=scratch)
        scratch -= lo * 0.5
        scratch *= cells / (hi * 0.5 - lo * 0.5)
    if clip:
        np.clip(scratch, 0, cells, out=scratch)
    np.copyto(out, scratch, casting="unsafe")  # truncation, as astype
