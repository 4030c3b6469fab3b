"""Line charts in the terminal: the ONLY module of perda-tui that calls plotext.

plotext is pinned to 5.3.2 (6.x changed the API it draws through); keeping
every plotext call here means an upgrade touches this file only. Nothing here imports
Textual, so the CLI uses it as well as the TUI.

Callers and what they use:

- the plot screen's chart widget (`perda_tui.tui.common.chart_view`): min/max envelopes of
  log signals from `decimate` (`envelope_series`), left and right y-axes, a cursor line,
  seconds-from-start or wall-clock ticks; it renders into its own plotext figure
  (`draw(..., figure=...)`) with a `ChartTheme` taken from the app theme;
- `perda-tui plot` (`perda_tui.cli.plot`): the same chart printed to stdout
  (`signal_series` + `render(..., color=False)` when stdout is not a terminal);
- the device screen's live chart: a bounded rolling history as plain points
  (`line_series(label, x, y, slot=i)`), `Chart(x_range=(now - span, now))`;
- the archive screen's keyword plot: one keyword over time (`line_series`, with
  `Chart(clock_origin=...)` to label the axis with wall-clock times).

Model: a `Chart` holds up to `MAX_SERIES` `Series`; each series is an x array (seconds,
sorted) and a y array in which NaN breaks the line, so gaps in the data are drawn as
gaps. Series `slot` i gets colour `theme.palette[i]` and marker `MARKERS[i]`: colours
and markers both differ, so series stay distinguishable on 16-colour terminals.

Drawing: plotext lays out and draws the frame, ticks, axis labels, title and cursor
line; the lines themselves (braille dots or one marker per cell, as plotext would) and
the legend are painted into plotext's character matrix with numpy, because plotext's
per-point Python would take most of the 100 ms frame budget for four envelopes.
`render` returns text (the CLI); `draw` returns `Cells` (the widget builds its strips
from them without parsing ANSI).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from itertools import groupby
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from perda_tui.logs import Signal

#: A plotext colour: a name ("red+", "default"), a 256-colour index or an RGB tuple.
Color = str | int | tuple[int, int, int]

#: At most this many series on one chart (distinct colour and marker each).
MAX_SERIES = 6
#: plotext marker of each series slot; all distinct so 16-colour terminals can tell them apart.
MARKERS: tuple[str, ...] = ("braille", "dot", "x", "+", "*", "o")
#: Glyph shown for each marker in legends drawn outside plotext (e.g. the signal list).
MARKER_GLYPHS: tuple[str, ...] = ("⢕", "•", "x", "+", "*", "o")
#: A pause longer than this many typical sample periods is a gap (drawn as a gap).
GAP_PERIODS = 5.0


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

    def rich_color(self, slot: int) -> str | None:
        """Colour of series slot `slot` for Rich (legends drawn outside the chart)."""
        return rich_color(self.color(slot))


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


def typical_step(x: np.ndarray, sample: int = 100_000) -> float:
    """Median spacing of ascending `x` (over at most `sample` leading steps); 0 if unknown."""
    steps = np.diff(np.asarray(x[: sample + 1], dtype=np.float64))
    steps = steps[steps > 0]
    return float(np.median(steps)) if len(steps) else 0.0


def break_gaps(x: np.ndarray, y: np.ndarray, max_step: float) -> tuple[np.ndarray, np.ndarray]:
    """Drop points whose y is NaN, then insert a point with y NaN (x halfway) wherever x
    jumps by more than `max_step`.

    The result draws as connected runs separated by gaps: a gap appears exactly where
    the data pauses longer than `max_step`, however the points were thinned.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]
    if len(x) < 2:
        return x, y
    cuts = np.flatnonzero(np.diff(x) > max_step) + 1
    if not len(cuts):
        return x, y
    middles = (x[cuts - 1] + x[cuts]) / 2  # x stays sorted, so windows can be searched
    return np.insert(x, cuts, middles), np.insert(y, cuts, np.nan)


def line_series(
    label: str,
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    *,
    slot: int = 0,
    right_axis: bool = False,
    max_step: float | None = None,
) -> Series:
    """A series of plain points (sorted by x here); a pause longer than `max_step`
    (default: `GAP_PERIODS` typical steps) is a gap."""
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    if len(xs) > 1 and bool(np.any(xs[1:] < xs[:-1])):
        order = np.argsort(xs, kind="stable")
        xs, ys = xs[order], ys[order]
    step = GAP_PERIODS * typical_step(xs) if max_step is None else max_step
    xs, ys = break_gaps(xs, ys, step if step > 0 else math.inf)
    return Series(label, xs, ys, slot=slot, right_axis=right_axis)


