"""Axis ticks: round 1-2-5 numbers, and time axes as seconds, M:SS(.s) or wall clock."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Literal

from perda_tui.units import duration

#: How x (seconds) is labelled: plain seconds, or minutes and seconds (`1:02.5`).
TimeFormat = Literal["seconds", "minutes"]

_NICE = (1.0, 2.0, 5.0, 10.0)
#: Round steps of time axes, in seconds, from 1 s up (below 1 s the 1-2-5 steps apply).
_TIME_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200)

Ticks = tuple[list[float], list[str]]
#: Labels of numbers this large are written like `1e+300`.
EXPONENT_FROM = 1e12


def nice_step(span: float, count: int) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving at most about `count` ticks."""
    if not math.isfinite(span) or span <= 0 or count < 1:
        return 1.0
    raw = span / count
    power = 10.0 ** math.floor(math.log10(raw))
    return next(n * power for n in _NICE if n * power >= raw * (1 - 1e-9))


def decimals_of(step: float) -> int:
    """Decimal places that show every multiple of `step` exactly."""
    return max(0, -math.floor(math.log10(step) + 1e-9))


def _positions(lo: float, hi: float, step: float) -> list[float]:
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [i * step for i in range(first, last + 1)]


def number_text(value: float, decimals: int) -> str:
    """`value` with `decimals` places (in exponent form from `EXPONENT_FROM` on, so
    labels stay short whatever the data); never `-0`."""
    if abs(value) >= EXPONENT_FROM:
        return f"{value:.3g}"
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def nice_ticks(lo: float, hi: float, count: int) -> Ticks:
    """Round tick positions inside [lo, hi] (at most about `count`) and their labels."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [], []
    step = nice_step(hi - lo, count)
    ticks = _positions(lo, hi, step)
    decimals = decimals_of(step)
    return ticks, [number_text(t, decimals) for t in ticks]


def _time_step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    if raw < 1:
        return nice_step(span, count)
    return float(next((s for s in _TIME_STEPS if s >= raw), _TIME_STEPS[-1]))


def minute_ticks(lo: float, hi: float, count: int) -> Ticks:
    """Ticks at round times for x in seconds, labelled `M:SS` (`M:SS.s` below a second)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [], []
    step = _time_step(hi - lo, count)
    decimals = decimals_of(step) if step < 1 else 0
    ticks = _positions(lo, hi, step)
    return ticks, [duration(t, decimals=decimals) for t in ticks]


def time_ticks(lo: float, hi: float, count: int, fmt: TimeFormat) -> Ticks:
    """Ticks of a time axis in the format `fmt`."""
    return minute_ticks(lo, hi, count) if fmt == "minutes" else nice_ticks(lo, hi, count)


def clock_ticks(lo: float, hi: float, count: int, origin: datetime) -> Ticks:
    """Ticks at round wall-clock times for x = seconds after `origin`, labelled HH:MM[:SS[.s]]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [], []
    step = _time_step(hi - lo, count)
    base = origin.replace(microsecond=0)
    offset = (origin - base).total_seconds()
    day_seconds = base.hour * 3600 + base.minute * 60 + base.second
    # x whose wall-clock time of day is a multiple of step
    start = day_seconds + offset
    ticks = [t - start for t in _positions(start + lo, start + hi, step)]

    def moment(t: float) -> datetime:
        return base + timedelta(microseconds=round((t + offset) * 1e6))

    if step < 1:
        cut = 9 + decimals_of(step)
        return ticks, [moment(t).strftime("%H:%M:%S.%f")[:cut] for t in ticks]
    fmt = "%H:%M" if step % 60 == 0 else "%H:%M:%S"
    return ticks, [moment(t).strftime(fmt) for t in ticks]
