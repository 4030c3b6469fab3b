"""Fast min/max decimation of one long signal for the chart: a pyramid over the log engine.

`decimate` reads every sample of the window (tens of milliseconds for 10 million
samples). For redraws at interactive speed, `Envelope` keeps the min and max of fixed
blocks of samples (256, then 16 times coarser per level, built once per signal) and answers
wide windows from the coarsest level whose blocks are still at most a quarter of a
column; narrow windows, where few samples are visible, are decimated exactly as
`decimate` does, in one numpy pass instead of a Python step per column. A block is
assigned to the column holding its first sample, so the envelope of a wide window can
differ from the exact one by at most a quarter column at column edges.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import numpy as np

from perda_tui.logs.pyramid import BLOCK as BLOCK  # samples per block at the finest level
from perda_tui.logs.pyramid import BLOCKS_PER_COLUMN, levels

if TYPE_CHECKING:
    from perda_tui.logs import Signal

#: Which end of a run of equal timestamps `index_at` finds (as numpy's searchsorted).
Side = Literal["left", "right"]


def index_at(timestamps: np.ndarray, t: float, side: Side = "left") -> int:
    """`timestamps.searchsorted(t, side)` for a float `t` without converting the int64
    array to float (which copies it: tens of milliseconds for 10 million samples)."""
    if not math.isfinite(t):
        return 0 if t < 0 else len(timestamps)
    bound = math.ceil(t) if side == "left" else math.floor(t)
    return int(timestamps.searchsorted(np.int64(bound), side=side))


class Envelope:
    """Min/max decimation of one signal; `decimate` has the log engine's signature."""

    def __init__(self, signal: Signal) -> None:
        self.signal = signal
        self._levels = levels(signal)  # stored with a parsed log, else built here

    def decimate(
        self, t0: float, t1: float, columns: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(column centres, mins, maxs) of the samples in [t0, t1] over `columns` columns;
        NaN where a column has no samples."""
        signal = self.signal
        first = index_at(signal.timestamps, t0, "left")
        last = index_at(signal.timestamps, t1, "right")
        per_column = (last - first) / max(columns, 1)
        level = next(
            (lv for lv in reversed(self._levels) if lv.size * BLOCKS_PER_COLUMN <= per_column),
            None,
        )
        if level is None:
            return self.exact(t0, t1, columns)
        edges = np.linspace(t0, t1, columns + 1)
        bounds = level.starts.searchsorted(np.ceil(edges).astype(np.int64), side="left")
        return _centres(edges), *_reduce(bounds, level.mins, level.maxs)

    def exact(
        self, t0: float, t1: float, columns: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The log engine's `decimate` of the signal, with one numpy pass over the samples
        in the window instead of a Python step per column."""
        if columns < 1:
            raise ValueError(f"columns must be at least 1, not {columns}")
        if not t1 > t0:
            raise ValueError(f"empty window: t1 ({t1}) must be greater than t0 ({t0})")
        timestamps = self.signal.timestamps
        edges = np.linspace(float(t0), float(t1), columns + 1)
        # integer bounds as `decimate` takes them: t >= ceil(edge), and t <= floor(t1)
        bounds = timestamps.searchsorted(np.ceil(edges).astype(np.int64), side="left")
        bounds[-1] = timestamps.searchsorted(np.int64(np.floor(edges[-1])), side="right")
        bounds = np.maximum(bounds, bounds[0])
        values = self.signal.values
        return _centres(edges), *_reduce(bounds, values, values)


def _centres(edges: np.ndarray) -> np.ndarray:
    return (edges[:-1] + edges[1:]) / 2


def _reduce(
    bounds: np.ndarray, lows: np.ndarray, highs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Min of `lows` and max of `highs` over each [bounds[i], bounds[i + 1]) (NaN ignored,
    NaN where a column is empty or all NaN)."""
    columns = len(bounds) - 1
    mins = np.full(columns, np.nan)
    maxs = np.full(columns, np.nan)
    filled = bounds[1:] > bounds[:-1]
    starts = bounds[:-1][filled]
    if len(starts):
        # reduceat runs each segment up to the next start: cut the arrays at the last bound
        end = bounds[1:][filled][-1]
        mins[filled] = np.fmin.reduceat(lows[:end], starts)
        maxs[filled] = np.fmax.reduceat(highs[:end], starts)
    return mins, maxs
