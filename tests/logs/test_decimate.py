"""Decimation: the min and max of every column are exact; empty columns are NaN."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perda_tui.logs import Signal, decimate


def naive(signal: Signal, t0: float, t1: float, columns: int):
    edges = np.linspace(t0, t1, columns + 1)
    mins, maxs = [], []
    for i in range(columns):
        last = i == columns - 1
        inside = (signal.timestamps >= edges[i]) & (
            (signal.timestamps <= edges[i + 1]) if last else (signal.timestamps < edges[i + 1])
        )
        chosen = signal.values[inside]
        mins.append(np.nanmin(chosen) if chosen.size and not np.isnan(chosen).all() else np.nan)
        maxs.append(np.nanmax(chosen) if chosen.size and not np.isnan(chosen).all() else np.nan)
    return np.array(mins), np.array(maxs)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-1000, 1000), st.floats(-1e9, 1e9)), max_size=300),
    st.integers(-1200, 1200),
    st.integers(1, 2400),
    st.integers(1, 60),
)
def test_min_and_max_of_every_column_are_exact(samples, t0, width, columns) -> None:
    signal = Signal([t for t, _ in samples], [v for _, v in samples])
    times, mins, maxs = decimate(signal, t0, t0 + width, columns)
    expected_min, expected_max = naive(signal, t0, t0 + width, columns)
    np.testing.assert_array_equal(mins, expected_min)
    np.testing.assert_array_equal(maxs, expected_max)
    assert times.size == columns
    np.testing.assert_allclose(np.diff(times), width / columns)


def test_spike_survives_and_gaps_are_nan() -> None:
    t = np.concatenate([np.arange(0, 1000), np.arange(5000, 10000)])
    v = np.zeros(t.size)
    v[3000] = 99.0
    times, mins, maxs = decimate(Signal(t, v), 0, 10000, 10)
    assert np.nanmax(maxs) == 99.0 and np.nanmin(mins) == 0.0
    assert np.isnan(mins[1:5]).all() and np.isnan(maxs[1:5]).all()
    assert not np.isnan(mins[0]) and not np.isnan(mins[5:]).any()
    assert times[0] == 500.0 and times[-1] == 9500.0


def test_nan_samples_are_ignored() -> None:
    _, mins, maxs = decimate(Signal([0, 1, 2], [np.nan, 1.0, 3.0]), 0, 2, 1)
    assert (mins[0], maxs[0]) == (1.0, 3.0)


def test_bad_arguments() -> None:
    s = Signal([0, 1], [0, 1])
    with pytest.raises(ValueError, match="columns"):
        decimate(s, 0, 1, 0)
    with pytest.raises(ValueError, match="empty window"):
        decimate(s, 1, 1, 10)
