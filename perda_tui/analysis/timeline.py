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
time), each timestamp carrying a tag in its low bits that says where it came from. The
function runs on each timeline's points: a signal's own values there as they are (what
`np.interp` gives at a sample's own time), the other signals `np.interp`-ed against their
own samples in the block and one more on each side (the two samples around every point
are the same as against all their samples, so are the numbers, bit for bit). The tags
then gather the results into time order; of repeated timestamps the last is kept. That
needs timestamps exact as float64 (|t| <= 2**53: any log in µs or ms); others take the
whole-array way (`np.union1d` and `np.interp`), and a block spanning too long a time for
the tags interpolates every signal at the merged timestamps. Blocks are independent and
run on up to `THREADS` threads (numpy releases the GIL in them).
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
        places = np.arange(int(counts.max()))  # tags, read by every block

        def work(blocks: range) -> None:
            for block in blocks:
                parts = [slice(b[block], b[block + 1]) for b in bounds]
                at = slice(starts[block], starts[block + 1])
                if self.shared:
                    values = [s.values[parts[0]] for s in self.signals]
                    for out, part in zip(outs, function(values), strict=True):
                        out[at] = part
                else:
                    heads = [out[at] for out in outs]
                    timeline = self.timeline[at]
                    sizes[block] = self._block(function, parts, timeline, heads, places)

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

    def _block(
        self,
        function: Callable[[list[np.ndarray]], Sequence[Part]],
        parts: list[slice],
        timeline: np.ndarray,
        outs: list[np.ndarray],
        places: np.ndarray,
    ) -> int:
        """The union of the timelines' `parts` into the head of `timeline` and the
        outputs there into the heads of `outs`; how many points that is.

        Each timestamp is merged with a tag in its low bits, its place in the
        concatenation of the parts (from `places`: 0, 1, 2, ...); `function` is
        evaluated on each timeline's points (its own signals as they are, the others
        interpolated) and the sorted tags gather the results into time order. Where
        timestamps repeat, the last of them is kept: its row holds the value `np.interp`
        gives there (the last of repeated samples)."""
        timelines = self._timelines
        shift = max(timeline.size - 1, 1).bit_length()
        present = [(t, p) for t, p in zip(timelines, parts, strict=True) if p.stop > p.start]
        t0 = min(int(t[p.start]) for t, p in present)
        if max(int(t[p.stop - 1]) for t, p in present) - t0 >= 1 << (62 - shift):
            return self._merged(function, parts, timeline, outs)  # tags do not fit
        at = 0
        for t, p in zip(timelines, parts, strict=True):
            keys = timeline[at : at + p.stop - p.start]
            np.subtract(t[p], t0, out=keys)
            keys <<= shift
            keys |= places[at : at + keys.size]
            at += keys.size
        timeline.sort(kind="stable")  # timsort: merges the timelines' ascending runs
        tags = timeline & ((1 << shift) - 1)
        timeline >>= shift
        timeline += t0
        kept = timeline.size
        if kept > 1 and not np.greater(timeline[1:], timeline[:-1]).all():
            last = np.empty(kept, dtype=bool)
            last[-1] = True
            np.not_equal(timeline[1:], timeline[:-1], out=last[:-1])
            tags = tags[last]
            kept = tags.size
            timeline[:kept] = timeline[last]
        brackets = [slice(max(p.start - 1, 0), p.stop + 1) for p in parts]
        own = [t[b].astype(np.float64) for t, b in zip(timelines, brackets, strict=True)]
        results = [np.empty(timeline.size) for _ in outs]
        at = 0
        for i, p in enumerate(parts):
            x = own[i][p.start - brackets[i].start : p.stop - brackets[i].start]
            values = [
                s.values[p] if o == i else np.interp(x, own[o], s.values[brackets[o]])
                for s, o in zip(self.signals, self._owners, strict=True)
            ]
            for result, part in zip(results, function(values), strict=True):
                result[at : at + x.size] = part
            at += x.size
        for out, result in zip(outs, results, strict=True):
            # "wrap": the tags are all in range, and "raise" would copy `out` first
            np.take(result, tags, out=out[:kept], mode="wrap")
        return kept

    def _merged(
        self,
        function: Callable[[list[np.ndarray]], Sequence[Part]],
        parts: list[slice],
        timeline: np.ndarray,
        outs: list[np.ndarray],
    ) -> int:
        """`_block` by merging the timestamps alone and interpolating every signal at all
        of them (for blocks spanning too long a time for tags)."""
        timelines = self._timelines
        at = 0
        for t, part in zip(timelines, parts, strict=True):
            timeline[at : at + part.stop - part.start] = t[part]
            at += part.stop - part.start
        timeline.sort(kind="stable")  # timsort: merges the sorted runs
        unique = _unique_sorted(timeline)
        timeline[: unique.size] = unique
        x = unique.astype(np.float64)
        # each timeline's samples in the block and one more on each side
        brackets = [slice(max(part.start - 1, 0), part.stop + 1) for part in parts]
        own = [t[b].astype(np.float64) for t, b in zip(timelines, brackets, strict=True)]
        values = [
            np.interp(x, own[o], s.values[brackets[o]])
            for s, o in zip(self.signals, self._owners, strict=True)
        ]
        for out, value in zip(outs, function(values), strict=True):
            out[: x.size] = value
        return x.size


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
    and after its last sample (`np.interp`, bit for bit, in blocks: see `Pieces`)."""
    if same_timeline(signal.timestamps, timeline):
        return signal.values
    pieces = Pieces(signal, timeline, BLOCK)
    if pieces.whole is not None:
        return pieces.whole
    out = np.empty(timeline.size)

    def work(blocks: range) -> None:
        for i in blocks:
            out[i * BLOCK : (i + 1) * BLOCK] = pieces.values(i)

    in_chunks(work, len(pieces))
    return out


class Pieces:
    """`signal` at the ascending points `timeline`, `size` points at a time: `values(i)`
    is piece `i`, `np.interp`-ed against the signal's samples from the last at or before
    the piece's first point to the first after its last (every point's two neighbours
    among all the samples, so the same numbers, bit for bit). Timestamps not exact as
    float64 (beyond `EXACT`) are interpolated all at once instead: `whole`."""

    def __init__(self, signal: Signal, timeline: np.ndarray, size: int) -> None:
        self.signal, self.timeline, self.size = signal, timeline, size
        own = signal.timestamps
        #: All the values, when they are not computed in pieces.
        self.whole: np.ndarray | None = None
        self._firsts: list[int] = []
        self._lasts: list[int] = []
        if not own.size or not timeline.size or max(abs(own[0]), abs(own[-1])) > EXACT:
            self.whole = np.interp(timeline, own.astype(np.float64), signal.values)
            return
        starts = np.arange(0, timeline.size, size)
        ends = np.minimum(starts + size, timeline.size)
        firsts = np.searchsorted(own, timeline[starts], side="right") - 1
        self._firsts = np.maximum(firsts, 0).tolist()
        self._lasts = (np.searchsorted(own, timeline[ends - 1], side="right") + 1).tolist()

    def __len__(self) -> int:
        return -(-self.timeline.size // self.size)

    def values(self, piece: int) -> np.ndarray:
        """The signal at the points of piece `piece`."""
        points = slice(piece * self.size, (piece + 1) * self.size)
        if self.whole is not None:
            return self.whole[points]
        bracket = slice(self._firsts[piece], self._lasts[piece])
        own = self.signal.timestamps[bracket].astype(np.float64)
        return np.interp(self.timeline[points], own, self.signal.values[bracket])


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
        owner = next((i for i, seen in enumerate(distinct) if same_timeline(array, seen)), None)
        if owner is None:
            owner = len(distinct)
            distinct.append(array)
        owners.append(owner)
    return distinct, owners


def same_timeline(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two timestamp arrays are equal (usually told by their ends alone)."""
    if a is b:
        return True
    if a.shape != b.shape or (a.size and (a[0] != b[0] or a[-1] != b[-1])):
        return False  # the usual answer for two timelines, without a pass over them
    return bool(np.array_equal(a, b))
