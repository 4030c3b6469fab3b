"""The decimation pyramid agrees with the log engine's exact `decimate`."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perda_tui.charts.envelope import BLOCK, Envelope, index_at
from perda_tui.logs import Signal, decimate


def noisy(n: int, step: int = 1, seed: int = 3) -> Signal:
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=np.int64) * step
    return Signal(t, np.cumsum(rng.normal(size=n)), name="x", time_unit="us")


def test_narrow_windows_are_decimated_exactly() -> None:
    signal = noisy(200_000)
    envelope = Envelope(signal)
    t0, t1 = 50_000.5, 60_000.25  # 10,000 samples over 200 columns: below the pyramid
    got = envelope.decimate(t0, t1, 200)
    want = decimate(signal, t0, t1, 200)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("columns", [50, 200])
def test_wide_windows_on_block_edges_equal_the_exact_envelope(columns: int) -> None:
    per_column = BLOCK * 16 * 5  # column edges fall on block starts at every level
    n = columns * per_column
    signal = noisy(n)
    got = Envelope(signal).decimate(0, n, columns)
    want = decimate(signal, 0, n, columns)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)


def test_wide_windows_keep_every_extreme() -> None:
    signal = noisy(3_000_000, step=7)
    t0, t1 = 1_234_567.0, 19_876_543.0
    times, mins, maxs = Envelope(signal).decimate(t0, t1, 180)
    inside = signal.values[(signal.timestamps >= t0) & (signal.timestamps <= t1)]
    # blocks at the window edges may add a few samples from outside, never lose one
    assert np.nanmin(mins) <= inside.min()
    assert np.nanmax(maxs) >= inside.max()
    exact_t, exact_min, exact_max = decimate(signal, t0, t1, 180)
    np.testing.assert_array_equal(times, exact_t)
    span = np.nanmax(exact_max) - np.nanmin(exact_min)
    assert np.nanmax(np.abs(mins - exact_min)) < 0.2 * span


def test_nan_samples_are_ignored_like_decimate_does() -> None:
    signal = noisy(BLOCK * 64 * 16)
    signal.values[::3] = np.nan
    _, mins, maxs = Envelope(signal).decimate(0, len(signal), 16)
    assert not np.isnan(mins).any() and not np.isnan(maxs).any()


def test_empty_columns_are_nan() -> None:
    t = np.concatenate([np.arange(0, 500_000), np.arange(800_000, 1_000_000)]).astype(np.int64)
    signal = Signal(t, np.ones(len(t)), name="gap")
    times, mins, _ = Envelope(signal).decimate(0, 1_000_000, 100)
    centres_in_gap = (times > 500_000) & (times < 800_000)
    assert np.isnan(mins[centres_in_gap]).all()
    assert not np.isnan(mins[~centres_in_gap]).any()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(-50, 50), min_size=1, max_size=60),  # ties are likely
    st.data(),
)
def test_exact_path_equals_decimate(raw: list[int], data: st.DataObject) -> None:
    """The numpy exact path (narrow windows) gives `decimate`'s answer bit for bit:
    NaN samples, empty and all-NaN columns, repeated timestamps, windows partly outside."""
    timestamps = np.sort(np.array(raw, dtype=np.int64))
    values = np.array(
        data.draw(
            st.lists(
                st.one_of(st.floats(-1e6, 1e6), st.just(math.nan)),
                min_size=len(raw),
                max_size=len(raw),
            )
        )
    )
    signal = Signal(timestamps, values, name="x")
    t0 = data.draw(st.floats(-80, 80, allow_nan=False))
    t1 = t0 + data.draw(st.floats(1e-3, 120, allow_nan=False))
    columns = data.draw(st.integers(1, 40))
    got = Envelope(signal).exact(t0, t1, columns)
    want = decimate(signal, t0, t1, columns)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)


def test_exact_path_of_one_sample_and_bad_windows() -> None:
    signal = Signal(np.array([5], dtype=np.int64), np.array([2.5]), name="one")
    _, mins, maxs = Envelope(signal).exact(0, 10, 4)
    np.testing.assert_array_equal(mins, [np.nan, np.nan, 2.5, np.nan])
    np.testing.assert_array_equal(maxs, mins)
    with pytest.raises(ValueError, match="columns"):
        Envelope(signal).exact(0, 10, 0)
    with pytest.raises(ValueError, match="empty window"):
        Envelope(signal).exact(3, 3, 4)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(-1000, 1000), min_size=0, max_size=50),
    st.floats(-2000, 2000, allow_nan=False),
    st.sampled_from(["left", "right"]),
)
def test_index_at_matches_float_searchsorted(raw: list[int], t: float, side: str) -> None:
    timestamps = np.sort(np.array(raw, dtype=np.int64))
    assert index_at(timestamps, t, side) == int(
        np.searchsorted(timestamps.astype(np.float64), t, side=side)
    )
