"""Chart builders of the compare feature: one signal's runs overlaid on a time axis (a
panel of the stack), the delta trace, laps overlaid by distance or time and the time
variance. Each returns a `Chart` from a snapshot of what to draw (called in
`ChartView`'s worker)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Literal

import numpy as np

from perda_tui.analysis.compare import delta
from perda_tui.analysis.lap_overlay import LapDistance, lap_distance, lap_trace, time_variance
from perda_tui.charts.backend import draw
from perda_tui.charts.model import Chart, Series
from perda_tui.charts.series import line_series, signal_series

if TYPE_CHECKING:
    from perda_tui.analysis.lap_overlay import DistanceSource
    from perda_tui.analysis.laps import Lap
    from perda_tui.logs import Log, Signal

#: Points per chart column when a lap trace is thinned for drawing.
POINTS_PER_COLUMN = 2
#: By distance, a step longer than this (m) is drawn as a gap (a GPS or logger dropout).
GAP_M = 50.0
#: Title of the compare charts' time axis.
TIME_LABEL = "time from alignment [s]"


@dataclass(frozen=True)
class Trace:
    """One run's signal on the common axis: seconds = (raw - zero) * spu + nudge."""

    label: str
    signal: Signal
    zero: float
    nudge: float
    slot: int

    @property
    def seconds_per_unit(self) -> float:
        return self.signal.seconds_per_unit

    @property
    def origin(self) -> int:
        """The raw time that is 0 s on the axis."""
        return round(self.zero - self.nudge / self.seconds_per_unit)

    def span(self) -> tuple[float, float]:
        t = self.signal.timestamps
        return (
            (float(t[0]) - self.origin) * self.seconds_per_unit,
            (float(t[-1]) - self.origin) * self.seconds_per_unit,
        )


def time_window(traces: Sequence[Trace]) -> tuple[float, float]:
    """The time span (s) covering every trace: the window all panels share."""
    spans = [t.span() for t in traces if len(t.signal)]
    if not spans:
        raise ValueError("no samples to draw")
    lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def overlay_chart(
    traces: Sequence[Trace],
    columns: int,
    signal: str,
    window: tuple[float, float],
    *,
    axis_title: bool = True,
    markers: bool = False,
) -> Chart:
    """A panel: each run's `signal` in `window` (seconds from its alignment zero), named
    on its frame; the runs' legend is outside (the screen's), the time axis titled only
    with `axis_title` (the bottom panel)."""
    lo, hi = window
    series = [
        signal_series(
            t.signal,
            lo,
            hi,
            columns,
            origin=t.origin,
            seconds_per_unit=t.seconds_per_unit,
            slot=t.slot,
            label=t.label,
        )
        for t in traces
    ]
    return Chart(
        series,
        x_range=(lo, hi),
        x_label=TIME_LABEL if axis_title else "",
        y_label=signal,
        legend=False,
        markers=markers,
    )


def delta_chart(
    traces: Sequence[Trace],
    columns: int,
    title: str,
    window: tuple[float, float],
    *,
    markers: bool = False,
) -> Chart:
    """Each run minus the first (`traces[0]`), on the first run's timestamps, in `window`;
    `title` leads the legend on the frame."""
    from perda_tui.logs import Signal

    first = traces[0]
    lo, hi = window
    series: list[Series] = []
    for other in traces[1:]:
        seconds, values = delta(
            first.signal, first.zero, other.signal, other.zero, first.nudge, other.nudge
        )
        if not len(seconds):
            continue
        raw = np.round(first.origin + seconds / first.seconds_per_unit).astype(np.int64)
        diff = Signal(
            raw, values, f"{other.label} - {first.label}", time_unit=first.signal.time_unit
        )
        series.append(
            signal_series(
                diff,
                lo,
                hi,
                columns,
                origin=first.origin,
                seconds_per_unit=first.seconds_per_unit,
                slot=other.slot,
                label=f"{other.label} - 1st",
            )
        )
    return Chart(
        series,
        x_range=(lo, hi),
        x_label=TIME_LABEL,
        y_label=title,
        markers=markers,
    )


def aligned(chart: Chart, margin: int) -> Chart:
    """`chart` with its series' units right-aligned in `margin` cells. A chart's frame
    starts after the widest of its unit and y-tick labels, so charts given the widest
    margin of them all have their frames, and so their time axes, in the same columns."""
    return replace(chart, series=[replace(s, unit=s.unit.rjust(margin)) for s in chart.series])


