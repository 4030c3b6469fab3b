"""The plotext adapter: series, gaps, ticks, themes and what a rendered chart shows."""

from __future__ import annotations

import math
import re
from datetime import datetime

import numpy as np
import pytest

from perda_tui.charts.backend import draw, render, rich_color
from perda_tui.charts.model import MARKERS, MAX_SERIES, Chart, ChartTheme
from perda_tui.charts.series import break_gaps, envelope_series, line_series
from perda_tui.charts.ticks import clock_ticks, nice_ticks

BRAILLE = re.compile("[\u2801-\u28ff]")


def runs_of(line: str, char: str) -> list[tuple[int, int]]:
    """(start, end) column ranges where `char` repeats in `line`."""
    return [m.span() for m in re.finditer(f"{re.escape(char)}+", line)]


def test_break_gaps_cuts_only_where_x_jumps_more_than_max_step() -> None:
    x = np.array([0.0, 1.0, 2.0, 10.0, 11.0, 30.0])
    y = np.array([1.0, 2.0, np.nan, 4.0, 5.0, 6.0])
    bx, by = break_gaps(x, y, max_step=5.0)
    # the NaN sample is dropped; 1 -> 10 and 11 -> 30 are gaps
    np.testing.assert_array_equal(bx, [0.0, 1.0, 5.5, 10.0, 11.0, 20.5, 30.0])
    np.testing.assert_array_equal(by, [1.0, 2.0, np.nan, 4.0, 5.0, np.nan, 6.0])


def test_line_series_finds_a_dropout_from_the_typical_step() -> None:
    x = np.concatenate([np.arange(0, 10, 0.1), np.arange(14, 20, 0.1)])  # 10 Hz, 4 s dropout
    series = line_series("speed", x, np.sin(x))
    nan_at = np.flatnonzero(np.isnan(series.y))
    assert len(nan_at) == 1
    assert series.x[nan_at[0] - 1] == pytest.approx(9.9)
    assert series.x[nan_at[0] + 1] == pytest.approx(14.0)


def test_line_series_sorts_unsorted_points() -> None:
    series = line_series("k", [3.0, 1.0, 2.0], [30.0, 10.0, 20.0])
    np.testing.assert_array_equal(series.x, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(series.y, [10.0, 20.0, 30.0])


def test_envelope_series_zigzags_and_splits_only_long_gaps() -> None:
    times = np.arange(10.0)
    mins = np.array([0, 1, 2, np.nan, 4, 5, np.nan, np.nan, np.nan, 9], dtype=float)
    maxs = mins + 0.5
    # gap threshold 2.5 s: one empty column (2 s between neighbours) stays joined,
    # three empty columns (4 s) are a gap
    series = envelope_series("v", times, mins, maxs, gap=2.5)
    assert np.isnan(series.y).sum() == 1
    finite = series.y[~np.isnan(series.y)]
    np.testing.assert_array_equal(
        finite, [0, 0.5, 1.5, 1, 2, 2.5, 4.5, 4, 5, 5.5, 9.5, 9]
    )  # non-empty columns alternate min->max and max->min


def test_nice_ticks_are_round_and_inside_the_range() -> None:
    ticks, labels = nice_ticks(3.2, 97.0, 5)
    assert ticks == [20.0, 40.0, 60.0, 80.0]
    assert labels == ["20", "40", "60", "80"]
    ticks, labels = nice_ticks(0.0, 1.0, 4)
    assert labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"] or labels == [
        "0.00",
        "0.25",
        "0.50",
        "0.75",
        "1.00",
    ]
    assert all(0.0 <= t <= 1.0 for t in ticks)
    assert nice_ticks(5.0, 5.0, 4) == ([], [])


def test_clock_ticks_fall_on_round_wall_clock_times() -> None:
    origin = datetime(2026, 4, 1, 17, 6, 37, 500_000)
    ticks, labels = clock_ticks(0.0, 300.0, 5, origin)
    assert labels[0] == "17:07"
    assert ticks[0] == pytest.approx(22.5)  # 17:07:00 is 22.5 s after the origin
    assert all(0.0 <= t <= 300.0 for t in ticks)
    assert len(set(np.diff(ticks).round(6))) == 1
    ticks, labels = clock_ticks(10.0, 20.0, 5, origin)
    assert labels[0] == "17:06:48"
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d", label) for label in labels)


def test_rendered_chart_has_the_size_legend_and_axis_labels() -> None:
    x = np.linspace(0, 100, 500)
    chart = Chart(
        [
            line_series("ams.pack.voltage", x, 400 + np.sin(x)),
            line_series("ams.pack.current", x, 50 * np.cos(x), slot=1, right_axis=True),
        ],
        x_label="time from start [s]",
        y_label="volts",
        y2_label="amps",
    )
    text = render(chart, 90, 22, color=False)
    lines = text.split("\n")
    assert len(lines) == 22
    assert all(len(line) == 90 for line in lines)
    assert "ams.pack.voltage" in text and "ams.pack.current" in text
    assert "time from start [s]" in lines[-1]
    assert lines[-1].startswith("volts") and lines[-1].rstrip().endswith("amps")
    legend = next(line for line in lines if "ams.pack.current" in line)
    assert "⅃" in legend  # the legend marks the right-axis series


