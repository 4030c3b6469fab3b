"""Window statistics of signals or expressions, for `perda-tui stats` and the plot screen."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from perda_tui.analysis.expressions import evaluate

if TYPE_CHECKING:
    from perda_tui.logs import Log, Signal


@dataclass(frozen=True)
class WindowStats:
    """Statistics of one signal between two times (seconds from the log's first sample):
    population std; first/last time of a sample in the window; rate = (count - 1) / span."""

    name: str
    count: int
    min: float
    max: float
    mean: float
    std: float
    first_s: float | None
    last_s: float | None
    rate_hz: float

    def to_json(self) -> dict[str, object]:
        """Plain data for `--json` (NaN as null)."""
        return {
            key: None if isinstance(value, float) and not math.isfinite(value) else value
            for key, value in vars(self).items()
        }


def resolve(log: Log, name_or_expression: str) -> Signal:
    """A signal of the log by name, else the expression evaluated over it."""
    if name_or_expression in log:
        return log[name_or_expression]
    return evaluate(name_or_expression, log)


def window_stats(
    log: Log, signal: Signal, start: float | None = None, end: float | None = None
) -> WindowStats:
    """`Signal.stats` of `signal` between `start` and `end` seconds from the log's start."""
    origin = log.start_time or 0
    spu = log.seconds_per_unit
    t0 = None if start is None else origin + start / spu
    t1 = None if end is None else origin + end / spu
    s = signal.stats(t0, t1)

    def seconds(raw: int | None) -> float | None:
        return None if raw is None else (raw - origin) * spu

    return WindowStats(
        signal.name,
        s.count,
        s.min,
        s.max,
        s.mean,
        s.std,
        seconds(s.first_time),
        seconds(s.last_time),
        s.rate_hz,
    )
