"""The chart backend's rendering rules, pinned on small exact cases: frame, axes, legend,
lines, gaps, overlap, markers, cursors and stacked panels."""

from __future__ import annotations

import math
import re
from itertools import pairwise

import numpy as np
import pytest

from perda_tui.charts.backend import draw, render, rich_color
from perda_tui.charts.model import MARKERS, MAX_SERIES, Chart, ChartTheme
from perda_tui.charts.series import break_gaps, envelope_series, line_series, unit_of

BRAILLE = re.compile("[\u2801-\u28ff]")


def lines_of(chart: Chart, width: int, height: int) -> list[str]:
    return render(chart, width, height, color=False).split("\n")


def ramp(slot: int = 0, *, right: bool = False, unit: str = "V", label: str = "a") -> Chart:
    return Chart(
        [line_series(label, [0.0, 10.0], [0.0, 10.0], slot=slot, right_axis=right, unit=unit)],
        x_range=(0.0, 10.0),
    )


# --------------------------------------------------------------------------- series


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
    series = envelope_series("v", times, mins, maxs, gap=2.5, unit="V")
    assert series.unit == "V"
    assert np.isnan(series.y).sum() == 1
    finite = series.y[~np.isnan(series.y)]
    np.testing.assert_array_equal(
        finite, [0, 0.5, 1.5, 1, 2, 2.5, 4.5, 4, 5, 5.5, 9.5, 9]
    )  # non-empty columns alternate min->max and max->min


@pytest.mark.parametrize(
    ("description", "unit"),
    [
        ("Pack voltage (V)", "V"),
        ("Wheel speed [km/h]", "km/h"),
        ("Cell 3 voltage (V) ", "V"),
        ("Insulation monitor ok", ""),
        ("x (a) b", ""),
        ("", ""),
        ("Note (this is a sentence, not a unit)", ""),
    ],
)
def test_the_unit_comes_from_the_end_of_the_description(description: str, unit: str) -> None:
    assert unit_of(description) == unit


# --------------------------------------------------------------------------- exact layout


def test_one_series_exactly() -> None:
    assert lines_of(ramp(), 24, 8) == [
        " V┌─ ━━ a ─────────────┐",
        "10┤                 ⣀⠤⠒│",
        "  │            ⢀⡠⠔⠊⠉   │",
        "  │       ⢀⣀⠤⠒⠉⠁       │",
        "  │   ⣀⡠⠔⠊⠁            │",
        " 0┤⠤⠒⠉                 │",
        "  └┬─────────┬────────┬┘",
        "   0         5       10 ",
    ]


def test_two_axes_and_two_cursors_exactly() -> None:
    chart = Chart(
        [
            line_series("a", [0.0, 10.0], [0.0, 10.0], unit="V"),
            line_series("b", [0.0, 10.0], [10.0, 0.0], slot=1, right_axis=True, unit="A"),
        ],
        x_range=(0.0, 10.0),
        cursor=2.5,
        cursor_b=7.5,
    )
    assert lines_of(chart, 30, 9) == [
        " V┌─ ━━ a ────────── b ━━─┐ A ",
        "10┤⠒⠤⣀  │           ┊  ⣀⠤⠒├ 10",
        "  │   ⠉⠒⠤⣀         ⣀⠤⠒⠉   │   ",
        " 5┤     │ ⠉⠑⠢⢄⣀⡠⠔⠊⠉ ┊     ├ 5 ",
        "  │     │ ⣀⡠⠔⠊⠉⠑⠢⢄⣀ ┊     │   ",
        "  │   ⣀⠤⠒⠉         ⠉⠒⠤⣀   │   ",
        " 0┤⠤⠒⠉  │           ┊  ⠉⠒⠤├ 0 ",
        "  └┬────A─────┬─────B────┬┘   ",
        "   0          5         10    ",
    ]


def test_the_right_axis_appears_only_when_a_series_uses_it() -> None:
    left = lines_of(ramp(), 40, 12)
    assert all(line.rstrip()[-1] in "┐│┘" for line in left[:-1])  # nothing right of the frame
    right = lines_of(ramp(right=True, unit="A"), 40, 12)
    assert any(line.rstrip().endswith("├ 10") for line in right)
    assert not any("┤" in line for line in right)  # and no left ticks then
    assert right[0].rstrip().endswith("┐ A")


