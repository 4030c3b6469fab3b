"""Min/max decimation: one (min, max) pair per chart column, so spikes always survive."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from perda_tui.logs.signal import Signal


def decimate(
    signal: Signal, t0: float, t1: float, columns: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split [t0, t1] (raw units) into `columns` equal columns; return (times, mins, maxs).

    `times` are the column centres (float64, raw units). Column i holds samples with
    edge[i] <= t < edge[i+1] (the last column also includes t1). Columns without samples
    are NaN, so a chart shows a gap (e.g. a logger dropout). NaN samples are ignored.
    Cost: two binary searches per column plus one pass over the samples in the window.
    """
    if columns < 1:
        raise ValueError(f"columns must be at least 1, not {columns}")
    if not t1 > t0:
        raise ValueError(f"empty window: t1 ({t1}) must be greater than t0 ({t0})")
    edges = np.linspace(float(t0), float(t1), columns + 1)
    # Integer bounds so searchsorted does not convert every timestamp to float:
    # t >= edge  <=>  t >= ceil(edge), and t <= t1  <=>  t <= floor(t1).
    index = np.searchsorted(signal.timestamps, np.ceil(edges).astype(np.int64), side="left")
    index[-1] = np.searchsorted(signal.timestamps, np.int64(np.floor(edges[-1])), side="right")
    index = np.maximum(index, index[0])
    mins = np.full(columns, np.nan)
    maxs = np.full(columns, np.nan)
    values = signal.values
    for column in np.flatnonzero(index[1:] > index[:-1]).tolist():
        chunk = values[index[column] : index[column + 1]]
        low, high = chunk.min(), chunk.max()  # fast path; NaN only when a sample is NaN
        if math.isnan(low) or math.isnan(high):
            low, high = np.fmin.reduce(chunk), np.fmax.reduce(chunk)  # all NaN stays NaN
        mins[column], maxs[column] = low, high
    return (edges[:-1] + edges[1:]) / 2, mins, maxs
