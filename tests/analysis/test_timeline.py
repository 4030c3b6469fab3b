"""Alignment in blocks (and threads) against the straightforward rule: the union of the
timestamps (np.union1d) and np.interp of each signal there, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from perda_tui.analysis import timeline
from perda_tui.analysis.timeline import Aligned, align, values_on
from perda_tui.logs import Signal


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


@pytest.mark.parametrize("seed", range(3))
def test_blocks_spanning_too_long_for_tags_merge_timestamps_alone(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A block's tags take its low bits: the blocks around timestamps far apart (but
    exact as float64) merge the timestamps alone, the others use tags; same numbers."""
    monkeypatch.setattr(timeline, "BLOCK", 512)
    monkeypatch.setattr(timeline, "CHUNK", 1)
    monkeypatch.setattr(timeline, "THREADS", 2)
    merged = []
    merge = Aligned._merged
    monkeypatch.setattr(Aligned, "_merged", lambda *args: merged.append(1) or merge(*args))
    rng = np.random.default_rng(seed)
    far = 2**53
    ta = np.concatenate([[-far], jittered(rng, 3000), [far - 7, far - 7, far]])
    tb = np.unique(np.concatenate([[-far + 1], jittered(rng, 2500, 5), ta[5:-5:7], [far]]))
    signals = [Signal(ta, values(rng, ta.size), "a"), Signal(tb, values(rng, tb.size), "b")]
    assert_aligned_like_reference(signals)
    assert 0 < len(merged) < len(Aligned(signals)._edges()[0]) - 1


def test_signals_without_samples_are_refused() -> None:
    with pytest.raises(ValueError, match="each with samples"):
        Aligned([Signal([], [], "empty"), Signal([1], [1.0], "one")])
    with pytest.raises(ValueError, match="needs signals"):
        Aligned([])


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("seed", range(3))
def test_values_on_ascending_points_is_interp(seed: int) -> None:
    rng = np.random.default_rng(seed)
    own = np.sort(np.concatenate([jittered(rng, 60, 20), [45, 45, 45]]))
    signal = Signal(own, values(rng, own.size), "s")
    points = np.sort(np.concatenate([rng.integers(-50, 700, 120), own[::5]]))
    expected = np.interp(points, own, signal.values)
    np.testing.assert_array_equal(bits(values_on(signal, points)), bits(expected))