def test_draw_and_render_show_the_same_characters() -> None:
    x = np.linspace(0, 10, 50)
    chart = Chart([line_series("a", x, x**2)], cursor=5.0)
    assert draw(chart, 60, 15).plain() == render(chart, 60, 15, color=False)


def test_every_size_is_filled_exactly_and_tiny_ones_say_so() -> None:
    chart = ramp()
    for width, height in ((10, 3), (30, 5), (80, 24), (200, 50)):
        lines = lines_of(chart, width, height)
        assert len(lines) == height and all(len(line) == width for line in lines)
    assert lines_of(chart, 4, 3)[0] == "too "  # cut, never wider than the chart
    assert lines_of(chart, 30, 2)[0].startswith("too small")


# --------------------------------------------------------------------------- axes


def test_y_ticks_are_round_and_sit_on_the_frame_edge() -> None:
    x = np.linspace(0, 1, 100)
    chart = Chart([line_series("v", x, 962.4996 + 0.0008 * x)])
    lines = lines_of(chart, 60, 20)
    labels = [line.split("┤")[0].strip() for line in lines if "┤" in line]
    assert len(labels) >= 3
    values = [float(label) for label in labels]
    steps = {round(a - b, 6) for a, b in pairwise(values)}
    assert len(steps) == 1  # evenly spaced, top to bottom
    (step,) = steps
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1.0, 2.0, 5.0)
    assert all(len(label.split(".")[-1]) <= 4 for label in labels)  # 962.4998, never 962.4996…


def test_x_labels_are_centred_under_their_ticks() -> None:
    lines = lines_of(ramp(), 60, 10)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    for match in re.finditer(r"\S+", lines[bottom + 1]):
        centre = (match.start() + match.end() - 1) // 2
        ticks = [i for i, c in enumerate(lines[bottom]) if c == "┬"]
        assert min(abs(centre - t) for t in ticks) <= 1


def test_time_axis_as_minutes() -> None:
    x = np.linspace(0, 150, 100)
    lines = lines_of(Chart([line_series("a", x, x)], time_format="minutes"), 80, 10)
    labels = lines[-1].split()
    assert labels[0] == "0:00" and all(re.fullmatch(r"\d:\d\d", label) for label in labels)


def test_units_title_their_axes() -> None:
    chart = Chart(
        [
            line_series("a", [0.0, 1.0], [0.0, 1.0], unit="V"),
            line_series("b", [0.0, 1.0], [0.0, 2.0], slot=1, unit="km/h"),
            line_series("c", [0.0, 1.0], [5.0, 1.0], slot=2, right_axis=True, unit="A"),
        ]
    )
    header = lines_of(chart, 70, 12)[0]
    assert header.startswith("V,km/h┌")
    assert header.rstrip().endswith("┐ A")


# --------------------------------------------------------------------------- legend


def test_the_legend_is_on_the_frame_never_over_the_data() -> None:
    x = np.linspace(0, 10, 400)
    chart = Chart(
        [
            line_series("ams.pack.voltage", x, np.sin(x)),
            line_series("ams.pack.current", x, np.cos(x), slot=1, right_axis=True),
        ]
    )
    lines = lines_of(chart, 70, 14)
    legend = [i for i, line in enumerate(lines) if "ams.pack" in line]
    assert legend == [0]  # the top frame line only
    assert lines[0].index("ams.pack.voltage") < lines[0].index("ams.pack.current")
    assert lines[0].rstrip().endswith("ams.pack.current ━━─┐")  # right axis: right side


def test_long_names_are_shortened_in_the_middle_in_the_legend() -> None:
    x = np.arange(5.0)
    names = [f"pcm.wheelSpeeds.{corner}" for corner in ("frontLeft", "frontRight", "rearLeft")]
    chart = Chart([line_series(n, x, x + i, slot=i) for i, n in enumerate(names)])
    header = lines_of(chart, 50, 10)[0]
    assert header.count("…") == 3
    assert "Left" in header and "Right" in header  # the ends survive


