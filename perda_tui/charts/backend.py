"""Drawing `Chart`s into cells with numpy: frame, axes, legend, lines, markers, cursors.

Layout of an overlay chart (a stacked chart repeats the framed panel, one per series,
each with its own y range, all sharing the bottom time axis):

    title (only if the chart has one)
       V ┌ ━━ pack.voltage ─────────────── pack.current ━━ ┐ A     units above the axes,
     560 ┤⠀⠀⠀⣀⡠⠤⠒⠉⠉⠑⠢⢄⣀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀ ├ 120    legend on the frame
     540 ┤...                                            ├ 0
         └──────┬─────────A──────┬──────B──────┬─────────┘           cursors A and B
               0:10            0:20          0:30

Ticks sit on the frame edges at round 1-2-5 values (left axis left, right axis right,
the right one only when a series uses it). Lines are braille (2 by 4 dots per cell),
every series in its colour; where series share a cell their dots are ORed and the cell
takes the colour of the series drawn last (the highlighted one), so no trace is ever
erased. Nothing here imports Textual: the CLI prints `render`'s text, the TUI builds its
strips from `draw`'s cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import StringIO
from itertools import pairwise
from typing import NamedTuple

import numpy as np

from perda_tui.charts.model import (
    MAX_SERIES,
    Cells,
    Chart,
    ChartTheme,
    Color,
    Series,
    marker_glyph,
    swatch_text,
)
from perda_tui.charts.raster import (
    BRAILLE_BLANK,
    DOTS_X,
    DOTS_Y,
    Dots,
    braille_bits,
    line_dots,
    line_of,
    marker_cells,
    to_pixels,
)
from perda_tui.charts.ticks import clock_ticks, nice_ticks, time_ticks
from perda_tui.text import shorten_middle, shorten_names, without_control

#: Every braille glyph, by bit mask.
_BRAILLE = np.array([chr(BRAILLE_BLANK + bits) for bits in range(256)])
#: Units above an axis are cut to this many cells.
UNIT_CELLS = 8
#: Markers mode puts a marker on each line every this many cell columns.
MARKER_EVERY = 8
#: A panel this tall (data rows) gets at least two labelled y ticks.
MIN_ROWS_FOR_TWO_TICKS = 3
#: The time axis' title gets a row of its own when the plot keeps this many rows.
MIN_ROWS_FOR_LABEL = 6
#: The glyphs of cursors A and B in the plot and on the time axis.
CURSOR_LINES = ("│", "┊")
CURSOR_NAMES = ("A", "B")


def rich_color(color: Color) -> str | None:
    """A chart colour as a Rich colour string; None for "default"."""
    if isinstance(color, tuple):
        return "rgb({},{},{})".format(*color)
    if isinstance(color, int):
        return f"color({color})"
    return None if color == "default" else color


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
    """y of the segment (x0, y0)-(x1, y1) at x = `at` (NaN if the segment is a gap, or
    runs to an infinite value: drawn as a gap, without numpy's warning)."""
    if x1 == x0:
        return float(y1)
    with np.errstate(invalid="ignore", over="ignore"):
        return float(y0 + (y1 - y0) * (at - x0) / (x1 - x0))


#: Largest |y| an axis reaches; values beyond fall outside the plot area.
Y_LIMIT = 1e300


def y_limits(points: Sequence[np.ndarray]) -> tuple[float, float] | None:
    """Padded [min, max] of the finite values in `points`; None if there are none."""
    finite = [p[np.isfinite(p)] for p in points]
    finite = [f for f in finite if len(f)]
    if not finite:
        return None
    # bounded so that spans and paddings stay finite (values of ±1e308 overflow them)
    lo = max(min(float(f.min()) for f in finite), -Y_LIMIT)
    hi = min(max(float(f.max()) for f in finite), Y_LIMIT)
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        return lo - pad, hi + pad
    pad = (hi - lo) * 0.05
    return lo - pad, hi + pad


# --------------------------------------------------------------------------- grid


class _Grid:
    """Characters and their colours (indexes into `inks`), top row first."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.chars = np.full((height, width), " ", dtype="<U1")
        self.ink = np.zeros((height, width), dtype=np.int64)
        self.inks: list[Color] = ["default"]

    def ink_of(self, color: Color) -> int:
        if color not in self.inks:
            self.inks.append(color)
        return self.inks.index(color)

    def text(self, row: int, col: int, text: str, color: Color) -> int:
        """Write `text` from `col` (cut at the edges); returns the column after it.
        Control characters (from a log's names or units) are drawn as `?`."""
        text = without_control(text, "?")
        if not 0 <= row < self.height:
            return col + len(text)
        start, stop = max(col, 0), min(col + len(text), self.width)
        if start < stop:
            self.chars[row, start:stop] = list(text[start - col : stop - col])
            self.ink[row, start:stop] = self.ink_of(color)
        return col + len(text)

    def cells(self, background: Color) -> Cells:
        """The grid as runs of one colour (found with numpy: a Python step per run only).
        A blank takes the colour of the cell before it, which it does not show, so that
        runs are few."""
        shown = np.where(self.chars != " ", np.arange(self.width), 0)
        ink = np.take_along_axis(self.ink, np.maximum.accumulate(shown, axis=1), axis=1)
        starts = np.ones(ink.shape, dtype=bool)
        starts[:, 1:] = ink[:, 1:] != ink[:, :-1]
        rows_at, cols_at = np.nonzero(starts)
        # a run ends where the next one starts, or at the end of its row (the next: at 0)
        ends = np.append(cols_at[1:], 0)
        ends[ends == 0] = self.width
        # each row's characters as one string (no NUL is ever drawn: none is cut off)
        lines = self.chars.view(f"<U{self.width}")[:, 0].tolist() if self.width else []
        colors = list(map(self.inks.__getitem__, ink[rows_at, cols_at].tolist()))
        runs = [
            (lines[row][start:end], color, background)
            for row, start, end, color in zip(
                rows_at.tolist(), cols_at.tolist(), ends.tolist(), colors, strict=True
            )
        ]
        bounds = [0, *np.cumsum(starts.sum(axis=1)).tolist()]
        return Cells(self.width, self.height, [runs[a:b] for a, b in pairwise(bounds)])


# --------------------------------------------------------------------------- layout


class _Axis(NamedTuple):
    """One y-axis of a panel: its limits, ticks and unit."""

    lo: float
    hi: float
    ticks: list[float]
    labels: list[str]
    unit: str


class _Panel(NamedTuple):
    """A framed plot: its header (frame line) row, data rows, series and y-axes by side."""

    header: int
    rows: int
    series: list[Series]
    axes: dict[bool, _Axis]


def _axis(series: list[Series], clipped: dict[int, np.ndarray], rows: int) -> _Axis | None:
    limits = y_limits([clipped[id(s)] for s in series])
    if limits is None:
        return None
    count = max(1, min(rows // 2, 10))
    ticks, labels = nice_ticks(*limits, count)
    # a short panel still gets two labelled rows: finer round steps until two land apart
    while rows >= MIN_ROWS_FOR_TWO_TICKS and count < rows * DOTS_Y:
        if len({_data_row(t, *limits, rows) for t in ticks} - {None}) >= 2:
            break
        count += 1
        ticks, labels = nice_ticks(*limits, count)
    units = list(dict.fromkeys(s.unit for s in series if s.unit))
    return _Axis(*limits, ticks, labels, ",".join(units)[:UNIT_CELLS])


def _on_right(chart: Chart, series: Series) -> bool:
    return series.right_axis and not chart.stacked


def _panels(
    chart: Chart, shown: list[Series], clipped: dict[int, np.ndarray], top: int, body: int
) -> list[_Panel] | None:
    """The panels in `body` rows from row `top`: one per series if stacked; None if
    they do not fit (each needs a frame line and a data row)."""
    groups = [[s] for s in shown] if chart.stacked and shown else [shown]
    rows_each, extra = divmod(body - len(groups), len(groups))
    if rows_each < 1:
        return None
    panels, row = [], top
    for index, group in enumerate(groups):
        rows = rows_each + (1 if index < extra else 0)
        axes = {}
        for right in (False, True):
            axis = _axis([s for s in group if _on_right(chart, s) == right], clipped, rows)
            if axis is not None:
                axes[right] = axis
        panels.append(_Panel(row, rows, group, axes))
        row += rows + 1
    return panels


def _label_budget(lengths: list[int], room: int, extra: int) -> int:
    """The longest label that fits when `lengths` share `room` cells, each also taking
    `extra`: short labels leave their unused share to the long ones."""
    budget = room // max(len(lengths), 1) - extra
    left, count = room, len(lengths)
    for length in sorted(lengths):
        if length > budget:
            break
        left, count = left - length - extra, count - 1
        budget = left // count - extra if count else budget
    return budget


def _data_row(value: float, lo: float, hi: float, rows: int) -> int | None:
    """Row (from the top of a panel's `rows` data rows) where a line at `value` is drawn
    on an axis from `lo` to `hi`; None outside the panel."""
    dot = int(np.floor(0.5 + to_pixels(np.float64(value), lo, hi, rows * DOTS_Y)))
    row = rows - 1 - dot // DOTS_Y
    return row if 0 <= row < rows else None


def _x_ticks(chart: Chart, xlim: tuple[float, float], width: int) -> tuple[list[float], list[str]]:
    """Time ticks whose labels fit `width` cells with a gap of three between them."""
    count = max(2, width // 10)
    for _ in range(4):
        if chart.clock_origin is not None:
            ticks, labels = clock_ticks(*xlim, count, chart.clock_origin)
        else:
            ticks, labels = time_ticks(*xlim, count, chart.time_format)
        fits = max(1, width // (max(map(len, labels), default=1) + 3))
        if len(ticks) <= fits:
            break
        count = max(1, min(count - 1, fits))
    return ticks, labels


# --------------------------------------------------------------------------- drawing


def draw(chart: Chart, width: int, height: int, *, theme: ChartTheme | None = None) -> Cells:
    """Draw `chart` at `width` by `height` cells into a grid (no ANSI text is built)."""
    theme = theme or ChartTheme.ansi16()
    grid = _Grid(max(width, 0), max(height, 0))
    _Drawing(chart, grid, theme).draw()
    return grid.cells(theme.canvas)


def render(
    chart: Chart,
    width: int,
    height: int,
    *,
    theme: ChartTheme | None = None,
    color: bool = True,
) -> str:
    """Draw `chart` at `width` by `height` cells as text, ANSI-coloured if `color`."""
    cells = draw(chart, width, height, theme=theme)
    if not color:
        return cells.plain()
    from rich.console import Console
    from rich.style import Style
    from rich.text import Text

    out = StringIO()
    console = Console(file=out, force_terminal=True, color_system="truecolor", width=width + 1)
    for row in cells.rows:
        line = Text(no_wrap=True)
        for text, fg, bg in row:
            line.append(text, Style(color=rich_color(fg), bgcolor=rich_color(bg)))
        console.print(line, soft_wrap=True)
    return out.getvalue().removesuffix("\n")


class _Drawing:
    """One chart being drawn into one grid."""

    def __init__(self, chart: Chart, grid: _Grid, theme: ChartTheme) -> None:
        self.chart, self.grid, self.theme = chart, grid, theme

    def draw(self) -> None:
        chart, grid = self.chart, self.grid
        shown = list(chart.series[:MAX_SERIES])
        self.xlim = _x_limits(chart)
        clipped = {id(s): _clip(s, *self.xlim) for s in shown}
        top = 1 if chart.title else 0
        if chart.title:
            title = shorten_middle(chart.title, grid.width)
            grid.text(0, (grid.width - len(title)) // 2, title, self.theme.text)
        # under the time axis: its tick labels, then its title on a row of its own if room
        self.label_row = bool(chart.x_label) and grid.height - top - 3 >= MIN_ROWS_FOR_LABEL
        body = grid.height - top - 2 - self.label_row
        panels = _panels(chart, shown, {k: y for k, (_, y) in clipped.items()}, top, body)
        if panels is None:
            several = chart.stacked and len(shown) > 1
            self._say(top, f"{len(shown)} panels need more rows" if several else "too small")
            return
        self.left_margin = max(
            (
                len(text)
                for p in panels
                if False in p.axes
                for text in (*p.axes[False].labels, p.axes[False].unit)
            ),
            default=0,
        )
        right_texts = [
            len(text)
            for p in panels
            if True in p.axes
            for text in (*p.axes[True].labels, p.axes[True].unit)
        ]
        right_margin = max(right_texts, default=-1) + 1  # a space after the frame
        self.plot_left = self.left_margin + 1
        self.plot_width = grid.width - self.plot_left - 1 - right_margin
        if self.plot_width < 2 or grid.height - top < 3:
            self._say(top, "too small")
            return
        self.frame_right = self.plot_left + self.plot_width
        for index, panel in enumerate(panels):
            self._frame(panel, first=index == 0)
            self._legend(panel)
            for right, axis in panel.axes.items():
                self._y_ticks(panel, axis, right=right)
        bottom = panels[-1].header + panels[-1].rows + 1
        self._time_axis(bottom)
        for panel in panels:
            self._lines(panel, clipped)
        if not shown and chart.message:
            row = panels[0].header + (panels[0].rows + 1) // 2
            text = shorten_middle(chart.message, self.plot_width - 2)
            grid.text(row, self.plot_left + (self.plot_width - len(text)) // 2, text, "default")
        for index, at in enumerate((chart.cursor, chart.cursor_b)):
            if at is not None and self.xlim[0] <= at <= self.xlim[1]:
                self._cursor(panels, bottom, at, index)

    def _say(self, row: int, text: str) -> None:
        self.grid.text(row, 0, text[: self.grid.width], self.theme.text)

    def _column(self, x: float) -> int:
        """Grid column of time `x` (where a line at that time is drawn)."""
        dot = int(np.floor(0.5 + to_pixels(np.float64(x), *self.xlim, self.plot_width * DOTS_X)))
        return self.plot_left + dot // DOTS_X

    def _frame(self, panel: _Panel, *, first: bool) -> None:
        chars, ink = self.grid.chars, self.grid.ink_of(self.theme.text)
        left, right = self.plot_left - 1, self.frame_right
        top = panel.header
        chars[top, left] = "┌" if first else "├"
        chars[top, left + 1 : right] = "─"
        chars[top, right] = "┐" if first else "┤"
        chars[top + 1 : top + 1 + panel.rows, left] = "│"
        chars[top + 1 : top + 1 + panel.rows, right] = "│"
        self.grid.ink[top : top + 1 + panel.rows, left : right + 1] = ink

    def _legend(self, panel: _Panel) -> None:
        """Swatch and name of each series on the panel's top frame line (left-axis ones
        from the left, right-axis ones from the right), or the axis titles without a
        legend; each axis' unit above its tick labels."""
        chart, grid, theme = self.chart, self.grid, self.theme
        row = panel.header
        for right, axis in panel.axes.items():
            if right:
                grid.text(row, self.frame_right + 2, axis.unit, theme.text)
            else:
                grid.text(row, self.left_margin - len(axis.unit), axis.unit, theme.text)
        left = [s for s in panel.series if not _on_right(chart, s)]
        right_side = [s for s in panel.series if _on_right(chart, s)]
        room = self.plot_width - 2
        if not chart.legend or not panel.series:
            titles = (chart.y_label, chart.y2_label) if panel.header <= 1 else ("", "")
            self._titles(row, titles, room)
            return
        swatch = len(swatch_text(0, markers=False))
        budget = _label_budget([len(s.label) for s in panel.series], room, swatch + 3)
        # shortened in the middle as the stats table does: two names never look the same
        short = shorten_names([s.label for s in panel.series], max(budget, 1))
        labels = {id(s): label for s, label in zip(panel.series, short, strict=True)}
        if budget < 1:  # only the swatches fit
            labels = dict.fromkeys(labels, "")
        col = self.plot_left + 1
        if chart.y_label and panel.header <= 1:
            col = grid.text(row, col, f" {shorten_middle(chart.y_label, room // 3)}:", theme.text)
        for s in left:
            col = grid.text(row, col, " ", theme.text)
            col = grid.text(
                row, col, swatch_text(s.slot, markers=chart.markers), theme.color(s.slot)
            )
            col = grid.text(row, col, f" {labels[id(s)]} ", theme.text) if labels[id(s)] else col
        col = self.frame_right - 1
        for s in reversed(right_side):
            text = f" {labels[id(s)]} " if labels[id(s)] else " "
            col -= len(text) + swatch
            grid.text(row, col, text, theme.text)
            grid.text(
                row,
                col + len(text),
                swatch_text(s.slot, markers=chart.markers),
                theme.color(s.slot),
            )

    def _titles(self, row: int, titles: tuple[str, str], room: int) -> None:
        left, right = titles
        half = room // 2 - 2 if left and right else room - 2
        if left:
            self.grid.text(
                row, self.plot_left + 1, f" {shorten_middle(left, half)} ", self.theme.text
            )
        if right:
            text = f" {shorten_middle(right, half)} "
            self.grid.text(row, self.frame_right - 1 - len(text), text, self.theme.text)

    def _y_ticks(self, panel: _Panel, axis: _Axis, *, right: bool) -> None:
        grid, ink = self.grid, self.theme.text
        used: set[int] = set()
        for value, label in zip(axis.ticks, axis.labels, strict=True):
            at = _data_row(value, axis.lo, axis.hi, panel.rows)
            if at is None or at in used:
                continue
            used.add(at)
            row = panel.header + 1 + at
            if right:
                grid.text(row, self.frame_right, "├", ink)
                grid.text(row, self.frame_right + 2, label, ink)
            else:
                grid.text(row, self.plot_left - 1, "┤", ink)
                grid.text(row, self.left_margin - len(label), label, ink)

    def _time_axis(self, bottom: int) -> None:
        grid, ink = self.grid, self.theme.text
        left, right = self.plot_left - 1, self.frame_right
        grid.text(bottom, left, "└" + "─" * self.plot_width + "┘", ink)
        ticks, labels = _x_ticks(self.chart, self.xlim, self.plot_width)
        row, end = bottom + 1, -1
        placed: list[tuple[int, int]] = []
        for value, label in zip(ticks, labels, strict=True):
            col = self._column(value)
            if not left < col < right:
                continue
            start = min(max(col - len(label) // 2, 0), grid.width - len(label))
            if start <= end:
                continue
            grid.text(bottom, col, "┬", ink)
            end = grid.text(row, start, label, ink)
            placed.append((start, end))
        label = self.chart.x_label
        if self.label_row:
            label = shorten_middle(label, self.plot_width)
            grid.text(row + 1, self.plot_left + (self.plot_width - len(label)) // 2, label, ink)
        elif label and placed and len(label) < placed[0][0]:
            grid.text(row, 0, label, ink)

    def _lines(self, panel: _Panel, clipped: dict[int, tuple[np.ndarray, np.ndarray]]) -> None:
        """The panel's lines, the highlighted one drawn last; a cell takes the colour of
        the last line drawn through it."""
        chart, grid = self.chart, self.grid
        order = sorted(panel.series, key=lambda s: s.slot == chart.highlight)
        drawn = [
            (s, panel.axes[_on_right(chart, s)]) for s in order if _on_right(chart, s) in panel.axes
        ]
        if not drawn:
            return
        dots: Iterable[Dots] = line_dots(
            [clipped[id(s)] for s, _ in drawn],
            self.xlim,
            [(axis.lo, axis.hi) for _, axis in drawn],
            self.plot_width * DOTS_X,
            panel.rows * DOTS_Y,
        )
        if chart.markers:
            dots = list(dots)  # kept for the markers (otherwise each batch is dropped once drawn)
        bits, last = braille_bits(dots, len(drawn), self.plot_width, panel.rows)
        inks = np.array([grid.ink_of(self.theme.color(s.slot)) for s, _ in drawn])
        area = (
            slice(panel.header + 1, panel.header + 1 + panel.rows),
            slice(self.plot_left, self.frame_right),
        )
        inked = last >= 0
        grid.chars[area] = np.where(inked, _BRAILLE[bits], grid.chars[area])
        grid.ink[area] = np.where(inked, inks[last], grid.ink[area])
        if chart.markers:
            for index, (s, _) in enumerate(drawn):
                offset = index * MARKER_EVERY // len(drawn)
                px, py = line_of(dots, index)
                rows, cols = marker_cells(px, py, panel.rows, MARKER_EVERY, offset)
                grid.chars[area][rows, cols] = marker_glyph(s.slot)
                grid.ink[area][rows, cols] = grid.ink_of(self.theme.color(s.slot))

    def _cursor(self, panels: list[_Panel], bottom: int, at: float, index: int) -> None:
        grid, col = self.grid, self._column(at)
        ink = grid.ink_of(self.theme.cursor)
        for panel in panels:
            rows = slice(panel.header + 1, panel.header + 1 + panel.rows)
            empty = grid.chars[rows, col] == " "
            grid.chars[rows, col] = np.where(empty, CURSOR_LINES[index], grid.chars[rows, col])
            grid.ink[rows, col] = np.where(empty, ink, grid.ink[rows, col])
        grid.text(bottom, col, CURSOR_NAMES[index], self.theme.cursor)
