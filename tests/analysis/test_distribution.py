"""Histogram and percentiles against numpy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from perda_tui.analysis.distribution import (
    PERCENTILES,
    bins_for_width,
    distribution,
)


def test_matches_numpy_histogram_and_percentiles() -> None:
    values = np.random.default_rng(3).normal(5, 2, 50_000)
    values[::1000] = np.nan
    result = distribution(values, 40)
    finite = values[np.isfinite(values)]
    counts, edges = np.histogram(finite, bins=40)
    np.testing.assert_array_equal(result.counts, counts)
    np.testing.assert_allclose(result.edges, edges)
    assert result.count == finite.size and result.nan_count == 50
    assert result.mean == pytest.approx(finite.mean()) and result.std == pytest.approx(finite.std())
    np.testing.assert_allclose(
        [result.percentiles[p] for p in PERCENTILES], np.percentile(finite, PERCENTILES)
    )


def test_constant_and_empty_values() -> None:
    flat = distribution(np.full(10, 3.0), 4)
    assert flat.counts.sum() == 10 and flat.edges[0] < 3.0 < flat.edges[-1]
    empty = distribution(np.array([np.nan]), 4)
    assert empty.count == 0 and math.isnan(empty.mean)
    with pytest.raises(ValueError, match="bins must be"):
        distribution(np.zeros(3), 0)


def test_bins_follow_the_width() -> None:
    assert bins_for_width(80) == 40 and bins_for_width(4) == 4 and bins_for_width(1000) == 120