def frame_column(text: str) -> int | None:
    """Column of a drawn chart's top-left frame corner, None when it has none."""
    for line in text.splitlines():
        column = line.find("┌")
        if column >= 0:
            return column
    return None


class ChartStack:
    """Charts drawn one above the other on a shared time axis, each with the widest
    frame margin among them (`aligned`, at least `floor`), so that the first frame shown
    is already aligned. Each chart's worker builds its own chart (`builders`: columns ->
    Chart) and then the others', or waits for the worker building one: every chart is
    built and measured (its frame column at the asking chart's height; y ticks depend
    a little on height, so the screen checks what was drawn) once per width, the
    workers in parallel."""

    def __init__(self, builders: Sequence[Callable[[int], Chart]], floor: int) -> None:
        self._builders = list(builders)
        self._floor = floor
        self._done: dict[tuple[str, int, int], object] = {}
        self._locks: dict[tuple[str, int, int], threading.Lock] = {}
        self._guard = threading.Lock()

    def builder(self, index: int) -> Callable[[int, int], Chart]:
        """What `ChartView.draw` takes for chart `index`."""
        return partial(self._chart, index)

    def _chart(self, index: int, width: int, height: int) -> Chart:
        order = [index, *(i for i in range(len(self._builders)) if i != index)]
        columns = [self._column(i, width, height) for i in order]  # own chart first
        margin = max([self._floor, *(c for c in columns if c is not None)])
        return aligned(self._built(index, width), margin)

    def _built(self, index: int, width: int) -> Chart:
        chart = self._once(("chart", index, width), lambda: self._builders[index](width))
        assert isinstance(chart, Chart)
        return chart

    def _column(self, index: int, width: int, height: int) -> int | None:
        def measure() -> int | None:
            drawn = draw(aligned(self._built(index, width), self._floor), width, height)
            return frame_column(drawn.plain())

        column = self._once(("column", index, width), measure)
        return column if isinstance(column, int) else None

    def _once(self, key: tuple[str, int, int], compute: Callable[[], object]) -> object:
        """`compute()` the first time `key` is asked for; a second asker waits for it.
        Locks nest only within one chart (its column, then its build), so workers asking
        for each other's charts never deadlock."""
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._done:
                self._done[key] = compute()
            return self._done[key]


@dataclass(frozen=True)
class LapPick:
    """A lap chosen for the overlay: its run's log, the lap and its legend label."""

    log: Log
    lap: Lap
    label: str
    slot: int


def _thin(x: np.ndarray, y: np.ndarray, points: int) -> tuple[np.ndarray, np.ndarray]:
    if len(x) <= points:
        return x, y
    keep = np.linspace(0, len(x) - 1, points).astype(np.int64)
    return x[keep], y[keep]


def lap_overlay_chart(
    picks: Sequence[LapPick],
    signal: str,
    columns: int,
    by: Literal["distance", "time"],
    source: DistanceSource,
    *,
    markers: bool = False,
) -> Chart:
    """`signal` through each picked lap against distance (scaled to the first lap's
    length) or time in the lap."""
    distances = [lap_distance(p.log, p.lap, source) for p in picks] if by == "distance" else []
    reference = distances[0].length if distances else None
    series = []
    for i, pick in enumerate(picks):
        if signal not in pick.log:
            continue
        x, y = lap_trace(
            pick.log,
            pick.lap,
            signal,
            by=by,
            distance=distances[i] if distances else None,
            scale_to=reference,
        )
        x, y = _thin(x, y, columns * POINTS_PER_COLUMN)
        # by distance the steps grow with speed: only a jump of GAP_M metres is a gap
        gap = GAP_M if by == "distance" else None
        series.append(line_series(pick.label, x, y, slot=pick.slot, max_step=gap))
    label = "distance in lap [m]" if by == "distance" else "time in lap [s]"
    return Chart(series, x_label=label, title=signal, markers=markers)


def variance_chart(
    picks: Sequence[LapPick], source: DistanceSource, columns: int, *, markers: bool = False
) -> Chart:
    """Δt against distance of each picked lap versus the first (positive: behind)."""
    distances: list[LapDistance] = [lap_distance(p.log, p.lap, source) for p in picks]
    series = []
    for pick, dist in zip(picks[1:], distances[1:], strict=True):
        grid, dt = time_variance(distances[0], dist, max(columns, 2))
        series.append(line_series(pick.label, grid, dt, slot=pick.slot))
    title = f"time variance against {picks[0].label}"
    return Chart(
        series, x_label="distance in lap [m]", y_label="Δt [s]", title=title, markers=markers
    )
