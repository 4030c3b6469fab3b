"""Watched Scrutiny values: one readout per path (value, type, age) over a live chart.

History is bounded per path. The chart's x axis is seconds before *now* (the newest
sample's server time plus the local time since it arrived), so when values stop coming
the lines slide left at once and the gap at the right grows. The screen's one-second
tick redraws it; nothing here runs a timer.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from perda_tui.charts.model import MAX_SERIES, Chart
from perda_tui.charts.series import line_series
from perda_tui.clients.scrutiny import ValueUpdate
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.common.text import literal
from perda_tui.tui.device.status import age_text

#: Points kept per watched path, and the seconds of history shown.
HISTORY = 160
SPAN = 30.0
#: Readout columns (DataTable column keys); the age column fits `59 min ago`.
COLUMNS = ("path", "value", "type", "age")
AGE_WIDTH = 10

Scalar = float | int | bool


@dataclass
class Watch:
    """What the readout of one path shows; `received_at` is on the screen's clock."""

    path: str
    dtype: str = ""
    value: Scalar | None = None
    received_at: float | None = None


def value_text(value: Scalar | None) -> str:
    """A readout value: `1.5`, `-3`, `true`, `null` (6 significant digits for floats)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def readout_cells(watch: Watch, now: float, stale: bool) -> list[Text]:
    """The row of `watch`: path, value, type, age; all dimmed when `stale`."""
    style = "dim" if stale else ""
    if watch.received_at is None:
        value, age = Text("waiting…", style="dim"), Text("", style="dim")
    else:
        value = literal(value_text(watch.value), style or "bold")
        age = Text(age_text(now - watch.received_at), style=style or "dim")
    return [literal(watch.path, style), value, literal(watch.dtype, "dim"), age]


class WatchTable(DataTable[Text]):
    """The readouts; Delete removes the highlighted watch."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete,backspace", "remove", "Unwatch", id="device.unwatch"),
    ]

    class RemoveRequested(Message):
        """The user asked to stop watching `path`."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def action_remove(self) -> None:
        """Ask to stop watching the highlighted path."""
        if self.row_count:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
            if key.value is not None:
                self.post_message(self.RemoveRequested(key.value))


class LiveChart(Vertical):
    """Readouts, a path input and a chart of the latest `SPAN` seconds of each watch."""

    class WatchRequested(Message):
        """The user asked to watch `path`."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def __init__(self, *, clock: Callable[[], float], id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.history: dict[str, deque[tuple[float, float]]] = {}
        self.watches: dict[str, Watch] = {}
        self.paused = False
        self.stale = ""
        """Why values no longer come (`server lost`, `device gone`); empty while live."""
        self.message = ""
        """The line under the readouts in full (it is cut to the panel's width)."""
        self._anchor: tuple[float, float] | None = None  # (newest server time, clock then)

    def compose(self) -> ComposeResult:
        table = WatchTable(id="watch-table", cursor_type="row", zebra_stripes=False)
        for column in COLUMNS:  # the age ticks: a fixed width spares a layout pass a second
            table.add_column(column, key=column, width=AGE_WIDTH if column == "age" else None)
        yield table
        yield Static(id="watch-message")
        yield Input(placeholder="watch a path, e.g. /rpv/x1000 (Enter)", id="watch-path")
        yield ChartView(id="live-chart")

    def on_mount(self) -> None:
        self.border_title = "Watched values"
        self.query_one(WatchTable).display = False
        self.say("")
        self._draw()

    @on(Input.Submitted, "#watch-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        if path:
            self.post_message(self.WatchRequested(path))
            event.input.value = ""

    # -- watches --------------------------------------------------------------------------

    def track(self, path: str) -> bool:
        """Start a readout and an (empty) line for `path`; False when `MAX_SERIES` are shown."""
        if path in self.history:
            return True
        if len(self.history) >= MAX_SERIES:
            return False
        self.history[path] = deque(maxlen=HISTORY)
        self.watches[path] = Watch(path)
        table = self.query_one(WatchTable)
        table.add_row(*self._cells(self.watches[path]), key=path)
        table.display = True
        self.say("")
        self._draw()
        return True

    def describe(self, path: str, dtype: str) -> None:
        """Show the server's data type of `path`."""
        watch = self.watches.get(path)
        if watch is not None:
            watch.dtype = dtype
            self._show_row(watch)

    def forget(self, path: str) -> None:
        """Remove the readout and the line of `path`."""
        if self.history.pop(path, None) is None:
            return
        del self.watches[path]
        table = self.query_one(WatchTable)
        table.remove_row(path)
        table.display = table.row_count > 0
        self._draw()

    def refuse(self, path: str, reason: str) -> None:
        """The server refused `path`: remove it and say why."""
        self.forget(path)
        self.say(f"✗ {path}: {reason}", "bold red")

    def say(self, text: str, style: str = "") -> None:
        """One line under the readouts (empty: hidden)."""
        self.message = text
        line = self.query_one("#watch-message", Static)
        line.update(literal(text, style))
        line.display = bool(text)

    def add(self, updates: list[ValueUpdate]) -> None:
        """New values: readouts now, the chart at the next `tick()`."""
        now = self.clock()
        changed: set[str] = set()
        for update in updates:
            points = self.history.get(update.path)
            if points is None:
                continue
            value = math.nan if update.value is None else float(update.value)
            points.append((update.timestamp, value))
            watch = self.watches[update.path]
            watch.value, watch.received_at = update.value, now
            changed.add(update.path)
            if self._anchor is None or update.timestamp >= self._anchor[0]:
                self._anchor = (update.timestamp, now)
        for path in changed:
            self._show_row(self.watches[path])

    def clear(self) -> None:
        """Forget every path (new server)."""
        for path in list(self.history):
            self.forget(path)
        self._anchor = None
        self.say("")
        self._draw()

    # -- freshness and drawing ------------------------------------------------------------

    def set_stale(self, reason: str) -> None:
        """Dim every readout and say why values stopped (empty: live again)."""
        if reason != self.stale:
            self.stale = reason
            self.tick()

    def tick(self) -> None:
        """Refresh ages, the staleness note and the chart (once a second)."""
        for watch in self.watches.values():
            self._show_row(watch)
        note = ""
        if self.stale and self._anchor is not None:
            note = f"{self.stale} · last value {age_text(self.clock() - self._anchor[1])}"
        elif self.stale and self.history:
            note = self.stale
        self.border_subtitle = note
        self.set_class(bool(self.stale), "-stale")
        if not self.paused:
            self._draw()

    def pause(self) -> None:
        """Keep collecting values but stop drawing (screen hidden)."""
        self.paused = True

    def resume(self) -> None:
        """Draw again, starting with what came in meanwhile."""
        self.paused = False
        self._draw()

    def _cells(self, watch: Watch) -> list[Text]:
        return readout_cells(watch, self.clock(), bool(self.stale))

    def _show_row(self, watch: Watch) -> None:
        table = self.query_one(WatchTable)
        for column, cell in zip(COLUMNS, self._cells(watch), strict=True):
            table.update_cell(watch.path, column, cell, update_width=column != "age")

    def _now_on_server(self) -> float:
        if self._anchor is None:
            return 0.0
        newest, received = self._anchor
        return newest + max(0.0, self.clock() - received)

    def _draw(self) -> None:
        snapshot = {path: list(points) for path, points in self.history.items()}
        now = self._now_on_server()
        self.query_one(ChartView).draw(lambda width, height: build_chart(snapshot, now))


def build_chart(history: dict[str, list[tuple[float, float]]], now: float | None = None) -> Chart:
    """The chart of `history` with x in seconds before `now` (default: the newest sample)."""
    if now is None:
        now = max((points[-1][0] for points in history.values() if points), default=0.0)
    series = []
    for slot, (path, points) in enumerate(history.items()):
        data = np.array(points, dtype=np.float64).reshape(-1, 2)
        series.append(line_series(path, data[:, 0] - now, data[:, 1], slot=slot))
    return Chart(series=series, x_range=(-SPAN, 0.0), x_label="seconds")
