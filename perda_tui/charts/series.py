"""Series shaping: plain points, min/max envelopes and log signals as `Series`, with gaps.

A pause in the data longer than `GAP_PERIODS` typical sample periods is drawn as a gap:
a point with y NaN is inserted there, however the points were thinned.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from perda_tui.charts.model import Series

if TYPE_CHECKING:
    from perda_tui.logs import Signal

#: A pause longer than this many typical sample periods is a gap (drawn as a gap).
GAP_PERIODS = 5.0
#: A unit at the end of a description: `Pack voltage (V)`, `Wheel speed [km/h]`.
_UNIT = re.compile(r"[(\[]\s*([^()\[\]\s][^()\[\]]{0,11}?)\s*[)\]]\s*$")


def unit_of(description: str) -> str:
    """The unit a signal description ends with (`Pack voltage (V)` → `V`); "" if none."""
    match = _UNIT.search(description)
    return match.group(1) if match else ""


def typical_step(x: np.ndarray, sample: int = 100_000) -> float:
    """Median spacing of ascending `x` (over at most `sample` leading steps); 0 if unknown."""
    x = np.asarray(x[: sample + 1], dtype=np.float64)
    steps = x[1:] - x[:-1]
    steps = steps[steps > 0]
    return _median(steps) if len(steps) else 0.0


def _median(values: np.ndarray) -> float:
    """`np.median` of NaN-free `values` (at least one), without its first call's import of
    `numpy.ma` (0.05-0.1 s on the way to a reopened log's first chart)."""
    middle = ((len(values) - 1) // 2, len(values) // 2)
    low, high = np.partition(values, middle)[list(middle)]
    return float((low + high) / 2)


def break_gaps(x: np.ndarray, y: np.ndarray, max_step: float) -> tuple[np.ndarray, np.ndarray]:
    """Drop points whose y is NaN, then insert a point with y NaN (x halfway) wherever x
    jumps by more than `max_step`.

    The result draws as connected runs separated by gaps: a gap appears exactly where
    the data pauses longer than `max_step`, however the points were thinned.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]
    cuts = ((x[1:] - x[:-1]) > max_step).nonzero()[0] + 1
    if not len(cuts):
        return x, y
    middles = (x[cuts - 1] + x[cuts]) / 2  # x stays sorted, so windows can be searched
    return np.insert(x, cuts, middles), np.insert(y, cuts, np.nan)


def line_series(
    label: str,
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    *,
    slot: int = 0,
    right_axis: bool = False,
    max_step: float | None = None,
    unit: str = "",
) -> Series:
    """A series of plain points (sorted by x here); a pause longer than `max_step`
    (default: `GAP_PERIODS` typical steps) is a gap."""
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    if (xs[1:] < xs[:-1]).any():
        order = np.argsort(xs, kind="stable")
        xs, ys = xs[order], ys[order]
    step = GAP_PERIODS * typical_step(xs) if max_step is None else max_step
    xs, ys = break_gaps(xs, ys, step if step > 0 else math.inf)
    return Series(label, xs, ys, slot=slot, right_axis=right_axis, unit=unit)


def envelope_series(
    label: str,
    times: np.ndarray,
    mins: np.ndarray,
    maxs: np.ndarray,
    *,
    slot: int = 0,
    right_axis: bool = False,
    gap: float = math.inf,
    unit: str = "",
) -> Series:
    """A series from a min/max decimation (one column per x, NaN where a column is empty).

    Each column is drawn as a stroke between its min and max, alternately upwards and
    downwards so that neighbouring columns join max-to-max and min-to-min (half the ink
    and drawing time of joining each max to the next min); columns further apart than
    `gap` (and than one empty column) are not joined.
    """
    times = np.asarray(times, dtype=np.float64)
    mins = np.asarray(mins, dtype=np.float64)
    maxs = np.asarray(maxs, dtype=np.float64)
    width = _median(np.diff(times)) if len(times) > 1 else 0.0
    upwards = (np.cumsum(~np.isnan(mins)) % 2) == 1  # alternate over non-empty columns
    x = np.repeat(times, 2)
    y = np.empty(len(x))
    y[0::2] = np.where(upwards, mins, maxs)
    y[1::2] = np.where(upwards, maxs, mins)
    x, y = break_gaps(x, y, max(gap, 1.5 * width))
    return Series(label, x, y, slot=slot, right_axis=right_axis, unit=unit)


def signal_series(
    signal: Signal,
    start: float,
    end: float,
    columns: int,
    *,
    origin: int,
    seconds_per_unit: float,
    slot: int = 0,
    right_axis: bool = False,
    label: str | None = None,
) -> Series:
    """The envelope of `signal` between `start` and `end` (seconds after raw time `origin`)
    decimated to `columns` columns with the log engine's `decimate`; its unit is the one
    its description ends with."""
    from perda_tui.logs import decimate

    t0 = origin + start / seconds_per_unit
    t1 = origin + end / seconds_per_unit
    times, mins, maxs = decimate(signal, t0, t1, max(columns, 1))
    seconds = (np.asarray(times, dtype=np.float64) - origin) * seconds_per_unit
    gap = GAP_PERIODS * typical_step(signal.timestamps) * seconds_per_unit
    return envelope_series(
        label or signal.name,
        seconds,
        mins,
        maxs,
        slot=slot,
        right_axis=right_axis,
        gap=gap if gap > 0 else math.inf,
        unit=unit_of(signal.description),
    )
