"""`HistogramScreen`: the distribution of a signal's samples in the visible window.

The chart (bins adapted to its width) is built in the chart's worker; mean, std,
min/max and percentiles are listed beside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from perda_tui.charts.model import Chart, Series
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.stylesheets import stylesheet

if TYPE_CHECKING:
    from perda_tui.analysis.distribution import Distribution
    from perda_tui.logs import Signal


def outline(distribution: Distribution) -> tuple[np.ndarray, np.ndarray]:
    """The histogram's bars as one line: up and down each bin's edges, from 0 to 0."""
    x = np.repeat(distribution.edges, 2)
    y = np.concatenate(([0.0], np.repeat(distribution.counts.astype(np.float64), 2), [0.0]))
    return x, y


def summary_text(d: Distribution) -> str:
    """Count, mean, std, min, max and percentiles, one per line."""
    if d.count == 0:
        return "no finite samples in the window"
    lines = [
        f"samples {d.count:,}",
        f"mean  {d.mean:.6g}",
        f"std   {d.std:.6g}",
        f"min   {d.min:.6g}",
        f"max   {d.max:.6g}",
    ]
    lines += [f"p{p:<4g} {v:.6g}" for p, v in d.percentiles.items()]
    if d.nan_count:
        lines.append(f"NaN   {d.nan_count:,}")
    return "\n".join(lines)


class HistogramScreen(ModalScreen[None]):
    """Histogram of `signal` (already cut to the window named by `window_text`)."""

    CSS_PATH = stylesheet("analysis.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,h", "close", "Close", id="histogram.close"),
    ]

    def __init__(self, signal: Signal, window_text: str) -> None:
        super().__init__()
        self.signal = signal
        self.window_text = window_text

    def compose(self) -> ComposeResult:
        title = f"Histogram · {self.signal.name} · {self.window_text}"
        with Vertical(classes="analysis-box"):
            yield Label(title, classes="analysis-title", markup=False)
            with Horizontal(classes="analysis-body"):
                yield ChartView(id="histogram-chart")
                yield Static(
                    "computing…", id="histogram-stats", classes="analysis-side", markup=False
                )
        yield Footer()

    def on_mount(self) -> None:
        from perda_tui.analysis.distribution import bins_for_width, distribution

        signal = self.signal

        def build(width: int, _height: int) -> Chart:
            result = distribution(signal.values, bins_for_width(width))
            self.app.call_from_thread(self._show_stats, result)
            x, y = outline(result)
            return Chart(
                [Series(signal.name, x, y)],
                x_range=(float(result.edges[0]), float(result.edges[-1])),
                x_label=signal.description or signal.name,
                y_label="samples",
                legend=False,
            )

        self.query_one(ChartView).draw(build)

    def _show_stats(self, result: Distribution) -> None:
        self.query_one("#histogram-stats", Static).update(summary_text(result))

    def action_close(self) -> None:
        self.dismiss(None)
