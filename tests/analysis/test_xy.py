"""XY density against the straightforward computation: y by np.interp over all its
samples at x's timestamps in the window (sample by sample if logged with x), the axes
from the finite values (x's in the window; y's in the window and one more on each side),
every finite pair counted in the pixel floor((v - low) * pixels / (high - low)) (the far
edge in the last pixel)."""

from __future__ import annotations

import numpy as np
import pytest

from perda_tui.analysis import timeline, xy
from perda_tui.analysis.xy import Density, xy_density
from perda_tui.analysis.xy_kernel import count_points
from perda_tui.logs import Signal

# each test runs with the kernel interpreted and compiled (tests/analysis/conftest.py)
pytestmark = pytest.mark.usefixtures("kernels")


def axis(values: np.ndarray) -> tuple[float, float] | None:
    finite = values[np.isfinite(values)]
    if not finite.size:
        return None
    lo, hi = float(finite.min()), float(finite.max())
    return (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)


def pixel(values: np.ndarray, bounds: tuple[float, float], pixels: int) -> np.ndarray:
    scaled = (values - bounds[0]) * (pixels / (bounds[1] - bounds[0]))
    return np.clip(np.floor(scaled), 0, pixels - 1).astype(np.int64)


def reference(
    x: Signal, y: Signal, start: float | None, end: float | None, columns: int, rows: int
) -> Density:
    window = x.trim(start, end)
    t, xs, own = window.timestamps, window.values, y.timestamps
    empty = Density(np.zeros((rows, columns), np.int64), (0.0, 1.0), (0.0, 1.0), 0)
    if not t.size or not own.size:
        return empty
    if np.array_equal(x.timestamps, own):  # logged together: sample by sample
        ys = y.trim(start, end).values
    else:
        ys = np.interp(t, own, y.values)
    before = np.flatnonzero(own < t[0])[-1:]
    inside = np.flatnonzero((own >= t[0]) & (own <= t[-1]))
    after = np.flatnonzero(own > t[-1])[:1]
    x_range = axis(xs)
    y_range = axis(y.values[np.concatenate([before, inside, after])])
    if x_range is None or y_range is None:
        return empty
    ok = np.isfinite(xs) & np.isfinite(ys)
    index = pixel(ys[ok], y_range, rows) * columns + pixel(xs[ok], x_range, columns)
    counts = np.bincount(index, minlength=rows * columns).reshape(rows, columns)
    return Density(counts, x_range, y_range, int(ok.sum())) if ok.any() else empty


def assert_like_reference(
    x: Signal, y: Signal, start: float | None, end: float | None, columns: int, rows: int
) -> Density:
    got = xy_density(x, y, start, end, columns, rows)
    want = reference(x, y, start, end, columns, rows)
    assert (got.x_range, got.y_range, got.points) == (want.x_range, want.y_range, want.points)
    np.testing.assert_array_equal(got.counts, want.counts)
    assert got.counts.sum() == got.points
    return got


def jittered(rng: np.random.Generator, count: int, offset: int = 0) -> np.ndarray:
    return offset + np.arange(count) * 10 + rng.integers(0, 3, count)


