"""Alignment in blocks (and threads) against the straightforward rule: the union of the
timestamps (np.union1d) and np.interp of each signal there, bit for bit; and its compiled
loops on their own."""

from __future__ import annotations

import numpy as np
import pytest

from perda_tui.analysis import timeline
from perda_tui.analysis.timeline import Aligned, align, values_on
from perda_tui.analysis.timeline_kernels import interpolate, interpolate_floats, merge
from perda_tui.logs import Signal

# each test runs with the kernels interpreted and compiled (tests/analysis/conftest.py)
pytestmark = pytest.mark.usefixtures("kernels")


def reference(signals: list[Signal]) -> tuple[np.ndarray, list[np.ndarray]]:
    union = np.union1d(signals[0].timestamps, signals[0].timestamps)
    for s in signals[1:]:
        union = np.union1d(union, s.timestamps)
    return union, [np.interp(union, s.timestamps, s.values) for s in signals]


def bits(values: np.ndarray) -> np.ndarray:
    """The float64 values' bit patterns (NaN payloads and the sign of zero included)."""
    return np.ascontiguousarray(values).view(np.int64)


def assert_aligned_like_reference(signals: list[Signal]) -> None:
    expected_t, expected = reference(signals)
    t, values = align(signals)
    np.testing.assert_array_equal(t, expected_t)
    for got, want in zip(values, expected, strict=True):
        np.testing.assert_array_equal(bits(got), bits(want))


@pytest.fixture(params=[(3, 1), (5, 2), (64, 2)], ids=["block3", "block5-threads", "block64"])
def small_blocks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    block, threads = request.param
    monkeypatch.setattr(timeline, "BLOCK", block)
    monkeypatch.setattr(timeline, "CHUNK", 2)
    monkeypatch.setattr(timeline, "THREADS", threads)


def jittered(rng: np.random.Generator, count: int, offset: int = 0) -> np.ndarray:
    return offset + np.arange(count) * 10 + rng.integers(0, 3, count)


