"""Aligning signals on one timeline, by the rule of the engine's `Signal` arithmetic.

`a + b` on two `Signal`s is evaluated on the union of their timestamps, each signal
linearly interpolated there and held flat outside its own range. Math channels use the
same rule for any number of signals at once: `union` builds the timeline, `values_on`
gives each signal's values on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from perda_tui.logs import Signal


def union(arrays: list[np.ndarray]) -> np.ndarray:
    """The sorted union of ascending int64 timestamp arrays.

    Identical arrays (signals logged in the same frame) are merged for free; otherwise the
    arrays are concatenated and stably sorted, which merges the sorted runs (timsort) in
    linear time, and repeated timestamps are dropped.
    """
    distinct: list[np.ndarray] = []
    for array in arrays:
        if not any(_same(array, seen) for seen in distinct):
            distinct.append(array)
    if not distinct:
        return np.empty(0, np.int64)
    if len(distinct) == 1:
        return distinct[0]
    merged = np.concatenate(distinct)
    merged.sort(kind="stable")
    keep = np.empty(merged.size, dtype=bool)
    keep[:1] = True
    np.not_equal(merged[1:], merged[:-1], out=keep[1:])
    return merged[keep]


def values_on(signal: Signal, timeline: np.ndarray) -> np.ndarray:
    """`signal` on `timeline`: its own values where the timestamps are its own, else linear
    interpolation between its neighbours, flat before its first and after its last sample."""
    if _same(signal.timestamps, timeline):
        return signal.values
    return np.interp(timeline, signal.timestamps, signal.values)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a is b or (a.shape == b.shape and bool(np.array_equal(a, b)))