def test_without_a_legend_the_axis_titles_are_shown() -> None:
    chart = Chart([line_series("a", [0.0, 1.0], [0.0, 1.0])], y_label="speed [m/s]", legend=False)
    assert "speed [m/s]" in lines_of(chart, 50, 10)[0]


# --------------------------------------------------------------------------- lines


def test_every_series_is_a_continuous_braille_line() -> None:
    x = np.linspace(0, 10, 2000)
    series = [line_series(f"s{i}", x, np.sin(x + i), slot=i) for i in range(3)]
    for s in series:
        lines = lines_of(Chart([s]), 60, 16)
        left, right = lines[0].index("┌") + 1, lines[0].index("┐")
        body = [line[left:right] for line in lines[1:-2]]
        # every column of the plot holds some of the line
        columns = ["".join(row[c] for row in body) for c in range(len(body[0]))]
        assert all(BRAILLE.search(col) for col in columns)


def test_a_steep_line_leaves_no_hole() -> None:
    # a jump from 0 to 100 within one column: every row between is inked
    x = np.array([0.0, 5.0, 5.0001, 10.0])
    y = np.array([0.0, 0.0, 100.0, 100.0])
    lines = lines_of(Chart([line_series("step", x, y, max_step=math.inf)]), 40, 12)
    body = lines[1:-2]
    assert all(BRAILLE.search(line) for line in body)


def test_a_one_sample_spike_survives_decimation() -> None:
    times = np.arange(100_000, dtype=np.float64)
    values = np.zeros_like(times)
    values[54_321] = 50.0
    columns = 80
    edges = np.linspace(0, len(times), columns + 1).astype(int)
    mins = np.minimum.reduceat(values, edges[:-1])
    maxs = np.maximum.reduceat(values, edges[:-1])
    centres = (edges[:-1] + edges[1:]) / 2
    chart = Chart([envelope_series("s", centres, mins, maxs)])
    lines = lines_of(chart, 50, 12)
    assert BRAILLE.search(lines[1])  # the top row holds the spike


def test_a_gap_in_the_data_is_not_joined() -> None:
    x = np.concatenate([np.arange(0, 40, 0.5), np.arange(60, 100, 0.5)])
    flat = np.ones_like(x)
    with_gap = lines_of(Chart([line_series("s", x, flat)]), 80, 12)
    joined = lines_of(Chart([line_series("s", x, flat, max_step=math.inf)]), 80, 12)

    def runs(lines: list[str]) -> list[tuple[int, int]]:
        row = next(line for line in lines if len(BRAILLE.findall(line)) > 20)
        return [m.span() for m in re.finditer("[\u2801-\u28ff]+", row)]

    assert len(runs(with_gap)) == 2
    (left, right) = runs(with_gap)
    assert right[0] - left[1] > 10  # a fifth of the width stays empty
    assert len(runs(joined)) == 1


def test_crossing_lines_keep_both_traces_and_the_highlighted_colour_wins() -> None:
    x = np.linspace(0, 10, 200)
    a = line_series("a", x, np.zeros_like(x), slot=0)
    b = line_series("b", x, np.zeros_like(x), slot=1)
    theme = ChartTheme(palette=(1, 2))
    for highlight, colour in ((0, 1), (1, 2)):
        cells = draw(Chart([a, b], highlight=highlight), 40, 10, theme=theme)
        inks = {fg for row in cells.rows for text, fg, _ in row if BRAILLE.search(text)}
        assert inks == {colour}  # the shared cells take the highlighted colour
    # ORed dots: the pair shows every dot of either
    alone = lines_of(Chart([a], x_range=(0.0, 10.0)), 40, 10)
    both = lines_of(Chart([a, b], x_range=(0.0, 10.0)), 40, 10)
    for row_a, row_both in zip(alone[1:-2], both[1:-2], strict=True):
        for ca, cb in zip(row_a[3:-1], row_both[3:-1], strict=True):
            if BRAILLE.match(ca):
                assert (ord(ca) - 0x2800) & ~(ord(cb) - 0x2800) == 0


