"""Distribution of a signal's values in a window: histogram, mean, std and percentiles."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Percentiles shown beside a histogram.
PERCENTILES: tuple[float, ...] = (1, 5, 25, 50, 75, 95, 99)
#: Most bins a histogram may have.
MAX_BINS = 1_000


@dataclass(frozen=True)
class Distribution:
    """`counts[i]` values fell in [edges[i], edges[i + 1]) (the last bin includes its right
    edge). NaN values are left out and counted in `nan_count`."""

    counts: np.ndarray
    edges: np.ndarray
    count: int
    nan_count: int
    mean: float
    std: float
    min: float
    max: float
    percentiles: dict[float, float]


def bins_for_width(columns: int) -> int:
    """A bin count that gives each bar at least two columns of a chart this wide."""
    return int(min(max(columns // 2, 4), 120))


def distribution(values: np.ndarray, bins: int) -> Distribution:
    """The histogram of `values` in `bins` equal bins between their min and max (population
    std; percentiles by linear interpolation, numpy's default)."""
    if not 1 <= bins <= MAX_BINS:
        raise ValueError(f"bins must be 1 to {MAX_BINS}, not {bins}")
    values = np.asarray(values, dtype=np.float64)
    finite = values[np.isfinite(values)] if not np.isfinite(values).all() else values
    nan_count = int(values.size - finite.size)
    if finite.size == 0:
        return Distribution(
            np.zeros(bins, np.int64),
            np.linspace(0, 1, bins + 1),
            0,
            nan_count,
            np.nan,
            np.nan,
            np.nan,
            np.nan,
            {p: np.nan for p in PERCENTILES},
        )
    lo, hi = float(finite.min()), float(finite.max())
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(finite, bins=bins, range=(lo, hi))
    levels = np.percentile(finite, PERCENTILES)
    return Distribution(
        counts,
        edges,
        int(finite.size),
        nan_count,
        float(finite.mean()),
        float(finite.std()),
        float(finite.min()),
        float(finite.max()),
        dict(zip(PERCENTILES, (float(v) for v in levels), strict=True)),
    )
