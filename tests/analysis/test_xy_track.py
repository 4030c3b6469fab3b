"""XY density and the banded track map."""

from __future__ import annotations

import numpy as np
import pytest

from perda_tui.analysis.geo import track
from perda_tui.analysis.trackmap import BANDS, colour_signal, track_map
from perda_tui.analysis.xy import density, pairs
from perda_tui.logs import Signal
from tests.analysis.generated import make_log


def test_density_counts_every_point_like_histogram2d() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=100_000), rng.normal(size=100_000)
    x[:10] = np.nan
    result = density(x, y, 60, 40)
    ok = np.isfinite(x)
    expected, _, _ = np.histogram2d(
        y[ok], x[ok], bins=(40, 60), range=(result.y_range, result.x_range)
    )
    assert result.points == ok.sum() == result.counts.sum()
    np.testing.assert_array_equal(result.counts, expected)


def test_pairs_take_y_at_x_timestamps_in_the_window() -> None:
    x = Signal([0, 10, 20, 30], [1.0, 2.0, 3.0, 4.0], "x")
    y = Signal([0, 20, 40], [0.0, 20.0, 40.0], "y")
    xs, ys = pairs(x, y, 5, 30)
    assert xs.tolist() == [2.0, 3.0, 4.0] and ys.tolist() == [10.0, 20.0, 30.0]


def test_track_map_bands_follow_the_colour_signal() -> None:
    log = make_log()
    found = track(log)
    assert found is not None
    speed = colour_signal(log, ("gps.speed",))  # absent: the first "speed" signal
    assert speed is not None and speed.name == "car.speed"
    data = track_map(found, speed)
    values = np.interp(found.timestamps, speed.timestamps, speed.values)
    edges = np.linspace(values.min(), values.max(), BANDS + 1)
    expected = np.clip(np.digitize(values, edges[1:-1]), 0, BANDS - 1)
    np.testing.assert_allclose(data.edges, edges)
    assert (data.band == expected).mean() > 0.99  # edges may round either way
    plain = track_map(found, None)
    assert plain.colour == "" and set(plain.band.tolist()) == {0}


def test_density_of_nothing_and_of_only_nan() -> None:
    assert density(np.array([]), np.array([]), 4, 3).points == 0
    nan = np.full(5, np.nan)
    result = density(nan, np.arange(5.0), 4, 3)
    assert result.points == 0 and result.counts.shape == (3, 4) and result.counts.sum() == 0
    inf = density(np.array([1.0, np.inf, 2.0]), np.array([1.0, 1.0, 3.0]), 4, 3)
    assert inf.points == 2 and inf.x_range == (1.0, 2.0)


def test_density_and_pairs_in_blocks_equal_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted and interpolated block by block (7 points here), XY is still exactly
    np.histogram2d of (x, np.interp(y at x's timestamps))."""
    monkeypatch.setattr("perda_tui.analysis.timeline.BLOCK", 7)
    monkeypatch.setattr("perda_tui.analysis.xy.BLOCK", 7)
    rng = np.random.default_rng(5)
    tx = np.cumsum(rng.integers(1, 9, 500))
    ty = np.cumsum(rng.integers(1, 9, 400)) + 3
    x = Signal(tx, rng.normal(size=tx.size), "x")
    y = Signal(ty, rng.normal(size=ty.size), "y")
    xs, ys = pairs(x, y, None, None)
    np.testing.assert_array_equal(ys, np.interp(tx, ty, y.values))
    result = density(xs, ys, 5, 3)  # blocks of max(7, 4 * 15) points: 9 of them
    expected, _, _ = np.histogram2d(ys, xs, bins=(3, 5), range=(result.y_range, result.x_range))
    assert result.points == tx.size
    np.testing.assert_array_equal(result.counts, expected)


@pytest.mark.parametrize("threads", [1, 2])
def test_density_over_many_blocks_and_threads_is_histogram2d(
    threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ranges and counts found in blocks (and chunks of them on threads) are still exactly
    np.histogram2d over the finite points, a NaN or inf in any block dropped."""
    monkeypatch.setattr("perda_tui.analysis.xy.BLOCK", 4)
    monkeypatch.setattr("perda_tui.analysis.timeline.CHUNK", 3)
    monkeypatch.setattr("perda_tui.analysis.timeline.THREADS", threads)
    rng = np.random.default_rng(threads)
    x, y = rng.normal(size=2_000), rng.normal(size=2_000) * 3
    result = density(x, y, 4, 3)  # blocks of 4 * 20 points
    expected, _, _ = np.histogram2d(y, x, bins=(3, 4), range=(result.y_range, result.x_range))
    assert result.x_range == (x.min(), x.max()) and result.y_range == (y.min(), y.max())
    np.testing.assert_array_equal(result.counts, expected)
    x[[5, 1500]], y[900] = np.nan, -np.inf
    ok = np.isfinite(x) & np.isfinite(y)
    result = density(x, y, 4, 3)
    expected, _, _ = np.histogram2d(
        y[ok], x[ok], bins=(3, 4), range=(result.y_range, result.x_range)
    )
    assert result.points == ok.sum() == 1_997
    np.testing.assert_array_equal(result.counts, expected)


def test_a_grid_too_large_is_refused() -> None:
    with pytest.raises(ValueError, match="too large"):
        density(np.zeros(3), np.zeros(3), 100_000, 100_000)
