"""The batched rasteriser against the one it replaced, which drew one line at a time:
the same dots per line, the same braille bits per cell and the same line on top of each
cell, for hostile lines (NaN, ±inf, huge values, far off the grid, empty, one point) in
batches of any size."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perda_tui.charts import raster
from perda_tui.charts.raster import DOTS_X, DOTS_Y, braille_bits, line_dots, line_of, to_pixels


def reference_line_pixels(
    x: np.ndarray,
    y: np.ndarray,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    width: int,
    height: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The dots of one polyline, as the rasteriser drew each line before batching."""
    col = np.floor(0.5 + to_pixels(x, *xlim, width))
    row = np.floor(0.5 + to_pixels(y, *ylim, height))
    ok = np.isfinite(col) & np.isfinite(row)
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


def reference_cells(
    lines: list[tuple[np.ndarray, np.ndarray]],
    xlim: tuple[float, float],
    ylims: list[tuple[float, float]],
    columns: int,
    rows: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Bits per cell and the last line through each cell (-1: none), a line at a time:
    each line's dots ORed in, its index written over the cells it has dots in."""
    bits = np.zeros((rows, columns), dtype=np.int64)
    last = np.full((rows, columns), -1)
    for index, ((x, y), ylim) in enumerate(zip(lines, ylims, strict=True)):
        px, py = reference_line_pixels(x, y, xlim, ylim, columns * DOTS_X, rows * DOTS_Y)
        own = np.zeros((rows, columns), dtype=np.int64)
        for dot_x, dot_y in zip(px.tolist(), py.tolist(), strict=True):
            top = rows * DOTS_Y - 1 - dot_y
            own[top // DOTS_Y, dot_x // DOTS_X] |= raster.BRAILLE_BITS[dot_x % DOTS_X, top % DOTS_Y]
        bits |= own
        last[own > 0] = index
    return bits, last


values = st.one_of(
    st.floats(-3.0, 3.0),
    st.sampled_from([np.nan, np.inf, -np.inf, 1e300, -1e308, 40.0, -25.0, 0.5, 1.0]),
)


@st.composite
def polylines(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """A line of 0-30 points: sorted x (duplicates allowed), hostile y."""
    count = draw(st.integers(0, 30))
    x = np.sort(np.array(draw(st.lists(values, min_size=count, max_size=count)), dtype=float))
    y = np.array(draw(st.lists(values, min_size=count, max_size=count)), dtype=float)
    return x, y


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(polylines(), min_size=0, max_size=6),
    ylims=st.lists(st.sampled_from([(-1.0, 1.0), (0.0, 2.5), (-1e300, 1e300)]), min_size=6),
    columns=st.integers(1, 9),
    rows=st.integers(1, 6),
    batch=st.sampled_from([1, 2, 3, 7, raster.BATCH_POINTS]),
)
def test_batched_lines_draw_as_one_line_at_a_time(
    lines: list[tuple[np.ndarray, np.ndarray]],
    ylims: list[tuple[float, float]],
    columns: int,
    rows: int,
    batch: int,
) -> None:
    xlim, axes = (-1.0, 1.5), ylims[: len(lines)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(raster, "BATCH_POINTS", batch)
        dots = list(line_dots(lines, xlim, axes, columns * DOTS_X, rows * DOTS_Y))
    bits, last = braille_bits(dots, len(lines), columns, rows)
    want_bits, want_last = reference_cells(lines, xlim, axes, columns, rows)
    np.testing.assert_array_equal(bits, want_bits)
    np.testing.assert_array_equal(last, want_last)
    for index, ((x, y), ylim) in enumerate(zip(lines, axes, strict=True)):
        # the same dots, as often (markers average them), in any order
        px, py = line_of(dots, index)
        want = reference_line_pixels(x, y, xlim, ylim, columns * DOTS_X, rows * DOTS_Y)
        assert sorted(zip(px.tolist(), py.tolist(), strict=True)) == sorted(
            zip(*(axis.tolist() for axis in want), strict=True)
        )
