"""The XY density's loop, compiled (`perda_tui.analysis.compiled`): each point's y value
and pixel, counted, in one pass over x's samples.

y at a timestamp is `np.interp`'s value there, bit for bit: found by walking y's samples
along x's ascending timestamps (both as float64, as `np.interp` compares them), the last
sample at or before the point, its value at its own time and past y's last sample, the
first sample's value before it, otherwise the slope between it and the next sample times
the distance from it plus its value (or, if that is NaN, the same from the next sample;
if that is NaN too and the two values are equal, their value).
"""

from __future__ import annotations

import math

import numpy as np

from perda_tui.analysis.compiled import compiled

#: numba's types of the arrays read (read-only ones too: a stored log's are mapped so).
FLOATS, INTS = (f'Array({t}, 1, "C", readonly=True)' for t in ("float64", "int64"))
#: numba's signature of `count_points`.
SIGNATURE = (
    f"void({FLOATS}, {INTS}, {INTS}, {FLOATS}, boolean, UniTuple(float64, 3),"
    " UniTuple(float64, 3), UniTuple(int64, 2), UniTuple(int64, 2), int32[::1])"
)


@compiled(SIGNATURE)
def count_points(
    xs: np.ndarray,
    times: np.ndarray,
    own: np.ndarray,
    values: np.ndarray,
    shared: bool,
    x_axis: tuple[float, float, float],
    y_axis: tuple[float, float, float],
    grid: tuple[int, int],
    part: tuple[int, int],
    counts: np.ndarray,
) -> None:
    """Count points `part[0]` to `part[1]` (indexes into `xs`, `times`) in `counts[row *
    columns + column]` (int32: the caller adds them up before one can overflow), `grid`
    being (columns, rows): x is `xs[i]`, y is y (timestamps `own`, `values`) at
    `times[i]`, or `values[i]` if `shared` (y logged with x). Points with a NaN or inf
    are left out. A value v's pixel along an axis (scale, offset, factor) is `(v * scale
    - offset) * factor` clipped to the grid and truncated, the far edge in the last pixel
    (NaN, from a pixel too narrow for float64, in the first).

    Arrays are indexed with unsigned integers (numba then adds no code for negative
    indexes), each first proven inside its array."""
    columns, rows = grid
    samples = min(own.size, values.size)
    first = max(part[0], 0)
    stop = max(min(part[1], xs.size, times.size, values.size if shared else xs.size), first)
    if columns < 1 or rows < 1 or rows > counts.size // columns or (samples < 1 and not shared):
        return  # (rows * columns fits in counts, and so in an int64)

    def pixel(value: float, axis: tuple[float, float, float], pixels: int) -> int:
        scale, offset, factor = axis
        at = (value * scale - offset) * factor
        if not at > 0.0:  # NaN too
            return 0
        return min(int(min(at, float(pixels))), pixels - 1)

    def add(x: float, y: float) -> None:
        if (x - x) + (y - y) == 0.0:  # both finite (else NaN)
            counts[np.uint64(pixel(y, y_axis, rows) * columns + pixel(x, x_axis, columns))] += 1

    points = range(np.uint64(first), np.uint64(stop))
    if shared:
        for i in points:
            add(xs[i], values[i])
        return
    # j: the last sample at or before the point (-1: none), at time t0; t1: the next's
    t = float(times[np.uint64(first)]) if first < stop else 0.0
    low, high = 0, samples
    while low < high:
        middle = (low + high) >> 1
        if float(own[np.uint64(middle)]) <= t:
            low = middle + 1
        else:
            high = middle
    j = low - 1
    t0 = float(own[np.uint64(j)]) if j >= 0 else -math.inf
    t1 = float(own[np.uint64(j + 1)]) if j + 1 < samples else math.inf
    for i in points:
        t = float(times[i])
        while t1 <= t:
            j += 1
            t0, t1 = t1, float(own[np.uint64(j + 1)]) if j + 1 < samples else math.inf
        if j < 0:
            y = values[0]
        elif j == samples - 1 or t0 == t:
            y = values[np.uint64(j)]
        else:
            y0, y1 = values[np.uint64(j)], values[np.uint64(j + 1)]
            slope = (y1 - y0) / (t1 - t0)
            y = slope * (t - t0) + y0
            if math.isnan(y):
                y = slope * (t - t1) + y1
                if math.isnan(y) and y0 == y1:
                    y = y0
        add(xs[i], y)
