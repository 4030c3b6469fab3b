"""Drawing `Chart`s with plotext: the ONLY module of perda-tui that calls plotext.

plotext is pinned to 5.3.2 (6.x changed the API it draws through); keeping every plotext
call here means an upgrade touches this file only. Nothing here imports Textual, so the
CLI uses it as well as the TUI.

plotext lays out and draws the frame, ticks, axis labels, title and cursor line; the
lines themselves (braille dots or one marker per cell, as plotext would) and the legend
are painted into plotext's character matrix with numpy, because plotext's per-point
Python would take most of the 100 ms frame budget for four envelopes. `render` returns
text (the CLI); `draw` returns `Cells` (the widget builds its strips from them without
parsing ANSI); `new_figure` gives each chart widget a figure of its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from itertools import groupby
from typing import Any

import numpy as np

from perda_tui.charts.model import (
    MARKERS,
    MAX_SERIES,
    Cells,
    Chart,
    ChartTheme,
    Color,
    Series,
    marker_glyph,
)
from perda_tui.charts.ticks import clock_ticks, nice_ticks

#: plotext's figure and character matrix: plotext ships no type information.
Figure = Any
Matrix = Any


def rich_color(color: Color) -> str | None:
    """A plotext colour as a Rich colour string; None for "default"."""
    if isinstance(color, tuple):
        return "rgb({},{},{})".format(*color)
    if isinstance(color, int):
        return f"color({color})"
    if color == "default":
        return None
    from plotext._dict import color_codes

    return f"color({color_codes[color]})"


# --------------------------------------------------------------------------- limits


def _x_limits(chart: Chart) -> tuple[float, float]:
    if chart.x_range is not None and chart.x_range[1] > chart.x_range[0]:
        return chart.x_range
    xs = [s.x[np.isfinite(s.x)] for s in chart.series]
    xs = [x for x in xs if len(x)]
    if not xs:
        return (0.0, 1.0)
    lo, hi = min(float(x[0]) for x in xs), max(float(x[-1]) for x in xs)
    return (lo, hi) if hi > lo else (lo - 0.5, lo + 0.5)


def _clip(series: Series, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """The points of `series` within [lo, hi]; a line leaving the window is cut at its
    edge (the outside neighbour is replaced by the crossing point)."""
    x, y = series.x, series.y
    i = int(np.searchsorted(x, lo, side="left"))
    j = int(np.searchsorted(x, hi, side="right"))
    xs, ys = [x[i:j]], [y[i:j]]
    if 0 < i < len(x) and i <= j:  # the line enters from the left
        xs.insert(0, np.array([lo]))
        ys.insert(0, np.array([_crossing(x[i - 1], y[i - 1], x[i], y[i], lo)]))
    if 0 < j < len(x) and i <= j:  # and leaves to the right
        xs.append(np.array([hi]))
        ys.append(np.array([_crossing(x[j - 1], y[j - 1], x[j], y[j], hi)]))
    return np.concatenate(xs), np.concatenate(ys)


def _crossing(x0: float, y0: float, x1: float, y1: float, at: float) -> float:
    """y of the segment (x0, y0)-(x1, y1) at x = `at` (NaN if the segment is a gap)."""
    return float(y0 + (y1 - y0) * (at - x0) / (x1 - x0)) if x1 != x0 else float(y1)


def _y_limits(points: Sequence[np.ndarray]) -> tuple[float, float] | None:
    """Padded [min, max] of the finite values in `points`; None if there are none."""
    finite = [p[np.isfinite(p)] for p in points]
    finite = [f for f in finite if len(f)]
    if not finite:
        return None
    lo = min(float(f.min()) for f in finite)
    hi = max(float(f.max()) for f in finite)
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        return lo - pad, hi + pad
    pad = (hi - lo) * 0.05
    return lo - pad, hi + pad


# --------------------------------------------------------------------------- raster

#: Braille dot bit for (pixel column in cell, pixel row in cell counted from the top).
_BRAILLE_BITS = np.array([[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]])


def _pixels(
    x: np.ndarray,
    y: np.ndarray,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    width: int,
    height: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Pixels (column, row from the bottom) of the polyline through (x, y) on a
    `width` by `height` pixel grid; NaN points break the line. Vectorised."""
    col = np.floor(0.5 + (width - 1) * (x - xlim[0]) / (xlim[1] - xlim[0]))
    row = np.floor(0.5 + (height - 1) * (y - ylim[0]) / (ylim[1] - ylim[0]))
    ok = np.isfinite(col) & np.isfinite(row)
    col = np.clip(np.where(ok, col, 0), -1, width).astype(np.int64)
    row = np.clip(np.where(ok, row, 0), -1, height).astype(np.int64)
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


