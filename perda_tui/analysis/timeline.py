"""Aligning signals on one timeline, by the rule of the engine's `Signal` arithmetic.

`a + b` on two `Signal`s is evaluated on the union of their timestamps, each signal
linearly interpolated there (`np.interp`) and held flat outside its own range. Math
channels use the same rule for any number of signals at once: `Aligned.fill` walks the
union in consecutive blocks and hands each signal's values on a block to a function (an
expression, evaluated a block at a time with small temporaries that stay in cache);
`align` gives the whole arrays.

How: the union is cut at timestamps taken every `BLOCK` samples of the timelines, so a
block holds a bounded number of samples of each. In a block the slices of the timelines
are merged (a stable sort of their concatenation, which merges sorted runs in linear
time; repeated timestamps dropped), and each signal is `np.interp`-ed at the block's
points against its own samples in the block and one more on each side: the two samples
around every point are the same as against all its samples, so are the numbers, bit for
bit. That needs timestamps exact as float64 (|t| <= 2**53: any log in µs or ms); others
take the whole-array way (`np.union1d` and `np.interp`). Blocks are independent and run
on up to `THREADS` threads (numpy releases the GIL in them).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

import numpy as np

if TYPE_CHECKING:
    from perda_tui.logs import Signal

#: Samples of each timeline per block, about (a block ends at every `len(timelines)`-th
#: of the timestamps found every `BLOCK` samples of each timeline).
BLOCK = 1 << 15
#: Blocks handed to a thread at a time.
CHUNK = 8
#: Most threads working on one alignment.
THREADS = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
#: Timestamps up to this size are exact as float64, as `np.interp` sees them.
EXACT = 2**53
T = TypeVar("T")
#: What `Aligned.fill`'s function gives for each output: values on the block, or a number.
Part = np.ndarray | float | np.floating


class Aligned:
    """Signals on the union of their timestamps, computed a block at a time (`fill`)."""

    def __init__(self, signals: Sequence[Signal]) -> None:
        if not signals or any(len(s) == 0 for s in signals):
            raise ValueError("alignment needs signals, each with samples")
        self.signals = list(signals)
        self._timelines, self._owners = _distinct([s.timestamps for s in signals])
        #: The union of the timestamps (filled by `fill` unless the signals share one).
        self.timeline = self._timelines[0]
        self.shared = len(self._timelines) == 1

    def fill(
        self, function: Callable[[list[np.ndarray]], Sequence[Part]], outputs: int
    ) -> list[np.ndarray]:
        """`outputs` arrays on the union: on each block, `function` gets each signal's
        values there and gives the outputs' values there. Sets `timeline`."""
        if not self.shared and not all(t[0] >= -EXACT and t[-1] <= EXACT for t in self._timelines):
            self.timeline = union(self._timelines)
            values = [values_on(s, self.timeline) for s in self.signals]
            return [_full(part, self.timeline.size) for part in function(values)]
        edges = self._edges()
        counts = np.sum([np.diff(e) for e in edges], axis=0)
        starts = np.concatenate(([0], np.cumsum(counts))).tolist()
        capacity = starts[-1]
        if not self.shared:
            self.timeline = np.empty(capacity, np.int64)
        outs = [np.empty(capacity) for _ in range(outputs)]
        bounds = [e.tolist() for e in edges]
        sizes = counts.tolist()
        widest = int(counts.max())

        def work(blocks: range) -> None:
            points = np.empty(widest)  # a block's timestamps as float64
            for block in blocks:
                parts = [slice(b[block], b[block + 1]) for b in bounds]
                at = slice(starts[block], starts[block + 1])
                if self.shared:
                    values = [s.values[parts[0]] for s in self.signals]
                else:
                    values = self._merge(parts, self.timeline[at], points)
                    sizes[block] = values[0].size
                    at = slice(at.start, at.start + sizes[block])
                for out, part in zip(outs, function(values), strict=True):
                    out[at] = part

        in_chunks(work, len(sizes))
        if sum(sizes) == capacity:
            return outs
        # a block had repeated timestamps: close the gaps they left
        kept = [slice(start, start + size) for start, size in zip(starts, sizes, strict=False)]
        self.timeline = np.concatenate([self.timeline[k] for k in kept])
        return [np.concatenate([out[k] for k in kept]) for out in outs]

    def _edges(self) -> list[np.ndarray]:
        """Each timeline's sample index at each block's edges (first 0, last its size)."""
        timelines = self._timelines
        cuts = np.unique(np.concatenate([t[BLOCK::BLOCK] for t in timelines]))
        cuts = cuts[len(timelines) - 1 :: len(timelines)]
        return [np.concatenate(([0], np.searchsorted(t, cuts), [t.size])) for t in timelines]

    def _merge(
        self, parts: list[slice], merged: np.ndarray, points: np.ndarray
    ) -> list[np.ndarray]:
        """The union of the timelines' `parts` into `merged` (its head, when timestamps
        repeat), and each signal's values there."""
        timelines = self._timelines
        at = 0
        for t, part in zip(timelines, parts, strict=True):
            merged[at : at + part.stop - part.start] = t[part]
            at += part.stop - part.start
        merged.sort(kind="stable")  # timsort: merges the sorted runs
        if merged.size > 1 and not np.greater(merged[1:], merged[:-1]).all():
            unique = _unique_sorted(merged)
            merged = merged[: unique.size]
            merged[:] = unique
        x = points[: merged.size]
        np.copyto(x, merged, casting="unsafe")
        # each timeline's samples in the block and one more on each side
        brackets = [slice(max(part.start - 1, 0), part.stop + 1) for part in parts]
        own = [t[b].astype(np.float64) for t, b in zip(timelines, brackets, strict=True)]
        return [
            np.interp(x, own[o], s.values[brackets[o]])
            for s, o in zip(self.signals, self._owners, strict=True)
        ]


