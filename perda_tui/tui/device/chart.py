"""Watched Scrutiny values: one readout per path (value, min, max, rate, age) over a live
chart of the first `MAX_SERIES` paths (the data type is kept for writes, not shown: the
row must fit beside the status panels).

Values update the model at once; readouts are redrawn by the screen's beat,
`REDRAWS_PER_S` times a second whatever the server sends: the beat that ticks redraws
every row together with the new chart, in one frame, the others only the rows that
changed (`flush`). A value older than `FRESH` seconds is dimmed. History is bounded per
path. The chart's x axis is seconds before *now* (the newest sample's server time plus
the local time since it arrived), so when values stop coming the lines slide left at
once and the gap at the right grows.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from perda_tui.charts.model import MAX_SERIES, Chart
from perda_tui.charts.series import line_series
from perda_tui.clients.scrutiny import ValueUpdate
from perda_tui.text import shorten_middle
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.common.text import clean, literal
from perda_tui.tui.device.status import age_text
from perda_tui.tui.device.watch_table import WatchTable

#: Points kept per charted path, and the seconds of history shown.
HISTORY = 160
SPAN = 30.0
#: Paths watched at most (the first `MAX_SERIES` are charted).
MAX_WATCHES = 40
#: Readout columns and their widths; numbers are shortened to fit (`fit_number`).
COLUMNS = ("path", "value", "min", "max", "rate", "age")
PATH_WIDTH = 20
WIDTHS = {"path": PATH_WIDTH, "value": 10, "min": 7, "max": 7, "rate": 6, "age": 4}
#: Readouts redrawn at most this often, and how old a value may be before it is dimmed.
#: Every frame costs Textual a pass over each widget of the screen (~2-5 ms here), so
#: readouts are a frame apiece: 2/s keeps the screen near 2 % of a core; min, max, rate
#: and the chart still take every value (the screen watches at 4 values/s).
REDRAWS_PER_S = 2
FRESH = 2.0
#: Seconds of arrivals the update rate is computed over.
RATE_WINDOW = 5.0
#: Seconds between two ticks of the screen (ages, chart).
TICK = 1.0
#: Charts of at most this many cells are drawn on the UI thread, at once (~5-10 ms here
#: for 8 lines at 68x23, less than a worker's hand-overs cost); bigger ones in a worker.
DRAW_HERE_CELLS = 3000

Scalar = float | int | bool


@dataclass
class Watch:
    """What the readout of one path shows; times are on the screen's clock."""

    path: str
    dtype: str = ""
    value: Scalar | None = None
    received_at: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    arrivals: deque[float] = field(default_factory=lambda: deque(maxlen=256))
    count: int = 0
    """Values received since the watch was added."""
    label: str = field(init=False)
    """The path as its readout shows it (cut to `PATH_WIDTH`, cleaned)."""

    def __post_init__(self) -> None:
        self.label = clean(shorten_middle(self.path, PATH_WIDTH))

    def take(self, value: Scalar | None, now: float) -> None:
        """A new value, received at `now`."""
        self.value, self.received_at = value, now
        self.count += 1
        self.arrivals.append(now)
        if value is not None and not isinstance(value, bool) and math.isfinite(value):
            number = float(value)
            self.minimum = number if self.minimum is None else min(self.minimum, number)
            self.maximum = number if self.maximum is None else max(self.maximum, number)

    def rate(self, now: float) -> float:
        """Values per second over the last `RATE_WINDOW` seconds."""
        while self.arrivals and self.arrivals[0] < now - RATE_WINDOW:
            self.arrivals.popleft()
        return len(self.arrivals) / RATE_WINDOW