def test_a_line_leaving_the_window_is_cut_at_its_edge() -> None:
    # one segment from (-100, 0) to (100, 10): only its middle is visible
    chart = Chart([line_series("a", [-100.0, 100.0], [0.0, 10.0])], x_range=(-10.0, 10.0))
    lines = lines_of(chart, 50, 12)
    rows_with_data = [line for line in lines[1:-2] if BRAILLE.search(line)]
    assert len(rows_with_data) >= 8  # a diagonal across the whole plot height


def test_series_outside_the_window_keep_their_legend_entry() -> None:
    x = np.arange(0.0, 10.0)
    chart = Chart(
        [line_series("inside", x, x), line_series("later", x + 100, x, slot=1)],
        x_range=(0.0, 10.0),
        markers=True,
    )
    text = render(chart, 60, 14, color=False)
    assert "inside" in text and "later" in text
    assert MARKERS[1] not in text.replace(f"━{MARKERS[1]} later", "")


def test_only_max_series_are_drawn() -> None:
    x = np.arange(10.0)
    series = [line_series(f"s{i}", x, x + i, slot=i) for i in range(MAX_SERIES + 1)]
    text = render(Chart(series), 200, 30, color=False)
    assert f"s{MAX_SERIES - 1}" in text
    assert f"s{MAX_SERIES}" not in text


# --------------------------------------------------------------------------- modes


def test_markers_mode_puts_each_series_marker_on_its_line() -> None:
    x = np.linspace(0, 10, 300)
    series = [line_series(f"s{i}", x, np.sin(x) + 3 * i, slot=i) for i in range(4)]
    plain = "\n".join(lines_of(Chart(series), 80, 20)[1:])
    marked = "\n".join(lines_of(Chart(series, markers=True), 80, 20)[1:])
    for slot in range(4):
        assert MARKERS[slot] not in plain
        assert marked.count(MARKERS[slot]) >= 5
    assert "━●" in lines_of(Chart(series, markers=True), 80, 20)[0]  # and in the legend


def test_cursors_are_lines_named_on_the_time_axis() -> None:
    x = np.linspace(0, 100, 200)
    base = Chart([line_series("a", x, np.zeros_like(x))], x_range=(0.0, 100.0))
    plain = lines_of(base, 80, 16)
    both = lines_of(Chart(base.series, x_range=(0.0, 100.0), cursor=25.0, cursor_b=75.0), 80, 16)
    bottom = next(i for i, line in enumerate(both) if "└" in line)
    a, b = both[bottom].index("A"), both[bottom].index("B")
    assert b - a == pytest.approx((len(both[0]) - 4) / 2, abs=1)
    assert sum(line[a] == "│" for line in both[1:bottom]) >= 10
    assert sum(line[b] == "┊" for line in both[1:bottom]) >= 10
    changed = {
        col
        for p, c in zip(plain, both, strict=True)
        for col, (cp, cc) in enumerate(zip(p, c, strict=True))
        if cp != cc
    }
    assert changed == {a, b}


def test_stacked_gives_each_series_its_own_panel_and_range() -> None:
    x = np.linspace(0, 10, 100)
    chart = Chart(
        [
            line_series("small", x, np.sin(x), unit="V"),
            line_series("large", x, 1000 + 500 * np.sin(x), slot=1, right_axis=True, unit="A"),
            line_series("third", x, x, slot=2),
        ],
        stacked=True,
    )
    lines = lines_of(chart, 60, 20)
    headers = [i for i, line in enumerate(lines) if "━━" in line]
    assert len(headers) == 3
    assert "small" in lines[headers[0]] and "┌" in lines[headers[0]]
    assert "large" in lines[headers[1]] and "├" in lines[headers[1]]
    assert lines[headers[1]].startswith("   A├")  # each panel's unit above its ticks
    small = [line.split("┤")[0] for line in lines[headers[0] + 1 : headers[1]] if "┤" in line]
    large = [line.split("┤")[0] for line in lines[headers[1] + 1 : headers[2]] if "┤" in line]
    assert all(abs(float(v)) <= 1 for v in small)
    assert all(500 <= float(v) <= 1500 for v in large)
    assert sum("└" in line for line in lines) == 1  # one shared time axis


