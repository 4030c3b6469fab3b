"""Live chart of watched Scrutiny values: bounded rolling history, redrawn at most 1/s."""

from __future__ import annotations

import math
from collections import deque

import numpy as np
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

from perda_tui.charts.backend import MAX_SERIES, Chart, line_series
from perda_tui.clients.scrutiny import ValueUpdate
from perda_tui.tui.common.chart_view import ChartView

#: Points kept per watched path, and the seconds of history shown.
HISTORY = 160
SPAN = 30.0
#: At most one redraw per this many seconds, and only when new values came.
REDRAW_PERIOD = 1.0


class LiveChart(Vertical):
    """A path input over a chart of the latest `SPAN` seconds of each watched value."""

    class WatchRequested(Message):
        """The user asked to watch `path`."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.history: dict[str, deque[tuple[float, float]]] = {}
        self.paused = False
        self._redraw: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="watch a path, e.g. /rpv/x1000 (Enter)", id="watch-path")
        yield ChartView(id="live-chart")

    def on_mount(self) -> None:
        self.border_title = "Watched values"
        self._draw()

    @on(Input.Submitted, "#watch-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        if path:
            self.post_message(self.WatchRequested(path))
            event.input.value = ""

    def track(self, path: str) -> None:
        """Start an (empty) line for `path`; at most `MAX_SERIES` paths are shown."""
        if path not in self.history and len(self.history) < MAX_SERIES:
            self.history[path] = deque(maxlen=HISTORY)
            self._draw()

    def add(self, updates: list[ValueUpdate]) -> None:
        """Append values; the chart is redrawn within `REDRAW_PERIOD` seconds."""
        for update in updates:
            points = self.history.get(update.path)
            if points is None:
                continue
            value = math.nan if update.value is None else float(update.value)
            points.append((update.timestamp, value))
        if self._redraw is None and not self.paused:
            self._redraw = self.set_timer(REDRAW_PERIOD, self._draw)

    def pause(self) -> None:
        """Keep collecting values but stop drawing (screen hidden)."""
        self.paused = True
        if self._redraw is not None:
            self._redraw.stop()
            self._redraw = None

    def resume(self) -> None:
        """Draw again, starting with what came in meanwhile."""
        self.paused = False
        self._draw()

    def clear(self) -> None:
        """Forget every path (new server)."""
        self.history.clear()
        self._draw()

    def _draw(self) -> None:
        self._redraw = None
        snapshot = {path: list(points) for path, points in self.history.items()}
        self.query_one(ChartView).draw(lambda width, height: build_chart(snapshot))


def build_chart(history: dict[str, list[tuple[float, float]]]) -> Chart:
    """The chart of `history` with x in seconds before the newest sample."""
    newest = max((points[-1][0] for points in history.values() if points), default=0.0)
    series = []
    for slot, (path, points) in enumerate(history.items()):
        data = np.array(points, dtype=np.float64).reshape(-1, 2)
        series.append(line_series(path, data[:, 0] - newest, data[:, 1], slot=slot))
    return Chart(series=series, x_range=(-SPAN, 0.0), x_label="seconds")
