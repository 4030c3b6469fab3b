"""The plot screen's state without any Textual: visible window, cursor and selection.

Times here are seconds from the start of the log (`Log.start_time`); `raw_time` converts
to the log's raw units. Everything is a pure function or a small dataclass so the
navigation rules (zoom, pan, typed windows, cursor sampling) are unit-testable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from perda_tui.charts.envelope import index_at
from perda_tui.charts.model import MAX_SERIES
from perda_tui.units import duration, parse_duration

if TYPE_CHECKING:
    from perda_tui.logs import Signal

#: Narrowest window the zoom allows, in seconds, when no signal tells a better one.
MIN_SPAN = 1e-3
#: The narrowest window shows about this many samples of the fastest signal on the chart.
MIN_SAMPLES = 8
#: `+` and `-` divide or multiply the visible span by this.
ZOOM_FACTOR = 2.0
#: Left/Right move the window by this fraction of its span.
PAN_FRACTION = 0.25


@dataclass(frozen=True)
class Window:
    """The visible time range [start, end] in seconds from the start of the log."""

    start: float
    end: float

    @property
    def span(self) -> float:
        return self.end - self.start

    @property
    def centre(self) -> float:
        return (self.start + self.end) / 2

    def contains(self, t: float) -> bool:
        return self.start <= t <= self.end


def _span(span: float, bounds: Window, min_span: float = MIN_SPAN) -> float:
    """`span` limited to [`min_span`, the whole log]."""
    return min(max(span, min(min_span, bounds.span)), bounds.span)


def _fit(start: float, span: float, bounds: Window, min_span: float = MIN_SPAN) -> Window:
    """A window of `span` starting near `start`, moved (not shrunk) to lie inside `bounds`."""
    span = _span(span, bounds, min_span)
    start = min(max(start, bounds.start), bounds.end - span)
    return Window(start, start + span)


def min_span(sample_periods: list[float]) -> float:
    """The narrowest sensible window: `MIN_SAMPLES` periods of the fastest signal (seconds)."""
    periods = [p for p in sample_periods if p > 0]
    return MIN_SAMPLES * min(periods) if periods else MIN_SPAN


def zoom(window: Window, factor: float, bounds: Window, narrowest: float = MIN_SPAN) -> Window:
    """Zoom around the centre: the span is divided by `factor` (>1 zooms in), never below
    `narrowest` seconds."""
    span = _span(window.span / factor, bounds, narrowest)
    return _fit(window.centre - span / 2, span, bounds, narrowest)


def pan(window: Window, fraction: float, bounds: Window) -> Window:
    """Move the window by `fraction` of its span (negative: towards the start)."""
    return _fit(window.start + fraction * window.span, window.span, bounds)


def jump(start: float, end: float, bounds: Window) -> Window:
    """The window [start, end] clipped to `bounds`; ValueError if nothing of it is left."""
    lo, hi = max(start, bounds.start), min(end, bounds.end)
    if hi <= lo:
        raise ValueError(
            f"{seconds_text(start)}-{seconds_text(end)} is outside the log "
            f"({seconds_text(bounds.start)}-{seconds_text(bounds.end)})"
        )
    return _fit(lo, hi - lo, bounds)


def parse_window(text: str) -> tuple[float, float]:
    """`120-300` or `2:00-5:00` (seconds from the start) → (start, end)."""
    start_text, sep, end_text = text.partition("-")
    if not sep:
        raise ValueError(f"not a window: {text.strip()!r} (use 120-300 or 2:00-5:00)")
    start, end = parse_duration(start_text), parse_duration(end_text)
    if end <= start:
        raise ValueError(f"window end must be after its start: {text.strip()!r}")
    return start, end


@dataclass(frozen=True)
class Sample:
    """The sample of a signal shown at the cursor."""

    time: float  # seconds from the start of the log
    value: float


def sample_at(
    signal: Signal, raw_time: float, origin: int, seconds_per_unit: float
) -> Sample | None:
    """The last sample of `signal` at or before `raw_time` (None if the signal starts later).

    A cursor between two samples shows the earlier one: that is the value the car had
    last reported at that moment.
    """
    index = index_at(signal.timestamps, raw_time, "right") - 1
    if index < 0:
        return None
    return Sample(
        (int(signal.timestamps[index]) - origin) * seconds_per_unit,
        float(signal.values[index]),
    )


def next_sample(
    signal: Signal, seconds: float, step: int, origin: int, seconds_per_unit: float
) -> float | None:
    """Time (seconds) of the sample of `signal` after `seconds` (`step` 1) or before it
    (`step` -1); None when there is none."""
    at = origin + seconds / seconds_per_unit
    if abs(at - round(at)) < 1e-6:  # on a sample's time, up to float error
        at = round(at)
    if step > 0:
        index = index_at(signal.timestamps, at, "right")
    else:
        index = index_at(signal.timestamps, at, "left") - 1
    if not 0 <= index < len(signal.timestamps):
        return None
    return (int(signal.timestamps[index]) - origin) * seconds_per_unit


@dataclass(frozen=True)
class Selected:
    """A signal on the chart: its style slot (colour + marker) and y-axis side."""

    name: str
    slot: int
    right_axis: bool = False


@dataclass
class Selection:
    """Signals on the chart, in the order they were picked (at most `MAX_SERIES`)."""

    items: list[Selected] = field(default_factory=list)

    def __contains__(self, name: object) -> bool:
        return any(item.name == name for item in self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, name: str) -> Selected | None:
        return next((item for item in self.items if item.name == name), None)

    def toggle(self, name: str) -> bool:
        """Add `name` (lowest free slot) or remove it; True if it is now selected.

        Raises ValueError when adding more than `MAX_SERIES` signals.
        """
        if name in self:
            self.items = [item for item in self.items if item.name != name]
            return False
        if len(self.items) >= MAX_SERIES:
            raise ValueError(f"at most {MAX_SERIES} signals on one chart")
        used = {item.slot for item in self.items}
        slot = min(s for s in range(MAX_SERIES) if s not in used)
        self.items.append(Selected(name, slot))
        return True

    def toggle_axis(self, name: str) -> bool:
        """Move a selected signal to the other y-axis; True if it is now on the right."""
        for i, item in enumerate(self.items):
            if item.name == name:
                self.items[i] = replace(item, right_axis=not item.right_axis)
                return self.items[i].right_axis
        raise KeyError(name)


def raw_time(seconds: float, origin: int, seconds_per_unit: float) -> float:
    """Seconds from the start of the log → the log's raw time units."""
    return origin + seconds / seconds_per_unit


def seconds_text(seconds: float) -> str:
    """Seconds from the start as the plot shows them: `M:SS.s` (or `H:MM:SS.s`)."""
    return duration(seconds, decimals=1)