def test_stacked_panels_that_do_not_fit_say_so() -> None:
    x = np.arange(5.0)
    series = [line_series(f"s{i}", x, x, slot=i) for i in range(8)]
    assert "8 panels need more rows" in render(Chart(series, stacked=True), 60, 12, color=False)
    assert "need more" not in render(Chart(series, stacked=True), 60, 30, color=False)


def test_an_empty_chart_has_a_frame_and_its_message_but_no_y_ticks() -> None:
    lines = lines_of(Chart(x_range=(0.0, 10.0), message="Space adds a signal"), 40, 10)
    assert lines[0].startswith("┌") and "┘" in lines[-2]
    assert any("Space adds a signal" in line for line in lines)
    assert not any("┤" in line for line in lines)
    assert not BRAILLE.search("\n".join(lines))


# --------------------------------------------------------------------------- colour


def test_series_colours_differ_and_fit_sixteen_colour_terminals() -> None:
    assert len(set(MARKERS)) == len(MARKERS) == MAX_SERIES
    for dark in (True, False):
        theme = ChartTheme.ansi16(dark=dark)
        colours = {rich_color(theme.color(slot)) for slot in range(MAX_SERIES)}
        assert len(colours) == MAX_SERIES
        assert all(c is not None and c.startswith("color(") for c in colours)
        assert all(int(c[6:-1]) < 16 for c in colours)
    assert rich_color((1, 2, 3)) == "rgb(1,2,3)"
    assert rich_color("default") is None


def test_ansi_colours_appear_in_the_coloured_output_only() -> None:
    theme = ChartTheme.ansi16()
    coloured = render(ramp(slot=3), 40, 10, theme=theme)
    assert "\x1b[91m" in coloured  # slot 3 is bright red on a dark theme
    assert "\x1b[" not in render(ramp(), 40, 10, color=False)
    plain = re.sub("\x1b\\[[0-9;]*m", "", coloured)
    assert plain == render(ramp(slot=3), 40, 10, color=False)


def test_control_characters_in_names_never_reach_the_terminal() -> None:
    chart = Chart(
        [line_series("evil\x1b[2J\x07name", [0.0, 1.0], [0.0, 1.0], unit="V\x9b")],
        title="t\x1b]0;x\x07",
    )
    text = render(chart, 60, 10, color=False)
    assert not re.search("[\x00-\x1f\x7f-\x9f]", text.replace("\n", ""))
    assert "evil?[2J?name" in text


def test_legend_names_cut_to_the_same_text_are_told_apart() -> None:
    x = np.arange(5.0)
    names = ["pcm.wheelSpeeds.frontLeft", "pcm.wheelSpeeds.rearLeft", "ams.pack.voltage"]
    chart = Chart([line_series(n, x, x + i, slot=i) for i, n in enumerate(names)])
    header = lines_of(chart, 44, 10)[0]
    shown = [part.strip(" ─┌┐") for part in header.split("━━")[1:]]
    assert all("…" in name for name in shown)
    assert len(set(shown)) == 3  # plain middle cuts would give pcm…Left twice


def test_short_stacked_panels_get_two_labelled_ticks() -> None:
    x = np.linspace(0, 10, 200)
    series = [
        line_series("voltage", x, 560 - 4 * x, unit="V"),
        line_series("current", x, 120 * np.sin(x), slot=1, unit="A"),
        line_series("speed", x, 50 + 25 * np.sin(x), slot=2),
        line_series("accel", x, 1.5 * np.sin(3 * x), slot=3),
    ]
    lines = lines_of(Chart(series, stacked=True), 60, 18)
    headers = [i for i, line in enumerate(lines) if "━━" in line]
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    for top, end in zip(headers, [*headers[1:], bottom], strict=True):
        rows = lines[top + 1 : end]
        labels = [line.split("┤")[0].strip() for line in rows if "┤" in line]
        if len(rows) >= 3:
            assert len(labels) >= 2, rows
            values = [float(label) for label in labels]
            assert values == sorted(values, reverse=True)  # top to bottom
            assert all(re.fullmatch(r"-?\d+(\.\d)?", label) for label in labels)  # round
