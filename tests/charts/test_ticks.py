"""Axis ticks: round 1-2-5 numbers, minutes and wall-clock times."""

from __future__ import annotations

import math
import re
from datetime import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perda_tui.charts.raster import BRAILLE_BITS, braille_bits, line_dots
from perda_tui.charts.ticks import clock_ticks, minute_ticks, nice_step, nice_ticks


@pytest.mark.parametrize("span", [0.0007, 0.3, 1.0, 7.3, 42.0, 962.0, 1e6])
@pytest.mark.parametrize("count", [1, 3, 5, 10])
def test_steps_are_one_two_or_five_times_a_power_of_ten(span: float, count: int) -> None:
    step = nice_step(span, count)
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    assert round(mantissa, 9) in (1.0, 2.0, 5.0)
    assert span / step <= count * (1 + 1e-9)  # at most `count` steps
    assert span / step > count / 5  # and not far fewer


def test_nice_ticks_are_round_and_inside_the_range() -> None:
    assert nice_ticks(3.2, 97.0, 5) == ([20.0, 40.0, 60.0, 80.0], ["20", "40", "60", "80"])
    ticks, labels = nice_ticks(962.4996, 962.5004, 4)
    assert labels == ["962.4996", "962.4998", "962.5000", "962.5002", "962.5004"]
    assert ticks == pytest.approx([962.4996, 962.4998, 962.5, 962.5002, 962.5004], abs=1e-9)
    assert nice_ticks(5.0, 5.0, 4) == ([], [])
    assert nice_ticks(0.0, math.nan, 4) == ([], [])


def test_zero_is_never_negative() -> None:
    _, labels = nice_ticks(-1.0, 1.0, 4)
    assert "0.0" in labels or "0" in labels
    assert not any(re.fullmatch(r"-0(\.0*)?", label) for label in labels)


def test_minute_ticks_fall_on_round_times() -> None:
    ticks, labels = minute_ticks(0.0, 31.0, 6)
    assert labels == ["0:00", "0:10", "0:20", "0:30"]
    ticks, labels = minute_ticks(62.3, 63.1, 4)
    assert labels == ["1:02.4", "1:02.6", "1:02.8", "1:03.0"]
    assert ticks == pytest.approx([62.4, 62.6, 62.8, 63.0])
    _, labels = minute_ticks(0.0, 4000.0, 4)
    assert labels[1] == "30:00"


def test_clock_ticks_fall_on_round_wall_clock_times() -> None:
    origin = datetime(2026, 4, 1, 17, 6, 37, 500_000)
    ticks, labels = clock_ticks(0.0, 300.0, 5, origin)
    assert labels[0] == "17:07"
    assert ticks[0] == pytest.approx(22.5)  # 17:07:00 is 22.5 s after the origin
    assert len(set(np.diff(ticks).round(6))) == 1
    _, labels = clock_ticks(10.0, 20.0, 5, origin)
    assert labels[0] == "17:06:48"
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d", label) for label in labels)
    _, labels = clock_ticks(10.0, 10.5, 5, origin)
    assert labels == [f"17:06:47.{d}" for d in range(5, 10)] + ["17:06:48.0"]


# --------------------------------------------------------------------------- raster


def line_pixels(
    x: np.ndarray,
    y: np.ndarray,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    w: int,
    h: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The dots of one line."""
    batches = list(line_dots([(x, y)], xlim, [ylim], w, h))
    return np.concatenate([px for px, _, _ in batches]), np.concatenate(
        [py for _, py, _ in batches]
    )


def bits_of(px: np.ndarray, py: np.ndarray, columns: int, rows: int) -> np.ndarray:
    """The braille bits of the dots of one line."""
    return braille_bits([(px, py, np.zeros_like(px))], 1, columns, rows)[0]


def test_line_pixels_walk_every_dot_of_a_segment() -> None:
    px, py = line_pixels(np.array([0.0, 1.0]), np.array([0.0, 1.0]), (0.0, 1.0), (0.0, 1.0), 5, 20)
    assert sorted(set(py.tolist())) == list(range(20))  # steep: one dot per row
    assert set(px.tolist()) == set(range(5))


def test_nan_breaks_the_line_and_a_lone_point_is_one_dot() -> None:
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    y = np.array([0.0, 0.0, np.nan, 1.0, np.nan])
    px, py = line_pixels(x, y, (0.0, 4.0), (0.0, 1.0), 5, 4)
    assert sorted(zip(px.tolist(), py.tolist(), strict=True)) == [
        (0, 0),
        (0, 0),
        (1, 0),
        (1, 0),
        (3, 3),
    ]


def test_braille_bits_follow_the_unicode_dot_order() -> None:
    # the left column top to bottom is dots 1, 2, 3, 7; the right one 4, 5, 6, 8
    px = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    py = np.array([3, 2, 1, 0, 3, 2, 1, 0])
    for dot, expected in enumerate((0x01, 0x02, 0x04, 0x40, 0x08, 0x10, 0x20, 0x80)):
        bits = bits_of(px[dot : dot + 1], py[dot : dot + 1], 1, 1)
        assert int(bits[0, 0]) == expected
    assert int(bits_of(px, py, 1, 1)[0, 0]) == 0xFF


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.data())
def test_braille_bits_equal_a_dot_grid(columns: int, rows: int, data: st.DataObject) -> None:
    """Each cell's bits are the OR of its dots, whatever the order and however often a
    dot is given (setting each dot's bit one at a time as the reference)."""
    count = data.draw(st.integers(0, 40))
    px = np.array(
        data.draw(st.lists(st.integers(0, columns * 2 - 1), min_size=count, max_size=count)),
        dtype=np.int64,
    )
    py = np.array(
        data.draw(st.lists(st.integers(0, rows * 4 - 1), min_size=count, max_size=count)),
        dtype=np.int64,
    )
    want = np.zeros((rows, columns), dtype=np.int64)
    for x, y in zip(px.tolist(), py.tolist(), strict=True):  # one dot at a time
        top = rows * 4 - 1 - y
        want[top // 4, x // 2] |= BRAILLE_BITS[x % 2, top % 4]
    np.testing.assert_array_equal(bits_of(px, py, columns, rows), want)
