"""`SpectrumScreen`: the amplitude spectrum of a signal in the visible window, with its
dominant frequencies (method and window: `perda_tui.analysis.spectrum`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from perda_tui.charts.model import Chart, Series
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.stylesheets import stylesheet

if TYPE_CHECKING:
    from perda_tui.analysis.spectrum import Spectrum
    from perda_tui.logs import Signal


def peaks_text(result: Spectrum) -> str:
    """The resampling rate and the dominant frequencies, one per line."""
    lines = [f"{result.points:,} points", f"at {result.rate_hz:.4g} Hz", "Hann window", ""]
    lines.append("peak Hz  amplitude")
    lines += [f"{f:>7.4g}  {m:.4g}" for f, m in result.peaks]
    return "\n".join(lines)


class SpectrumScreen(ModalScreen[None]):
    """Spectrum of `signal` (already cut to the window named by `window_text`)."""

    CSS_PATH = stylesheet("analysis.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f", "close", "Close", id="spectrum.close"),
    ]

    def __init__(self, signal: Signal, window_text: str) -> None:
        super().__init__()
        self.signal = signal
        self.window_text = window_text
        self._result: Spectrum | None = None

    def compose(self) -> ComposeResult:
        title = f"Spectrum · {self.signal.name} · {self.window_text}"
        with Vertical(classes="analysis-box"):
            yield Label(title, classes="analysis-title", markup=False)
            with Horizontal(classes="analysis-body"):
                yield ChartView(id="spectrum-chart")
                yield Static(
                    "computing…", id="spectrum-peaks", classes="analysis-side", markup=False
                )
        yield Footer()

    def on_mount(self) -> None:
        from perda_tui.analysis.spectrum import spectrum

        signal = self.signal

        def build(_width: int, _height: int) -> Chart:
            if self._result is None:  # once; resizes reuse it (the chart's worker is serial)
                try:
                    self._result = spectrum(
                        signal.timestamps, signal.values, signal.seconds_per_unit
                    )
                except ValueError as exc:
                    self.app.call_from_thread(self._show, str(exc))
                    return Chart([], x_label="frequency [Hz]", legend=False)
                self.app.call_from_thread(self._show, peaks_text(self._result))
            result = self._result
            return Chart(
                [Series(signal.name, result.frequencies, result.magnitudes)],
                x_range=(0.0, float(result.frequencies[-1])),
                x_label="frequency [Hz]",
                y_label="amplitude",
                legend=False,
            )

        self.query_one(ChartView).draw(build)

    def _show(self, text: str) -> None:
        self.query_one("#spectrum-peaks", Static).update(text)

    def action_close(self) -> None:
        self.dismiss(None)
