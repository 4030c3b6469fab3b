"""Aligning signals on one timeline, by the rule of the engine's `Signal` arithmetic.

`a + b` on two `Signal`s is evaluated on the union of their timestamps, each signal
linearly interpolated there (`np.interp`) and held flat outside its own range. Math
channels use the same rule for any number of signals at once: `Aligned.fill` walks the
union in consecutive blocks and hands each signal's values on a block to a function (an
expression, evaluated a block at a time with small temporaries that stay in cache);
`align` gives the whole arrays.

How: the union is cut at timestamps taken every `BLOCK` samples of the timelines, so a
block holds a bounded number of samples of each. In a block a compiled loop merges the
slices of the timelines into their union (`timeline_kernels.merge`, one pass for two),
and another walks each signal's samples along the union to interpolate it there
(`timeline_kernels.interpolate`, numpy's `np.interp` loop: the same numbers, bit for
bit, for any int64 timestamps). Blocks are independent and run on up to `THREADS`
threads (the loops release the GIL); where timestamps repeat, a block's union is shorter
than its slices, and the gaps are closed at the end. Short signals (a union under
`compiled.INTERPRETED_BELOW` samples) run the same loops interpreted until they are
compiled: loading numba would cost more than the work.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from perda_tui.analysis.timeline_kernels import interpolate, merge

if TYPE_CHECKING:
    from perda_tui.logs import Signal

#: Samples of each timeline per block, about (a block ends at every `len(timelines)`-th
#: of the timestamps found every `BLOCK` samples of each timeline).
BLOCK = 1 << 15
#: Blocks handed to a thread at a time.
CHUNK = 8
#: Most threads working on one alignment.
THREADS = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
T = TypeVar("T")
#: What `Aligned.fill`'s function gives for each output: values on the block, or a number.
Part = np.ndarray | float | np.floating


class Aligned:
    """Signals on the union of their timestamps, computed a block at a time (`fill`)."""

    def __init__(self, signals: Sequence[Signal]) -> None:
        if not signals or any(len(s) == 0 for s in signals):
            raise ValueError("alignment needs signals, each with samples")
        self.signals = list(signals)
        #: Each signal's timestamps and values, as the compiled loops take them.
        self._samples = [
            (np.ascontiguousarray(s.timestamps), np.ascontiguousarray(s.values)) for s in signals
        ]
        self._timelines = _distinct([t for t, _ in self._samples])
        #: The union of the timestamps (filled by `fill` unless the signals share one).
        self.timeline = self._timelines[0]
        self.shared = len(self._timelines) == 1

    def fill(
        self, function: Callable[[list[np.ndarray]], Sequence[Part]], outputs: int
    ) -> list[np.ndarray]:
        """`outputs` arrays on the union: on each block, `function` gets each signal's
        values there and gives the outputs' values there. Sets `timeline`."""
        edges = self._edges()
        counts = np.sum([np.diff(e) for e in edges], axis=0)
        starts = np.concatenate(([0], np.cumsum(counts))).tolist()
        capacity = starts[-1]
        if not self.shared:
            self.timeline = np.empty(capacity, np.int64)
        outs = [np.empty(capacity) for _ in range(outputs)]
        bounds = [e.tolist() for e in edges]
        sizes = counts.tolist()
        most = int(counts.max())
        merge_into, interpolate_at = merge.sized(capacity), interpolate.sized(capacity)

        def work(blocks: range) -> None:
            spare = np.empty(most if len(self._timelines) > 2 else 0, np.int64)
            scratch = [np.empty(0 if self.shared else most) for _ in self.signals]
            for block in blocks:
                parts = [slice(b[block], b[block + 1]) for b in bounds]
                at = slice(starts[block], starts[block + 1])
                if self.shared:
                    values = [s.values[parts[0]] for s in self.signals]
                else:
                    union = self.timeline[at]
                    size = sizes[block] = self._union(parts, union, spare, merge_into)
                    at = slice(at.start, at.start + size)
                    values = [v[:size] for v in scratch]
                    for (t, v), out in zip(self._samples, values, strict=True):
                        interpolate_at(t, v, union[:size], out)
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

    def _union(
        self,
        parts: list[slice],
        out: np.ndarray,
        spare: np.ndarray,
        merge_into: Callable[[np.ndarray, np.ndarray, np.ndarray], int],
    ) -> int:
        """The union of the timelines' `parts` into the head of `out` (`spare` as large,
        for more than two timelines) with `merge_into` (`merge`); its size."""
        merged = self._timelines[0][parts[0]]
        for i, (t, part) in enumerate(zip(self._timelines[1:], parts[1:], strict=True)):
            # the last merge into `out`, the one before into `spare`, and so on
            into = out if (len(parts) - i) % 2 == 0 else spare
            merged = into[: merge_into(merged, t[part], into)]
        return merged.size


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


def values_on(signal: Signal, timeline: np.ndarray) -> np.ndarray:
    """`signal` at the ascending timestamps `timeline`: its own values where the
    timestamps are its own, else linear interpolation between its neighbours, flat before
    its first and after its last sample (`np.interp`, bit for bit; `BLOCK` points at a
    time, on threads)."""
    if same_timeline(signal.timestamps, timeline):
        return signal.values
    own, values = np.ascontiguousarray(signal.timestamps), np.ascontiguousarray(signal.values)
    points = np.ascontiguousarray(timeline, dtype=np.int64)
    out = np.empty(points.size)
    interpolate_at = interpolate.sized(points.size)

    def work(blocks: range) -> None:
        for block in blocks:
            part = slice(block * BLOCK, (block + 1) * BLOCK)
            interpolate_at(own, values, points[part], out[part])

    in_chunks(work, -(-points.size // BLOCK))
    return out


def _distinct(arrays: list[np.ndarray]) -> list[np.ndarray]:
    """The distinct arrays, in order."""
    distinct: list[np.ndarray] = []
    for array in arrays:
        if not any(same_timeline(array, seen) for seen in distinct):
            distinct.append(array)
    return distinct


def same_timeline(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two timestamp arrays are equal (usually told by their ends alone)."""
    if a is b:
        return True
    if a.shape != b.shape or (a.size and (a[0] != b[0] or a[-1] != b[-1])):
        return False  # the usual answer for two timelines, without a pass over them
    return bool(np.array_equal(a, b))