def in_chunks(work: Callable[[range], T], blocks: int) -> list[T]:
    """`work` on consecutive chunks of `range(blocks)` (`CHUNK` blocks each), on up to
    `THREADS` threads; what it gave for each chunk, in order."""
    chunks = [range(i, min(i + CHUNK, blocks)) for i in range(0, blocks, CHUNK)]
    if len(chunks) <= 1 or THREADS == 1:
        return [work(chunk) for chunk in chunks]
    with ThreadPoolExecutor(THREADS, thread_name_prefix="blocks") as pool:
        return list(pool.map(work, chunks))


def align(signals: Sequence[Signal]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The union of the signals' timestamps and each signal's values on it."""
    aligned = Aligned(signals)
    if aligned.shared:
        return aligned.timeline, [s.values for s in signals]
    values = aligned.fill(lambda parts: parts, len(signals))
    return aligned.timeline, values


def union(arrays: list[np.ndarray]) -> np.ndarray:
    """The sorted union of ascending int64 timestamp arrays (identical ones merged for
    free)."""
    distinct, _ = _distinct(arrays)
    if not distinct:
        return np.empty(0, np.int64)
    if len(distinct) == 1:
        return distinct[0]
    merged = np.concatenate(distinct)
    merged.sort(kind="stable")
    return _unique_sorted(merged)


def values_on(signal: Signal, timeline: np.ndarray) -> np.ndarray:
    """`signal` at the ascending points `timeline`: its own values where the timestamps
    are its own, else linear interpolation between its neighbours, flat before its first
    and after its last sample (`np.interp`, bit for bit, in blocks: see the module)."""
    if _same(signal.timestamps, timeline):
        return signal.values
    own = signal.timestamps
    if not own.size or not timeline.size or max(abs(own[0]), abs(own[-1])) > EXACT:
        return np.interp(timeline, own.astype(np.float64), signal.values)
    out = np.empty(timeline.size)
    starts = np.arange(0, timeline.size, BLOCK)
    ends = np.minimum(starts + BLOCK, timeline.size)
    # each block's bracket: its own samples from the last at or before the block's first
    # point to the first after its last point
    firsts = np.maximum(np.searchsorted(own, timeline[starts], side="right") - 1, 0).tolist()
    lasts = (np.searchsorted(own, timeline[ends - 1], side="right") + 1).tolist()
    starts_, ends_ = starts.tolist(), ends.tolist()

    def work(blocks: range) -> None:
        for i in blocks:
            bracket = slice(firsts[i], lasts[i])
            out[starts_[i] : ends_[i]] = np.interp(
                timeline[starts_[i] : ends_[i]],
                own[bracket].astype(np.float64),
                signal.values[bracket],
            )

    in_chunks(work, len(starts_))
    return out


def _full(part: Part, size: int) -> np.ndarray:
    out = np.empty(size)
    out[:] = part
    return out


def _unique_sorted(merged: np.ndarray) -> np.ndarray:
    keep = np.empty(merged.size, dtype=bool)
    keep[:1] = True
    np.not_equal(merged[1:], merged[:-1], out=keep[1:])
    return merged[keep]


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


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    if a is b:
        return True
    if a.shape != b.shape or (a.size and (a[0] != b[0] or a[-1] != b[-1])):
        return False  # the usual answer for two timelines, without a pass over them
    return bool(np.array_equal(a, b))
