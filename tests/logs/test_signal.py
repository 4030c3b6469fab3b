"""Signal: construction, trim, stats against numpy, arithmetic aligned on time."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perda_tui.logs import Signal


def test_constructor_sorts_and_types() -> None:
    s = Signal([30, 10, 20], [3, 1, 2], name="x", id=4, time_unit="ms")
    assert s.timestamps.dtype == np.int64 and s.values.dtype == np.float64
    assert s.timestamps.tolist() == [10, 20, 30] and s.values.tolist() == [1, 2, 3]
    assert s.seconds_per_unit == 1e-3 and len(s) == 3 and s.id == 4


def test_constructor_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="2 timestamps but 3 values"):
        Signal([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="time_unit"):
        Signal([1], [1], time_unit="s")


def test_trim_is_inclusive() -> None:
    s = Signal([0, 10, 20, 30], [0, 1, 2, 3], name="x")
    assert s.trim(10, 20).timestamps.tolist() == [10, 20]
    assert s.trim(11, 19).values.tolist() == []
    assert s.trim(None, 10).values.tolist() == [0, 1]
    assert s.trim(25).name == "x"


@given(
    st.lists(st.tuples(st.integers(0, 10**9), st.floats(-1e6, 1e6)), min_size=1, max_size=200),
    st.integers(0, 10**9),
    st.integers(0, 10**9),
)
def test_stats_equal_numpy(samples, a, b) -> None:
    start, end = min(a, b), max(a, b)
    s = Signal([t for t, _ in samples], [v for _, v in samples], time_unit="us")
    stats = s.stats(start, end)
    t = np.array(sorted(t for t, _ in samples))
    mask = (s.timestamps >= start) & (s.timestamps <= end)
    values = s.values[mask]
    assert stats.count == values.size
    if values.size:
        assert stats.min == values.min() and stats.max == values.max()
        assert stats.mean == pytest.approx(values.mean()) and stats.std == pytest.approx(
            values.std()
        )
        window = t[(t >= start) & (t <= end)]
        assert (stats.first_time, stats.last_time) == (window[0], window[-1])
        span = (window[-1] - window[0]) * 1e-6
        if span > 0:
            assert stats.rate_hz == pytest.approx((values.size - 1) / span)
    else:
        assert math.isnan(stats.mean) and stats.first_time is None


def test_rate_in_hz() -> None:
    s = Signal(np.arange(0, 1_000_001, 10_000), np.zeros(101), time_unit="us")
    assert s.stats().rate_hz == pytest.approx(100.0)
    assert Signal(np.arange(0, 1001, 100), np.zeros(11), time_unit="ms").stats().rate_hz == 10.0


def test_arithmetic_aligns_on_the_union_of_timestamps() -> None:
    a = Signal([0, 10, 20], [0.0, 10.0, 20.0], name="a")
    b = Signal([5, 15], [100.0, 200.0], name="b")
    mean = (a + b) / 2
    assert mean.timestamps.tolist() == [0, 5, 10, 15, 20]
    # a interpolated: 0,5,10,15,20; b flat outside, linear inside: 100,100,150,200,200
    assert mean.values.tolist() == [50.0, 52.5, 80.0, 107.5, 110.0]
    assert mean.name == "((a + b) / 2)"
    assert (a - b).values.tolist() == [-100.0, -95.0, -140.0, -185.0, -180.0]
    assert (a * b).values[2] == 1500.0


def test_scalar_arithmetic_and_unary() -> None:
    a = Signal([1, 2], [2.0, 4.0], name="a", id=3)
    assert (a + 1).values.tolist() == [3.0, 5.0]
    assert (1 - a).values.tolist() == [-1.0, -3.0]
    assert (8 / a).values.tolist() == [4.0, 2.0]
    assert (a / 0).values.tolist() == [math.inf, math.inf]
    assert (-a).values.tolist() == [-2.0, -4.0] and abs(-a).values.tolist() == [2.0, 4.0]
    assert (2 * a).timestamps.tolist() == [1, 2]


def test_arithmetic_refuses_mixed_units_and_other_types() -> None:
    with pytest.raises(ValueError, match="different time units"):
        Signal([1], [1], time_unit="us") + Signal([1], [1], time_unit="ms")
    with pytest.raises(TypeError):
        Signal([1], [1]) + "x"


def test_window_bounds_may_be_fractional_or_infinite() -> None:
    s = Signal([0, 10, 20, 30], [0, 1, 2, 3])
    assert s.trim(9.5, 20.5).timestamps.tolist() == [10, 20]
    assert s.trim(10.5, 19.99).timestamps.tolist() == []
    assert s.trim(-math.inf, math.inf).timestamps.tolist() == [0, 10, 20, 30]
    assert s.stats(-1e300, 1e300).count == 4
    with pytest.raises(ValueError, match="NaN"):
        s.trim(math.nan, 5)