def _paint(
    matrix: Matrix,
    series: Series,
    x: np.ndarray,
    y: np.ndarray,
    area: _Area,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    color: Color,
) -> None:
    """Draw one series into plotext's character matrix (over what is there)."""
    braille = MARKERS[series.slot % len(MARKERS)] == "braille"
    fx, fy = (2, 4) if braille else (1, 1)
    px, py = _pixels(x, y, xlim, ylim, area.width * fx, area.height * fy)
    if not len(px):
        return
    cell = (py // fy) * area.width + px // fx
    if braille:
        bits = np.zeros(area.width * area.height, dtype=np.int64)
        np.bitwise_or.at(bits, cell, _BRAILLE_BITS[px % 2, fy - 1 - py % fy])
        cells = np.flatnonzero(bits)
        glyphs = [chr(0x2800 + int(b)) for b in bits[cells]]
    else:
        cells = np.unique(cell)
        glyphs = [marker_glyph(series.slot)] * len(cells)
    for index, glyph in zip(cells.tolist(), glyphs, strict=True):
        row, col = divmod(index, area.width)
        matrix.marker[area.row + row][area.col + col] = glyph
        matrix.fullground[area.row + row][area.col + col] = color


@dataclass(frozen=True)
class _Area:
    """Where plotext put the canvas (the data area) in its matrix; rows count from the bottom."""

    col: int
    row: int
    width: int
    height: int


def _legend(
    matrix: Matrix, chart: Chart, shown: Sequence[Series], area: _Area, theme: ChartTheme
) -> None:
    """plotext's legend layout (top left of the canvas), drawn over the data."""
    mixed = len(shown) > 1 and any(s.right_axis for s in shown)
    entries = [
        ((" ⅃" if s.right_axis else " L") if mixed else "", marker_glyph(s.slot) * 2, s)
        for s in shown
    ]
    longest = max((len(side) + 4 + len(s.label) for side, _, s in entries), default=0)
    if not chart.legend or area.width < longest or area.height < len(entries):
        return
    for number, (side, glyphs, series) in enumerate(entries):
        row = area.row + area.height - 1 - number
        parts = [(side, theme.text), (" ", theme.text), (glyphs, theme.color(series.slot))]
        parts += [(f" {series.label} ", theme.text)]
        col = area.col
        for text, color in parts:
            for char in text:
                matrix.marker[row][col] = char
                matrix.fullground[row][col] = color
                col += 1


# --------------------------------------------------------------------------- render


def new_figure() -> Figure:
    """A fresh plotext figure (no module-level state is ever used)."""
    from plotext._figure import _figure_class

    return _figure_class()


def _colours(cell: tuple[str, Color, Color]) -> tuple[Color, Color]:
    return cell[1], cell[2]


def _set_matrices(matrix: Matrix) -> None:
    """plotext's `matrix_class.set_matrices` without a Python call per cell (same result)."""
    cols, rows = matrix.cols, matrix.Rows
    first, last = matrix.Cols_canvas.start, matrix.Cols_canvas.stop
    axes, canvas = matrix.axes_color, matrix.canvas_color
    canvas_row = [axes] * first + [canvas] * (last - first) + [axes] * (cols - last)
    matrix.marker = [[" "] * cols for _ in rows]
    matrix.fullground = [["default"] * cols for _ in rows]
    matrix.background = [
        list(canvas_row) if row in matrix.Rows_canvas else [axes] * cols for row in rows
    ]
    matrix.style = [["default"] * cols for _ in rows]


def draw(
    chart: Chart, width: int, height: int, *, theme: ChartTheme | None = None, figure: Figure = None
) -> Cells:
    """Draw `chart` at `width` by `height` cells into a grid (no ANSI text is built).

    `figure` is the plotext figure to draw into (a `new_figure()`); a new one if None.
    """
    matrix = _build(chart, width, height, theme or ChartTheme.ansi16(), figure)
    rows = []
    for chars, fgs, bgs in zip(
        reversed(matrix.marker),
        reversed(matrix.fullground),
        reversed(matrix.background),
        strict=True,
    ):
        rows.append(
            [
                ("".join(char for char, _, _ in run), fg, bg)
                for (fg, bg), run in groupby(zip(chars, fgs, bgs, strict=True), key=_colours)
            ]
        )
    return Cells(width, height, rows)


def render(
    chart: Chart,
    width: int,
    height: int,
    *,
    theme: ChartTheme | None = None,
    color: bool = True,
) -> str:
    """Draw `chart` at `width` by `height` cells as text, ANSI-coloured if `color`."""
    matrix = _build(chart, width, height, theme or ChartTheme.ansi16(), None)
    text = matrix.set_canvas().removesuffix("\n")  # plotext ends every row with \n
    if not color:
        from plotext._utility import uncolorize

        text = uncolorize(text)
    return text


def _build(chart: Chart, width: int, height: int, theme: ChartTheme, figure: Figure) -> Matrix:
    """The finished plotext character matrix of `chart`.

    plotext draws the frame, ticks, axis labels, title and cursor line; the data and the
    legend are painted here with numpy, which is several times faster than plotext's
    per-point Python for the thousands of points of a min/max envelope.
    """
    fig = figure if figure is not None else new_figure()
    fig.clear_figure()
    fig._limit_size(False, False)  # plotext would otherwise clamp to the terminal size
    fig.plotsize(width, height)
    fig._set_size(width, height)  # make the size stick (plotsize alone is overridden)
    fig.canvas_color(theme.canvas)
    fig.axes_color(theme.canvas)
    fig.ticks_color(theme.text)
    fig.title(chart.title or None)
    fig.xlabel(chart.x_label or None)

    xlim = _x_limits(chart)
    fig.xlim(*xlim)
    x_count = max(2, width // 14)
    ticks = (
        clock_ticks(*xlim, x_count, chart.clock_origin)
        if chart.clock_origin is not None
        else nice_ticks(*xlim, x_count)
    )
    if ticks[0]:
        fig.xticks(*ticks)

    shown = list(chart.series[:MAX_SERIES])
    clipped = {id(s): _clip(s, *xlim) for s in shown}
    limits: dict[bool, tuple[float, float]] = {}
    y_count = max(2, height // 5)
    for right in (False, True):
        side = "right" if right else "left"
        label = chart.y2_label if right else chart.y_label
        if label:
            fig.ylabel(label, yside=side)
        ylim = _y_limits([clipped[id(s)][1] for s in shown if s.right_axis == right])
        if ylim is None:
            continue
        limits[right] = ylim
        fig.ylim(*ylim, yside=side)
        yticks = nice_ticks(*ylim, y_count)
        if yticks[0]:
            fig.yticks(*yticks, yside=side)
    for right in limits or (False,):
        # an invisible point puts this side's axis and ticks on the frame
        fig.plot([xlim[0]], [math.nan], marker="dot", yside="right" if right else "left")
    if chart.cursor is not None and xlim[0] <= chart.cursor <= xlim[1]:
        fig.vertical_line(chart.cursor, color=theme.cursor)
    matrix = fig.monitor.matrix
    matrix.set_matrices = partial(_set_matrices, matrix)
    fig._set_sizes()  # what plotext's build() does, minus assembling an ANSI string
    fig._build_matrix()
    cols, rows = matrix.Cols_canvas, matrix.Rows_canvas
    area = _Area(cols.start, rows.start, len(cols), len(rows))
    if area.width > 0 and area.height > 0:
        for series in shown:
            if series.right_axis in limits:
                x, y = clipped[id(series)]
                color = theme.color(series.slot)
                _paint(matrix, series, x, y, area, xlim, limits[series.right_axis], color)
        _legend(matrix, chart, shown, area, theme)
    return matrix