@pytest.fixture(params=[1, 2], ids=["one-thread", "two-threads"])
def small_blocks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of 7 points, counted in int32 for 20 points at most, ranges 8 values at a time
    in chunks of 3 blocks, on one or two threads: the same numbers as in one pass."""
    threads = request.param
    monkeypatch.setattr(xy, "PART", 7)
    monkeypatch.setattr(xy, "INT32_POINTS", 20)
    monkeypatch.setattr(xy, "BLOCK", 8)
    monkeypatch.setattr(timeline, "CHUNK", 3)
    monkeypatch.setattr(timeline, "THREADS", threads)


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("seed", range(3))
def test_density_is_interp_counted_per_pixel(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = Signal(jittered(rng, 700), rng.normal(size=700), "x")
    y = Signal(jittered(rng, 500, offset=-40), rng.normal(size=500) * 3, "y")
    assert_like_reference(x, y, None, None, 5, 3)
    result = assert_like_reference(x, y, 1234.5, 5000, 4, 6)  # a window inside both
    assert result.points == np.count_nonzero((x.timestamps >= 1235) & (x.timestamps <= 5000))
    assert_like_reference(x, y, -100, 2, 3, 3)  # y flat before its first sample
    assert_like_reference(x, y, 6000, None, 3, 3)  # and after its last
    for step in (2, 140):  # y far denser, and far sparser, than x
        t = np.arange(-50, 7100, step)
        assert_like_reference(x, Signal(t, rng.normal(size=t.size), "y"), 500, 6500, 4, 4)


@pytest.mark.usefixtures("small_blocks")
def test_density_matches_histogram2d_on_the_same_axes() -> None:
    rng = np.random.default_rng(7)
    x = Signal(jittered(rng, 900), rng.normal(size=900), "x")
    y = Signal(jittered(rng, 900, offset=5), rng.normal(size=900), "y")
    result = xy_density(x, y, None, None, 6, 4)
    ys = np.interp(x.timestamps, y.timestamps, y.values)
    expected, _, _ = np.histogram2d(
        ys, x.values, bins=(4, 6), range=(result.y_range, result.x_range)
    )
    np.testing.assert_array_equal(result.counts, expected)


def test_the_y_axis_spans_the_samples_around_the_window() -> None:
    """y's extremes just outside the window widen its axis (interpolated points can reach
    towards them); samples further out do not."""
    x = Signal([10, 20, 30], [1.0, 2.0, 3.0], "x")
    y = Signal([0, 5, 15, 25, 35, 40], [-99.0, -8.0, 1.0, 2.0, 9.0, 99.0], "y")
    result = assert_like_reference(x, y, None, None, 4, 4)
    assert result.y_range == (-8.0, 9.0) and result.x_range == (1.0, 3.0)
    # a window whose points are y's own timestamps: its samples there and one on each side
    on = Signal([5, 15, 25], [1.0, 2.0, 3.0], "x")
    assert xy_density(on, y, None, None, 4, 4).y_range == (-99.0, 9.0)


@pytest.mark.usefixtures("small_blocks")
def test_y_logged_with_x_is_taken_as_it_is() -> None:
    rng = np.random.default_rng(3)
    t = jittered(rng, 300)
    x = Signal(t, rng.normal(size=300), "x")
    y = Signal(t, rng.normal(size=300), "y")
    assert_like_reference(x, y, None, None, 5, 5)
    assert_like_reference(x, y, t[17], t[250] - 1, 5, 5)
    duplicated = np.sort(np.concatenate([t[:100], t[:100]]))
    assert_like_reference(
        Signal(duplicated, rng.normal(size=200), "x"),
        Signal(duplicated, rng.normal(size=200), "y"),
        duplicated[3],
        None,
        3,
        3,
    )


@pytest.mark.usefixtures("small_blocks")
def test_nan_and_inf_are_left_out_of_points_and_axes() -> None:
    rng = np.random.default_rng(4)
    x = Signal(jittered(rng, 200), rng.normal(size=200), "x")
    y = Signal(jittered(rng, 200, offset=3), rng.normal(size=200), "y")
    x.values[[0, 50, 51]] = [np.nan, np.inf, -np.inf]
    y.values[[10, 120]] = [np.nan, np.inf]
    result = assert_like_reference(x, y, None, None, 4, 3)
    assert result.points < 200 - 3
    assert np.isfinite([*result.x_range, *result.y_range]).all()


def test_a_point_on_a_sample_next_to_an_inf_takes_the_sample() -> None:
    """As `np.interp`: a point at a sample's own time is its value, not 0 * inf."""
    x = Signal([0, 5, 10, 20], [1.0, 2.0, 3.0, 4.0], "x")
    y = Signal([0, 10, 20], [1.0, np.inf, 2.0], "y")
    result = assert_like_reference(x, y, None, None, 3, 3)
    assert result.points == 2  # at 0 and 20; at 5 and 10, inf