def value_text(value: Scalar | None, digits: int = 6) -> str:
    """A readout value: `1.5`, `-3`, `true`, `null` (`digits` significant digits for floats)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return str(value)


def fit_number(value: Scalar | None, width: int) -> str:
    """`value_text` with as many significant digits (6 at most) as fit in `width`."""
    for digits in range(6, 0, -1):
        text = value_text(value, digits)
        if len(text) <= width:
            return text
    return text


def short_age(seconds: float) -> str:
    """An age in at most 4 characters: `now`, `12s`, `5m`, `3h`, `2d`."""
    if seconds < 1:
        return "now"
    if seconds < 60:
        return f"{int(seconds)}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    return f"{min(999, int(seconds // 86400))}d"


def readout_cells(watch: Watch, now: float, stale: bool) -> list[Text]:
    """The row of `watch`: path, value, min, max, rate, age; dimmed when `stale` or when
    the value is older than `FRESH` seconds."""
    old = watch.received_at is None or now - watch.received_at > FRESH
    style = "dim" if stale or old else ""
    path = Text(watch.label, "dim" if stale else "")
    low = "" if watch.minimum is None else fit_number(watch.minimum, WIDTHS["min"])
    high = "" if watch.maximum is None else fit_number(watch.maximum, WIDTHS["max"])
    if watch.received_at is None:
        value, age = Text("waiting…", style="dim"), Text("", style="dim")
    else:
        value = literal(fit_number(watch.value, WIDTHS["value"]), style or "bold")
        age = Text(short_age(now - watch.received_at), style="dim")
    rate = fit_number(watch.rate(now), WIDTHS["rate"] - 2) + "/s" if watch.arrivals else ""
    return [path, value, Text(low, style), Text(high, style), Text(rate, "dim"), age]


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
        self.redraws = 0
        """How many times changed readouts were redrawn (at most `REDRAWS_PER_S` a second)."""
        self._anchor: tuple[float, float] | None = None  # (newest server time, clock then)
        self._dirty: set[str] = set()
        self._after_chart: Callable[[], None] | None = None  # a tick waiting for its chart
        self._table: WatchTable | None = None

    def compose(self) -> ComposeResult:
        yield WatchTable(COLUMNS, [WIDTHS[column] for column in COLUMNS], id="watch-table")
        yield Static(id="watch-message")
        yield Input(placeholder="watch a path, e.g. /rpv/x1000 (Enter)", id="watch-path")
        yield ChartView(id="live-chart")

    def on_mount(self) -> None:
        self.border_title = "Watched values"
        self._table = self.query_one(WatchTable)
        self._table.display = False
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
        """Start a readout for `path` (and a chart line while fewer than `MAX_SERIES` are
        charted); False when `MAX_WATCHES` are watched."""
        if path in self.watches:
            return True
        if len(self.watches) >= MAX_WATCHES:
            return False
        if len(self.history) < MAX_SERIES:
            self.history[path] = deque(maxlen=HISTORY)
        self.watches[path] = Watch(path)
        table = self.query_one(WatchTable)
        table.add_row(path, self._cells(self.watches[path]))
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
        if self.watches.pop(path, None) is None:
            return
        self.history.pop(path, None)
        self._dirty.discard(path)
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
        """New values: readouts at the next `flush()` or `tick()`, the chart at the next tick."""
        now = self.clock()
        for update in updates:
            watch = self.watches.get(update.path)
            if watch is None:
                continue
            watch.take(update.value, now)
            self._dirty.add(update.path)
            points = self.history.get(update.path)
            if points is not None:
                value = math.nan if update.value is None else float(update.value)
                points.append((update.timestamp, value))
            if self._anchor is None or update.timestamp >= self._anchor[0]:
                self._anchor = (update.timestamp, now)

    def flush(self) -> None:
        """Redraw the readouts that changed since the last redraw (unless a tick's chart
        is on its way: the tick redraws them with it)."""
        if self._after_chart is not None:
            return
        dirty, self._dirty = self._dirty, set()
        if dirty:
            self.redraws += 1
            self._show_rows(self.watches[path] for path in dirty if path in self.watches)

    def clear(self) -> None:
        """Forget every path (new server)."""
        for path in list(self.watches):
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

    def tick(self, then: Callable[[], None] | None = None) -> None:
        """Refresh ages, the staleness note and the chart (once a second); every row is
        redrawn, which counts as the readouts' redraw.

        With `then` (the screen's own ages), the rows, the note and `then` change when
        the new chart goes on screen: one frame for all of it instead of two. Without it
        (a change to show at once), they change now and the chart follows.
        """
        self._chart_shown()  # a tick still waiting for its chart a second later waits no more
        if then is None or self.paused:
            self._show_times()
            if then is not None:
                then()
        else:
            self._after_chart = then
        if not self.paused:
            self._draw()

    def _chart_shown(self) -> None:
        """A chart went on screen: finish the tick that waited for it."""
        then, self._after_chart = self._after_chart, None
        if then is not None:
            self._show_times()
            then()

    def _show_times(self) -> None:
        """Every row, the staleness note and the panel's look, as of now (the readouts'
        redraw of the beat that ticks)."""
        if self._dirty:
            self._dirty.clear()
            self.redraws += 1
        self._show_rows(self.watches.values())
        note = ""
        if self.stale and self._anchor is not None:
            note = f"{self.stale} · last value {age_text(self.clock() - self._anchor[1])}"
        elif self.stale and self.history:
            note = self.stale
        if note != (self.border_subtitle or ""):  # setting it repaints the whole panel
            self.border_subtitle = note
        self.set_class(bool(self.stale), "-stale")

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
        """Show the readout of `watch` (the table repaints the row only if it changed)."""
        self._show_rows([watch])

    def _show_rows(self, watches: Iterable[Watch]) -> None:
        """Show the readouts of `watches` (one repaint request for the rows that changed)."""
        table = self._table or self.query_one(WatchTable)
        table.set_rows((watch.path, self._cells(watch)) for watch in watches)

    def _now_on_server(self) -> float:
        if self._anchor is None:
            return 0.0
        newest, received = self._anchor
        return newest + max(0.0, self.clock() - received)

    def _draw(self) -> None:
        snapshot = {path: list(points) for path, points in self.history.items()}
        now = self._now_on_server()
        view = self.query_one(ChartView)
        view.draw(
            lambda width, height: build_chart(snapshot, now),
            self._chart_shown,
            now=view.size.area <= DRAW_HERE_CELLS,
        )

    @on(ChartView.Drawn)
    def _drawn(self, event: ChartView.Drawn) -> None:
        event.stop()  # nobody above listens: a message dispatch less per level, per chart


def build_chart(history: dict[str, list[tuple[float, float]]], now: float | None = None) -> Chart:
    """The chart of `history` with x in seconds before `now` (default: the newest sample)."""
    if now is None:
        now = max((points[-1][0] for points in history.values() if points), default=0.0)
    series = []
    for slot, (path, points) in enumerate(history.items()):
        data = np.array(points, dtype=np.float64).reshape(-1, 2)
        series.append(line_series(path, data[:, 0] - now, data[:, 1], slot=slot))
    return Chart(series=series, x_range=(-SPAN, 0.0), x_label="seconds")
