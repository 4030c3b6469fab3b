"""Aligning signals on one timeline, by the rule of the engine's `Signal` arithmetic.

`a + b` on two `Signal`s is evaluated on the union of their timestamps, each signal
linearly interpolated there and held flat outside its own range. Math channels use the
same rule for any number of signals at once: `align` builds the timeline and gives each
signal's values on it; `union` and `values_on` are its two halves.

Two timelines without a common timestamp (the common case: a channel over signals of two
messages) are merged in linear time: each signal keeps its own samples as they are and is
interpolated only at the other timeline's points, which is what `np.interp` on the union
gives, bit for bit. Other cases take the general way (sorted union, `np.interp`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from perda_tui.logs import Signal

#: Points per block of the merge's loops: their temporaries stay small and are reused.
BLOCK = 1 << 18


def align(signals: Sequence[Signal]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The union of the signals' timestamps and each signal's values on it."""
    timelines, owners = _distinct([s.timestamps for s in signals])
    merge = None
    if len(timelines) == 2 and all(t.size and _strictly_ascending(t) for t in timelines):
        merge = _Merge.of(*timelines)
    if merge is not None:
        return merge.timeline, [
            merge.values(s.values, o) for s, o in zip(signals, owners, strict=True)
        ]
    timeline = union(timelines)
    return timeline, [values_on(s, timeline) for s in signals]


def union(arrays: list[np.ndarray]) -> np.ndarray:
    """The sorted union of ascending int64 timestamp arrays.

    Identical arrays (signals logged in the same frame) are merged for free; otherwise the
    arrays are concatenated and stably sorted, which merges the sorted runs (timsort) in
    linear time, and repeated timestamps are dropped.
    """
    distinct, _ = _distinct(arrays)
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
    own = signal.timestamps.astype(np.float64)
    out = np.empty(timeline.size)
    for start in range(0, timeline.size, BLOCK):  # small temporaries, reused
        block = slice(start, start + BLOCK)
        out[block] = np.interp(timeline[block], own, signal.values)
    return out


class _Merge:
    """Two strictly ascending timelines without a common timestamp, merged: where each
    one's points go in the union. `None` from `of` when they share a timestamp."""

    def __init__(
        self, first: np.ndarray, second: np.ndarray, first_at: np.ndarray, second_at: np.ndarray
    ) -> None:
        self.timestamps = (first, second)
        self.at = (first_at, second_at)
        self.timeline = np.empty(first.size + second.size, np.int64)
        self.timeline[first_at] = first
        self.timeline[second_at] = second
        self._floats = (first.astype(np.float64), second.astype(np.float64))

    @classmethod
    def of(cls, first: np.ndarray, second: np.ndarray) -> _Merge | None:
        # pandas' reindex-with-ffill kernel: a linear merge, where np.searchsorted would
        # binary-search every point; imported here, as pandas takes a while to import
        from pandas._libs.algos import pad

        # how many of the other timeline's points are at or before each point, minus one
        first_at, second_at = pad(second, first), pad(first, second)
        # these count each pair (i, j) with first[i] <= second[j] or second[j] <= first[i]:
        # every pair once, a common timestamp twice
        pairs = int(first_at.sum()) + int(second_at.sum()) + first.size + second.size
        if pairs != first.size * second.size:
            return None
        for start in range(0, max(first.size, second.size), BLOCK):
            rank = np.arange(start + 1, start + BLOCK + 1)
            for at in (first_at, second_at):
                block = at[start : start + BLOCK]
                block += rank[: block.size]
        return cls(first, second, first_at, second_at)

    def values(self, values: np.ndarray, owner: int) -> np.ndarray:
        """Values sampled on the first (`owner` 0) or second timeline, on the union: their
        own at their points, interpolated (in blocks: small temporaries) at the others'."""
        other = 1 - owner
        out = np.empty(self.timeline.size)
        out[self.at[owner]] = values
        points, at = self._floats[other], self.at[other]
        for start in range(0, points.size, BLOCK):
            block = slice(start, start + BLOCK)
            out[at[block]] = np.interp(points[block], self._floats[owner], values)
        return out


def _distinct(arrays: list[np.ndarray]) -> tuple[list[np.ndarray], list[int]]:
    """The distinct arrays, and for each array the index of its distinct one."""
    distinct: list[np.ndarray] = []
    owners = []
    for array in arrays:
        owner = next((i for i, seen in enumerate(distinct) if _same(array, seen)), None)
        if owner is None:
            owner = len(distinct)
            distinct.append(array)
        owners.append(owner)
    return distinct, owners


def _strictly_ascending(timestamps: np.ndarray) -> bool:
    return bool(np.greater(timestamps[1:], timestamps[:-1]).all())


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    if a is b:
        return True
    if a.shape != b.shape or (a.size and (a[0] != b[0] or a[-1] != b[-1])):
        return False  # the usual answer for two timelines, without a pass over them
    return bool(np.array_equal(a, b))