def test_values_whose_differences_overflow_are_still_placed() -> None:
    x = Signal([0, 10, 20, 30], [1.0, 2.0, 3.0, 4.0], "x")
    y = Signal([5, 15, 25], [-1.5e308, 1.5e308, 0.0], "y")
    result = xy_density(x, y, None, None, 3, 3)
    # y at 10 is inf (the slope overflows): left out; at 0, 20 and 30: -1.5e308 (flat
    # before the first sample), 7.5e307 and 0, on an axis from -1.5e308 to 1.5e308
    assert result.points == 3 and result.y_range == (-1.5e308, 1.5e308)
    expected = np.zeros((3, 3), np.int64)
    expected[0, 0] = expected[2, 2] = expected[1, 2] = 1
    np.testing.assert_array_equal(result.counts, expected)


def test_a_narrow_range_of_large_values_stays_on_the_grid() -> None:
    """Interpolating rounds by an ulp, here wider than a pixel: such points are clipped to
    the edge pixel, as the reference does."""
    rng = np.random.default_rng(5)
    t = np.arange(0, 4000, 10)
    x = Signal(t, rng.normal(size=t.size), "x")
    y = Signal(t + 3, 1e17 + rng.integers(0, 4, t.size) * 16.0, "y")
    assert_like_reference(x, y, None, None, 5, 200)
    constant = xy_density(x, Signal(t, np.full(t.size, 1e17), "y"), None, None, 3, 3)
    assert constant.points == t.size and constant.y_range[0] < 1e17 < constant.y_range[1]
    assert constant.counts[1].sum() == t.size  # the middle row


@pytest.mark.usefixtures("small_blocks")
def test_timestamps_beyond_2_53_are_compared_as_float64() -> None:
    """As `np.interp` compares them: rounded, so y's samples past the window may count."""
    big = 2**60
    x = Signal(big + np.arange(0, 2000, 10), np.arange(200.0), "x")
    y = Signal(big + np.arange(5, 2005, 7), np.sin(np.arange(286.0)), "y")
    assert_like_reference(x, y, None, None, 4, 4)
    y.values[[0, 200]] = np.nan
    assert_like_reference(x, y, big + 100, big + 1000, 4, 4)


def test_empty_windows_single_samples_and_missing_values() -> None:
    x = Signal([10, 20, 30], [1.0, 2.0, 3.0], "x")
    y = Signal([15], [7.0], "y")
    outside = xy_density(x, y, 100, 200, 4, 3)
    assert outside.points == 0 and outside.counts.shape == (3, 4) and not outside.counts.any()
    nothing = xy_density(x, Signal([], [], "y"), None, None, 4, 3)
    assert nothing.points == 0 and nothing.counts.shape == (3, 4) and not nothing.counts.any()
    one = assert_like_reference(x, y, None, None, 4, 3)  # y flat at its only sample
    assert one.y_range == (6.5, 7.5) and one.points == 3
    single = assert_like_reference(x, y, 20, 20, 4, 3)
    assert single.x_range == (1.5, 2.5) and single.counts[1, 2] == 1
    all_nan = Signal([10, 20, 30], [np.nan] * 3, "x")
    assert xy_density(all_nan, y, None, None, 4, 3).points == 0
    assert xy_density(x, Signal([15], [np.nan], "y"), None, None, 4, 3).points == 0


def test_a_grid_too_large_or_empty_is_refused() -> None:
    x = Signal([0, 1], [0.0, 1.0], "x")
    with pytest.raises(ValueError, match="too large"):
        xy_density(x, x, None, None, 100_000, 100_000)
    with pytest.raises(ValueError, match="at least one"):
        xy_density(x, x, None, None, 0, 3)


