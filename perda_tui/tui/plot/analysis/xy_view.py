"""`XYScreen`: one signal against another over the visible window, as point density.

Every point is counted in its braille dot (`perda_tui.analysis.xy`); dots are classed by
how many points they hold (quartiles of the occupied dots' counts), and a cell shows its
densest dot's class: sparse cells as dots, dense ones as shades and blocks, so density
reads in 16 colours too. `s` swaps the axes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label

from perda_tui.tui.plot.analysis.dots import (
    CellClass,
    DotCanvas,
    Picture,
    grid_size,
)
from perda_tui.tui.stylesheets import stylesheet

if TYPE_CHECKING:
    from perda_tui.analysis.xy import Density
    from perda_tui.logs import Signal

#: Look of the density classes, sparse to dense.
DENSITY_LOOKS = (
    CellClass("bright_blue"),
    CellClass("bright_cyan"),
    CellClass("bright_yellow", "▒"),
    CellClass("bright_red", "█"),
)


def number(value: float) -> str:
    return f"{value:.4g}"


def density_picture(result: Density) -> tuple[Picture, str]:
    """The density as classed dots, and the legend (points per dot of each class)."""
    counts = result.counts
    occupied = counts[counts > 0]
    classes = np.full(counts.shape, -1, dtype=np.int64)
    legend = "no points"
    if occupied.size:
        limits = np.unique(np.percentile(occupied, [50, 80, 95]).astype(np.int64))
        level = np.searchsorted(limits, counts, side="left")
        classes = np.where(counts > 0, np.minimum(level, len(DENSITY_LOOKS) - 1), -1)
        bounds = [1, *(int(v) + 1 for v in limits)]
        parts = []
        for k, low in enumerate(bounds[: len(DENSITY_LOOKS)]):
            high = bounds[k + 1] - 1 if k + 1 < len(bounds) else int(occupied.max())
            glyph = DENSITY_LOOKS[k].glyph or "⣿"
            parts.append(f"{glyph} {low}" + (f"-{high}" if high > low else ""))
        legend = "points per dot: " + "  ".join(parts)
    (x0, x1), (y0, y1) = result.x_range, result.y_range
    picture = Picture(
        classes,
        DENSITY_LOOKS,
        x_labels=(number(x0), number((x0 + x1) / 2), number(x1)),
        y_labels=(number(y1), number((y0 + y1) / 2), number(y0)),
    )
    return picture, legend


class XYScreen(ModalScreen[None]):
    """`y_signal` against `x_signal` between raw times `window` (`window_text` shown)."""

    CSS_PATH = stylesheet("analysis.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,x", "close", "Close", id="xy.close"),
        Binding("s", "swap", "Swap axes", id="xy.swap"),
    ]

    def __init__(
        self, x_signal: Signal, y_signal: Signal, window: tuple[float, float], window_text: str
    ) -> None:
        super().__init__()
        self.x_signal, self.y_signal = x_signal, y_signal
        self.raw_window = window
        self.window_text = window_text

    def compose(self) -> ComposeResult:
        with Vertical(classes="analysis-box"):
            yield Label(self._title(), id="xy-title", classes="analysis-title", markup=False)
            yield DotCanvas(id="xy-canvas")
            yield Label("computing…", id="xy-legend", classes="analysis-legend", markup=False)
        yield Footer()

    def _title(self) -> str:
        return f"XY · {self.y_signal.name} against {self.x_signal.name} · {self.window_text}"

    def on_dot_canvas_resized(self, _event: DotCanvas.Resized) -> None:
        self._redraw()

    def _redraw(self) -> None:
        canvas = self.query_one(DotCanvas)
        if canvas.size.area:
            self._compute(canvas.size.width, canvas.size.height)

    @work(thread=True, exclusive=True, group="xy", exit_on_error=False)
    def _compute(self, width: int, height: int) -> None:
        from perda_tui.analysis.xy import xy_density

        columns, rows = grid_size(width, height)
        result = xy_density(self.x_signal, self.y_signal, *self.raw_window, columns, rows)
        picture, legend = density_picture(result)
        legend = f"{result.points:,} points · {legend}"
        self.app.call_from_thread(self._show, picture, legend)

    def _show(self, picture: Picture, legend: str) -> None:
        self.query_one(DotCanvas).show(picture)
        self.query_one("#xy-legend", Label).update(legend)
        self.query_one("#xy-title", Label).update(self._title())

    def action_swap(self) -> None:
        self.x_signal, self.y_signal = self.y_signal, self.x_signal
        self._redraw()

    def action_close(self) -> None:
        self.dismiss(None)