def test_draw_and_render_show_the_same_characters() -> None:
    x = np.linspace(0, 10, 50)
    chart = Chart([line_series("a", x, x**2)], cursor=5.0)
    assert draw(chart, 60, 15).plain() == render(chart, 60, 15, color=False)


def test_a_gap_in_the_data_is_not_joined() -> None:
    x = np.concatenate([np.arange(0, 40, 0.5), np.arange(60, 100, 0.5)])
    flat = np.ones_like(x)
    with_gap = render(Chart([line_series("s", x, flat, slot=1)]), 80, 12, color=False)
    joined = render(
        Chart([line_series("s", x, flat, slot=1, max_step=math.inf)]), 80, 12, color=False
    )
    marker = "•"  # slot 1 draws dots
    data_row = next(line for line in with_gap.split("\n") if line.count(marker) > 20)
    assert len(runs_of(data_row, marker)) == 2
    left, right = runs_of(data_row, marker)
    assert right[0] - left[1] > 10  # a fifth of the width stays empty
    joined_row = next(line for line in joined.split("\n") if line.count(marker) > 20)
    assert len(runs_of(joined_row, marker)) == 1


def test_cursor_draws_a_vertical_line_at_its_time() -> None:
    x = np.linspace(0, 100, 200)
    base = Chart([line_series("a", x, np.zeros_like(x))], x_range=(0.0, 100.0))
    plain = render(base, 80, 16, color=False).split("\n")
    with_cursor = render(
        Chart(base.series, x_range=(0.0, 100.0), cursor=50.0), 80, 16, color=False
    ).split("\n")
    changed = {
        col
        for a, b in zip(plain, with_cursor, strict=True)
        for col, (ca, cb) in enumerate(zip(a, b, strict=True))
        if ca != cb
    }
    assert len(changed) == 1  # one column, at the middle of the canvas
    (col,) = changed
    assert sum(line[col] == "│" for line in with_cursor) >= 10


def test_only_max_series_are_drawn() -> None:
    x = np.arange(10.0)
    series = [line_series(f"s{i}", x, x + i, slot=i) for i in range(MAX_SERIES + 1)]
    text = render(Chart(series), 100, 30, color=False)
    assert f"s{MAX_SERIES - 1}" in text
    assert f"s{MAX_SERIES}" not in text


def test_an_empty_chart_still_has_a_frame() -> None:
    text = render(Chart(x_range=(0.0, 10.0)), 40, 10, color=False)
    assert "┌" in text and "┘" in text
    assert not BRAILLE.search(text)


def test_series_styles_differ_in_colour_and_marker() -> None:
    assert len(set(MARKERS)) == len(MARKERS) == MAX_SERIES
    for dark in (True, False):
        theme = ChartTheme.ansi16(dark=dark)
        colours = {rich_color(theme.color(slot)) for slot in range(MAX_SERIES)}
        assert len(colours) == MAX_SERIES
        assert all(c is not None and c.startswith("color(") for c in colours)
        assert all(int(c[6:-1]) < 16 for c in colours)  # 16-colour terminals
    rgb = ChartTheme(palette=((1, 2, 3),))
    assert rich_color(rgb.color(0)) == "rgb(1,2,3)"
    assert rich_color("default") is None


def test_ansi_colours_appear_in_the_coloured_output() -> None:
    x = np.arange(20.0)
    text = render(Chart([line_series("a", x, x, slot=3)]), 40, 10, theme=ChartTheme.ansi16())
    assert "\x1b[38;5;9m" in text  # slot 3 is bright red on a dark theme
    assert "\x1b[" not in render(Chart([line_series("a", x, x)]), 40, 10, color=False)


def test_series_outside_the_window_keep_their_legend_entry() -> None:
    x = np.arange(0.0, 10.0)
    chart = Chart(
        [line_series("inside", x, x), line_series("later", x + 100, x, slot=1)],
        x_range=(0.0, 10.0),
    )
    text = render(chart, 60, 14, color=False)
    assert "inside" in text and "later" in text
    assert "•" not in text.replace("•• later", "")  # nothing of the second series is drawn


def test_a_line_leaving_the_window_is_cut_at_its_edge() -> None:
    # one segment from (-100, 0) to (100, 10): only its middle is visible
    chart = Chart([line_series("a", [-100.0, 100.0], [0.0, 10.0], slot=1)], x_range=(-10.0, 10.0))
    cells = draw(chart, 50, 12).plain().split("\n")
    rows_with_data = [i for i, line in enumerate(cells) if "•" in line.replace("•• a", "")]
    assert len(rows_with_data) >= 8  # a diagonal across the whole canvas height
