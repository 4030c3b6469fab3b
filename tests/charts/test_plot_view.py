"""Navigation rules of the plot screen: zoom, pan, typed windows, cursor samples, selection."""

from __future__ import annotations

import numpy as np
import pytest

from perda_tui.charts.model import MAX_SERIES
from perda_tui.logs import Signal
from perda_tui.tui.plot.view import (
    MIN_SPAN,
    Sample,
    Selection,
    Window,
    jump,
    pan,
    parse_window,
    sample_at,
    seconds_text,
    zoom,
)

BOUNDS = Window(0.0, 100.0)


def test_zoom_keeps_the_centre() -> None:
    assert zoom(BOUNDS, 2.0, BOUNDS) == Window(25.0, 75.0)
    assert zoom(Window(25.0, 75.0), 0.5, BOUNDS) == BOUNDS
    assert zoom(Window(60.0, 80.0), 2.0, BOUNDS) == Window(65.0, 75.0)


def test_zoom_out_stays_inside_the_log() -> None:
    assert zoom(Window(80.0, 100.0), 0.5, BOUNDS) == Window(60.0, 100.0)
    assert zoom(BOUNDS, 0.5, BOUNDS) == BOUNDS


def test_zoom_in_stops_at_the_minimum_span() -> None:
    window = BOUNDS
    for _ in range(40):
        window = zoom(window, 2.0, BOUNDS)
    assert window.span == pytest.approx(MIN_SPAN)
    assert window.centre == pytest.approx(50.0)


def test_pan_moves_a_quarter_and_stops_at_the_ends() -> None:
    assert pan(Window(25.0, 75.0), 0.25, BOUNDS) == Window(37.5, 87.5)
    assert pan(Window(25.0, 75.0), -0.25, BOUNDS) == Window(12.5, 62.5)
    assert pan(Window(45.0, 95.0), 0.25, BOUNDS) == Window(50.0, 100.0)
    assert pan(BOUNDS, -0.25, BOUNDS) == BOUNDS


def test_parse_window() -> None:
    assert parse_window("120-300") == (120.0, 300.0)
    assert parse_window("2:00-5:00") == (120.0, 300.0)
    assert parse_window("0:10 - 0:20.5") == (10.0, 20.5)
    for bad in ("300-120", "120", "5-5"):
        with pytest.raises(ValueError):
            parse_window(bad)


def test_jump_clips_to_the_log_and_refuses_windows_outside_it() -> None:
    assert jump(20.0, 30.0, BOUNDS) == Window(20.0, 30.0)
    assert jump(90.0, 200.0, BOUNDS) == Window(90.0, 100.0)
    with pytest.raises(ValueError, match="outside the log"):
        jump(150.0, 200.0, BOUNDS)


def test_seconds_text() -> None:
    assert seconds_text(125.5) == "2:05.5"
    assert seconds_text(3723.0) == "1:02:03.0"
    assert seconds_text(0.04) == "0:00.0"


def test_sample_at_is_the_last_sample_at_or_before() -> None:
    signal = Signal([1_000, 2_000, 3_000], [10.0, 20.0, 30.0], name="s", time_unit="ms")
    origin, spu = 1_000, 1e-3
    assert sample_at(signal, 999.9, origin, spu) is None
    assert sample_at(signal, 1_000, origin, spu) == Sample(0.0, 10.0)
    assert sample_at(signal, 2_999.9, origin, spu) == Sample(1.0, 20.0)
    assert sample_at(signal, 3_000, origin, spu) == Sample(2.0, 30.0)
    assert sample_at(signal, 10_000, origin, spu) == Sample(2.0, 30.0)


def test_sample_at_matches_numpy_on_random_times() -> None:
    rng = np.random.default_rng(5)
    t = np.sort(rng.choice(10_000_000, 5_000, replace=False)).astype(np.int64)
    signal = Signal(t, rng.normal(size=len(t)), name="r")
    for query in rng.uniform(t[0], t[-1], 200):
        index = np.flatnonzero(t <= query)[-1]
        assert sample_at(signal, float(query), 0, 1e-6) == Sample(
            t[index] * 1e-6, signal.values[index]
        )


def test_selection_slots_and_limits() -> None:
    selection = Selection()
    names = [f"s{i}" for i in range(MAX_SERIES)]
    for name in names:
        assert selection.toggle(name) is True
    assert [item.slot for item in selection.items] == list(range(MAX_SERIES))
    with pytest.raises(ValueError, match="at most"):
        selection.toggle("one too many")
    assert selection.toggle("s2") is False
    assert selection.toggle("new") is True
    new = selection.get("new")
    assert new is not None and new.slot == 2  # the freed slot (colour + marker) is reused
    assert selection.toggle_axis("s0") is True
    assert selection.toggle_axis("s0") is False
    with pytest.raises(KeyError):
        selection.toggle_axis("absent")