@pytest.mark.usefixtures("small_blocks")
def test_parts_that_start_inside_runs_of_equal_timestamps() -> None:
    """Each part finds y's sample before its first point itself: a part starting within
    a run of repeated timestamps (x's, y's, or both) takes the run's last y sample, as
    `np.interp` does."""
    rng = np.random.default_rng(6)
    runs = np.repeat(np.arange(0, 600, 10), rng.integers(1, 6, 60))
    x = Signal(runs, rng.normal(size=runs.size), "x")
    y_runs = np.repeat(np.arange(-5, 620, 5), 3)
    for y_times in (y_runs, y_runs + 1, runs):
        y = Signal(y_times, rng.normal(size=y_times.size), "y")
        assert_like_reference(x, y, None, None, 4, 5)
        assert_like_reference(x, y, 95, 437, 3, 7)


@pytest.mark.usefixtures("small_blocks")
def test_a_single_y_sample_is_held_on_both_sides() -> None:
    x = Signal(np.arange(0, 500, 10), np.arange(50.0), "x")
    y = Signal([245], [3.0], "y")
    result = assert_like_reference(x, y, None, None, 5, 3)
    assert result.points == 50 and result.counts[1].sum() == 50


@pytest.mark.usefixtures("small_blocks")
def test_read_only_arrays_as_a_stored_log_maps_them() -> None:
    rng = np.random.default_rng(8)
    x = Signal(jittered(rng, 300), rng.normal(size=300), "x")
    y = Signal(jittered(rng, 200, offset=7), rng.normal(size=200), "y")
    for array in (x.timestamps, x.values, y.timestamps, y.values):
        array.flags.writeable = False
    assert_like_reference(x, y, None, None, 4, 4)
    assert_like_reference(x, Signal(x.timestamps, y.values[:1].repeat(300), "y"), 9, None, 4, 4)


def test_a_pixel_too_narrow_for_float64_takes_its_edge() -> None:
    """x spans the smallest double: its pixels' scale overflows to inf, and x's low end
    ((0 - 0) * inf, NaN) goes to the first pixel, its high end to the last."""
    x = Signal([0, 10, 20], [0.0, 5e-324, 0.0], "x")
    y = Signal([0, 10, 20], [1.0, 2.0, 3.0], "y")
    result = xy_density(x, y, None, None, 4, 2)
    assert result.x_range == (0.0, 5e-324) and result.points == 3
    expected = np.zeros((2, 4), np.int64)
    expected[0, 0] = expected[1, 0] = expected[1, 3] = 1
    np.testing.assert_array_equal(result.counts, expected)


def test_the_kernel_keeps_its_indexes_inside_its_arrays() -> None:
    """Parts past the ends, no samples, counts too small for the grid (or a grid whose
    size overflows), unsorted samples: nothing is read or counted outside the arrays."""
    xs, times = np.arange(6.0), np.arange(6, dtype=np.int64)
    own, values = np.array([5, 1, 3, 2], dtype=np.int64), np.arange(4.0)
    axis = (1.0, 0.0, 1.0)

    def count(
        own: np.ndarray,
        values: np.ndarray,
        part: tuple[int, int],
        cells: int = 12,
        grid: tuple[int, int] = (4, 3),
    ) -> np.ndarray:
        counts = np.zeros(cells, np.int32)
        count_points(xs, times, own, values, False, axis, axis, grid, part, counts)
        return counts

    assert count(own, values, (-5, 100)).sum() == 6  # unsorted: some values, in range
    for empty in ((4, 2), (7, 9), (-3, -1)):
        assert count(own, values, empty).sum() == 0
    assert count(own[:0], values[:0], (0, 6)).sum() == 0
    # only as many samples as values: y is 0 (row 0) at every point
    np.testing.assert_array_equal(count(own, values[:1], (0, 6))[:4], [1, 1, 1, 3])
    assert count(own, values, (0, 6), cells=11).sum() == 0
    assert count(own, values, (0, 6), grid=(2**32, 2**32)).sum() == 0  # 2**64 cells: 0
