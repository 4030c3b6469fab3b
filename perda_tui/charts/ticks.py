"""Axis ticks: round 1-2-5 numbers, and round wall-clock times for clock axes."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

_NICE = (1.0, 2.0, 2.5, 5.0, 10.0)
_CLOCK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200)


def nice_step(span: float, count: int) -> float:
    """A round step (1, 2, 2.5 or 5 * 10^k) giving about `count` ticks over `span`."""
    if span <= 0 or count < 1:
        return 1.0
    raw = span / count
    power = 10.0 ** math.floor(math.log10(raw))
    return next(n * power for n in _NICE if n * power >= raw)


def _decimals(step: float) -> int:
    """Decimal places that show every multiple of `step` exactly (2.5 needs one more)."""
    exponent = math.floor(math.log10(step) + 1e-9)
    mantissa = step / 10.0**exponent
    return max(0, -exponent + (1 if abs(mantissa - 2.5) < 1e-9 else 0))


def nice_ticks(lo: float, hi: float, count: int) -> tuple[list[float], list[str]]:
    """Round tick positions inside [lo, hi] and their labels."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [], []
    step = nice_step(hi - lo, count)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]
    decimals = _decimals(step)
    return ticks, [f"{t:.{decimals}f}" if decimals else f"{round(t):d}" for t in ticks]


def clock_ticks(
    lo: float, hi: float, count: int, origin: datetime
) -> tuple[list[float], list[str]]:
    """Ticks at round wall-clock times for x = seconds after `origin`, labelled HH:MM[:SS]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [], []
    raw = (hi - lo) / max(count, 1)
    if raw < 1:
        ticks, _ = nice_ticks(lo, hi, count)
        step = nice_step(hi - lo, count)
        decimals = _decimals(step)
        labels = [
            (origin + timedelta(seconds=t)).strftime("%H:%M:%S.%f")[: 9 + decimals] for t in ticks
        ]
        return ticks, labels
    step = next((s for s in _CLOCK_STEPS if s >= raw), _CLOCK_STEPS[-1])
    base = origin.replace(microsecond=0)
    offset = (origin - base).total_seconds()
    day_seconds = base.hour * 3600 + base.minute * 60 + base.second
    # first x whose wall-clock time of day is a multiple of step
    first_clock = math.ceil((day_seconds + lo + offset) / step) * step
    first = first_clock - day_seconds - offset
    fmt = "%H:%M" if step % 60 == 0 else "%H:%M:%S"
    ticks, labels = [], []
    t = first
    while t <= hi + 1e-9:
        ticks.append(t)
        labels.append((origin + timedelta(seconds=t)).strftime(fmt))
        t += step
    return ticks, labels