def values(rng: np.random.Generator, count: int) -> np.ndarray:
    v = rng.normal(size=count)
    v[rng.choice(count, min(count, 3), replace=False)] = [np.nan, np.inf, -0.0][: min(count, 3)]
    return v


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("seed", range(4))
def test_interleaved_tied_and_repeated_timestamps(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ta = jittered(rng, 200)
    tb = np.unique(np.concatenate([jittered(rng, 150, 5), ta[::9]]))  # some in common
    tc = np.sort(np.repeat(jittered(rng, 40, 3), 2))  # every timestamp twice
    signals = [
        Signal(ta, values(rng, ta.size), "a"),
        Signal(tb, values(rng, tb.size), "b"),
        Signal(tc, values(rng, tc.size), "c"),
        Signal(ta, values(rng, ta.size), "a2"),  # shares a's timeline
    ]
    assert_aligned_like_reference(signals)


@pytest.mark.usefixtures("small_blocks")
def test_ranges_that_do_not_overlap_and_single_samples() -> None:
    rng = np.random.default_rng(9)
    early = Signal(np.arange(0, 100, 3), rng.normal(size=34), "early")
    late = Signal(np.arange(500, 700, 7), rng.normal(size=29), "late")
    one = Signal([250], [4.0], "one")
    assert_aligned_like_reference([early, late])
    assert_aligned_like_reference([late, one, early])
    assert_aligned_like_reference([one, Signal([250], [5.0], "same time")])


@pytest.mark.usefixtures("small_blocks")
def test_shared_timeline_is_returned_as_is() -> None:
    t = np.arange(50) * 4
    a, b = Signal(t, np.arange(50.0), "a"), Signal(t.copy(), -np.arange(50.0), "b")
    union, (va, vb) = align([a, b])
    assert union is a.timestamps and va is a.values and vb is b.values
    aligned = Aligned([a, b])
    (total,) = aligned.fill(lambda parts: [parts[0] + parts[1]], 1)
    np.testing.assert_array_equal(total, np.zeros(50))


@pytest.mark.usefixtures("small_blocks")
def test_timestamps_beyond_float64_precision_take_the_whole_array_way() -> None:
    base = 2**60
    a = Signal(base + np.arange(0, 90, 3), np.arange(30.0), "a")
    b = Signal(base + np.arange(1, 90, 4), np.arange(23.0), "b")
    assert_aligned_like_reference([a, b])


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("seed", range(3))
def test_timestamps_far_apart_and_at_the_ends_of_int64(seed: int) -> None:
    """Blocks spanning most of the int64 range, timestamps that round to one float64."""
    rng = np.random.default_rng(seed)
    top, far = np.iinfo(np.int64).max, 2**53
    ta = np.concatenate([[-top - 1, -far], jittered(rng, 300), [far - 7, far - 7, far, top]])
    tb = np.unique(np.concatenate([[-far + 1], jittered(rng, 250, 5), ta[5:-5:7], [top - 1]]))
    signals = [Signal(ta, values(rng, ta.size), "a"), Signal(tb, values(rng, tb.size), "b")]
    assert_aligned_like_reference(signals)


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("seed", range(3))
def test_block_edges_inside_runs_of_repeated_timestamps(seed: int) -> None:
    """Runs longer than a block: a block takes a whole run, of every timeline."""
    rng = np.random.default_rng(seed)
    ta = np.repeat(jittered(rng, 30), rng.integers(1, 12, 30))
    tb = np.sort(np.concatenate([np.repeat(ta[::4], 5), jittered(rng, 20, 1)]))
    signals = [Signal(ta, values(rng, ta.size), "a"), Signal(tb, values(rng, tb.size), "b")]
    assert_aligned_like_reference(signals)


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("count", [3, 4, 5])
def test_more_than_two_timelines_merge_in_turns(count: int) -> None:
    rng = np.random.default_rng(count)
    stamps = [np.sort(rng.integers(0, 400, rng.integers(1, 90))) for _ in range(count)]
    assert_aligned_like_reference([Signal(t, values(rng, t.size), "s") for t in stamps])


@pytest.mark.usefixtures("small_blocks")
def test_read_only_and_strided_arrays() -> None:
    """A log's arrays may be read-only, a signal's arrays views with a stride."""
    rng = np.random.default_rng(4)
    ta, tb = jittered(rng, 80), jittered(rng, 120, 4)[::2]
    va, vb = values(rng, ta.size), values(rng, 2 * tb.size)[::2]
    for array in (ta, va):
        array.flags.writeable = False
    assert_aligned_like_reference([Signal(ta, va, "read-only"), Signal(tb, vb, "strided")])


def test_signals_without_samples_are_refused() -> None:
    with pytest.raises(ValueError, match="each with samples"):
        Aligned([Signal([], [], "empty"), Signal([1], [1.0], "one")])
    with pytest.raises(ValueError, match="needs signals"):
        Aligned([])


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("base", [0, 2**60], ids=["exact", "beyond-2**53"])
def test_values_on_ascending_points_is_interp(seed: int, base: int) -> None:
    rng = np.random.default_rng(seed)
    own = base + np.sort(np.concatenate([jittered(rng, 60, 20), [45, 45, 45]]))
    points = base + np.sort(np.concatenate([rng.integers(-50, 700, 120), own[::5] - base]))
    for signal in (Signal(own, values(rng, own.size), "s"), Signal(own[:1], [2.0], "one")):
        expected = np.interp(points, signal.timestamps, signal.values)
        np.testing.assert_array_equal(bits(values_on(signal, points)), bits(expected))


@pytest.mark.parametrize("seed", range(4))
def test_merge_is_union1d(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for a_size, b_size in [(0, 0), (0, 5), (5, 0), (1, 1), (40, 70), (300, 3)]:
        a = np.sort(rng.integers(-20, 20, a_size))
        b = np.sort(rng.integers(-20, 20, b_size))
        out = np.empty(a.size + b.size, np.int64)
        size = merge(a, b, out)
        np.testing.assert_array_equal(out[:size], np.union1d(a, b))


def test_kernels_refuse_outputs_too_small() -> None:
    t = np.arange(4, dtype=np.int64)
    with pytest.raises(ValueError, match="too small"):
        merge(t, t, np.empty(7, np.int64))
    with pytest.raises(ValueError, match="do not match"):
        interpolate(t, np.zeros(4), t, np.empty(3))
    with pytest.raises(ValueError, match="do not match"):
        interpolate(t[:0], np.zeros(0), t, np.empty(4))


@pytest.mark.parametrize("seed", range(4))
def test_interpolate_is_interp_for_every_kind_of_value(seed: int) -> None:
    """Neighbours NaN, inf of either sign, equal, zeros of either sign; points before,
    on (repeated), between and after the samples, and the ends of int64; float points
    too (halves, thirds, infinities)."""
    rng = np.random.default_rng(seed)
    kinds = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.0, 1e308, -1e308])
    for size in [1, 2, 3, 5, 400]:
        xp = np.sort(rng.integers(-100, 100, size))
        fp = rng.choice(kinds, size)
        x = np.sort(np.concatenate([rng.integers(-120, 120, 300), xp[::3]]))
        top = np.iinfo(np.int64).max
        ends = np.array([-top - 1, -(2**62), 2**62, top])
        for points in (x, x[:0], x[:1], ends):
            out = np.empty(points.size)
            interpolate(xp, fp, points, out)
            np.testing.assert_array_equal(bits(out), bits(np.interp(points, xp, fp)))
        halves = np.sort(np.concatenate([x + 0.5, x / 3, [-np.inf, np.inf], ends * 1.0]))
        out = np.empty(halves.size)
        interpolate_floats(xp, fp, halves, out)
        np.testing.assert_array_equal(bits(out), bits(np.interp(halves, xp, fp)))