def envelope_series(
    label: str,
    times: np.ndarray,
    mins: np.ndarray,
    maxs: np.ndarray,
    *,
    slot: int = 0,
    right_axis: bool = False,
    gap: float = math.inf,
) -> Series:
    """A series from a min/max decimation (one column per x, NaN where a column is empty).

    Each column is drawn as a stroke between its min and max, alternately upwards and
    downwards so that neighbouring columns join max-to-max and min-to-min (half the ink
    and drawing time of joining each max to the next min); columns further apart than
    `gap` (and than one empty column) are not joined.
    """
    times = np.asarray(times, dtype=np.float64)
    mins = np.asarray(mins, dtype=np.float64)
    maxs = np.asarray(maxs, dtype=np.float64)
    width = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    upwards = (np.cumsum(~np.isnan(mins)) % 2) == 1  # alternate over non-empty columns
    x = np.repeat(times, 2)
    y = np.empty(len(x))
    y[0::2] = np.where(upwards, mins, maxs)
    y[1::2] = np.where(upwards, maxs, mins)
    return Series(label, *break_gaps(x, y, max(gap, 1.5 * width)), slot=slot, right_axis=right_axis)


def signal_series(
    signal: Signal,
    start: float,
    end: float,
    columns: int,
    *,
    origin: int,
    seconds_per_unit: float,
    slot: int = 0,
    right_axis: bool = False,
    label: str | None = None,
) -> Series:
    """The envelope of `signal` between `start` and `end` (seconds after raw time `origin`)
    decimated to `columns` columns with the log engine's `decimate`."""
    from perda_tui.logs import decimate

    t0 = origin + start / seconds_per_unit
    t1 = origin + end / seconds_per_unit
    times, mins, maxs = decimate(signal, t0, t1, max(columns, 1))
    seconds = (np.asarray(times, dtype=np.float64) - origin) * seconds_per_unit
    gap = GAP_PERIODS * typical_step(signal.timestamps) * seconds_per_unit
    return envelope_series(
        label or signal.name,
        seconds,
        mins,
        maxs,
        slot=slot,
        right_axis=right_axis,
        gap=gap if gap > 0 else math.inf,
    )


# --------------------------------------------------------------------------- ticks

_NICE = (1.0, 2.0, 2.5, 5.0, 10.0)
_CLOCK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200)


def nice_step(span: float, count: int) -> float:
    """A round step (1, 2, 2.5 or 5 * 10^k) giving about `count` ticks over `span`."""
    if span <= 0 or count < 1:
        return 1.0
    raw = span / count
    power = 10.0 ** math.floor(math.log10(raw))
    return next(n * power for n in _NICE if n * power >= raw)


def _decimals(step: float) -> int:
    """Decimal places that show every multiple of `step` exactly (2.5 needs one more)."""
    exponent = math.floor(math.log10(step) + 1e-9)
    mantissa = step / 10.0**exponent
    return max(0, -exponent + (1 if abs(mantissa - 2.5) < 1e-9 else 0))


def nice_ticks(lo: float, hi: float, count: int) -> tuple[list[float], list[str]]:
    """Round tick positions inside [lo, hi] and their labels."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [], []
    step = nice_step(hi - lo, count)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]
    decimals = _decimals(step)
    return ticks, [f"{t:.{decimals}f}" if decimals else f"{round(t):d}" for t in ticks]


def clock_ticks(
    lo: float, hi: float, count: int, origin: datetime
) -> tuple[list[float], list[str]]:
    """Ticks at round wall-clock times for x = seconds after `origin`, labelled HH:MM[:SS]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [], []
    raw = (hi - lo) / max(count, 1)
    if raw < 1:
        ticks, _ = nice_ticks(lo, hi, count)
        step = nice_step(hi - lo, count)
        decimals = _decimals(step)
        labels = [
            (origin + timedelta(seconds=t)).strftime("%H:%M:%S.%f")[: 9 + decimals] for t in ticks
        ]
        return ticks, labels
    step = next((s for s in _CLOCK_STEPS if s >= raw), _CLOCK_STEPS[-1])
    base = origin.replace(microsecond=0)
    offset = (origin - base).total_seconds()
    day_seconds = base.hour * 3600 + base.minute * 60 + base.second
    # first x whose wall-clock time of day is a multiple of step
    first_clock = math.ceil((day_seconds + lo + offset) / step) * step
    first = first_clock - day_seconds - offset
    fmt = "%H:%M" if step % 60 == 0 else "%H:%M:%S"
    ticks, labels = [], []
    t = first
    while t <= hi + 1e-9:
        ticks.append(t)
        labels.append((origin + timedelta(seconds=t)).strftime(fmt))
        t += step
    return ticks, labels


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
    matrix: Any,
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
    matrix: Any, chart: Chart, shown: Sequence[Series], area: _Area, theme: ChartTheme
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


def new_figure() -> Any:
    """A fresh plotext figure (no module-level state is ever used)."""
    from plotext._figure import _figure_class

    return _figure_class()


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


def _colours(cell: tuple[str, Color, Color]) -> tuple[Color, Color]:
    return cell[1], cell[2]


def _set_matrices(matrix: Any) -> None:
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
    chart: Chart, width: int, height: int, *, theme: ChartTheme | None = None, figure: Any = None
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


def _build(chart: Chart, width: int, height: int, theme: ChartTheme, figure: Any) -> Any:
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
    for right in limits or {False: None}:
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
