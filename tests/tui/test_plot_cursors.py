"""The plot screen's A/B cursors and readout, sample jumps, stacked and markers modes,
the zoom floor and the first view, driven by keys over the fixed sample log."""

from __future__ import annotations

import numpy as np
import pytest
from textual.widgets import DataTable

from perda_tui.charts.model import MARKERS
from perda_tui.logs import Log
from perda_tui.tui.plot.panels import STATS_DIGITS, age_text, format_value
from perda_tui.tui.plot.screen import first_view
from perda_tui.tui.plot.view import MIN_SAMPLES
from tests.charts.plot_app import PlotApp, drawn, sample_log
from tests.tui.conftest import wait_for
from tests.tui.test_plot import plot_screen, select

pytestmark = pytest.mark.anyio

SIZE = (120, 40)
NAMES = ("ams.pack.voltage", "ams.cells.temp_max")


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Log:
    return sample_log(tmp_path_factory.mktemp("cursors"))


def seconds_of(log: Log, name: str) -> np.ndarray:
    return (log[name].timestamps - log.start_time) * log.seconds_per_unit


def last_at(log: Log, name: str, seconds: float) -> tuple[float, float]:
    """(time, value) of the last sample of `name` at or before `seconds` (numpy reference)."""
    times = seconds_of(log, name)
    index = np.flatnonzero(times <= seconds + 1e-9)[-1]
    return float(times[index]), float(log[name].values[index])


async def test_a_b_readout_matches_numpy(log: Log) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, *NAMES)
        await pilot.press("c", "b", "right", "right")  # B is active: it moves
        a, b = screen.cursor, screen.cursor_b
        assert a is not None and b is not None and b > a
        assert "Δt" in screen.status_text() and "move B" in screen.status_text()
        table = screen.query_one("#stats", DataTable)
        await wait_for(pilot, lambda: "at A" in str(table.columns[list(table.columns)[1]].label))
        await wait_for(pilot, lambda: table.row_count == len(NAMES))
        for name in NAMES:
            label, at_a, at_b, delta, low, high, mean = (str(c) for c in table.get_row(name))
            assert label.split(" ")[1] == name
            (ta, va), (tb, vb) = last_at(log, name, a), last_at(log, name, b)
            assert at_a == " ".join(
                filter(None, (format_value(va, STATS_DIGITS), age_text(a - ta)))
            )
            assert at_b == " ".join(
                filter(None, (format_value(vb, STATS_DIGITS), age_text(b - tb)))
            )
            assert delta == format_value(vb - va, STATS_DIGITS)
            times = seconds_of(log, name)
            between = log[name].values[(times >= a - 1e-9) & (times <= b + 1e-9)]
            expected = (between.min(), between.max(), between.mean())
            assert [low, high, mean] == [format_value(v, STATS_DIGITS) for v in expected]
        chart = await drawn(pilot)
        bottom = next(line for line in chart.plain_text().split("\n") if "└" in line)
        assert bottom.index("A") < bottom.index("B")
        await pilot.press("escape")  # B goes first, and the window statistics come back
        assert screen.cursor_b is None and screen.cursor == a
        await wait_for(pilot, lambda: str(table.columns[list(table.columns)[1]].label) == "min")
        await pilot.press("escape")
        assert screen.cursor is None and pilot.app.screen is screen


async def test_brackets_jump_to_the_samples_of_the_highlighted_signal(log: Log) -> None:
    name = "ams.cells.temp_max"  # a slow signal: its samples are far apart
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, "ams.pack.voltage", name)  # the list cursor stays on it
        assert screen.highlighted_name() == name
        await pilot.press("c")
        start = screen.cursor
        assert start is not None
        times = seconds_of(log, name)
        after = times[times > start + 1e-9]
        await pilot.press("right_square_bracket")
        assert screen.cursor == pytest.approx(after[0])
        await pilot.press("right_square_bracket")
        assert screen.cursor == pytest.approx(after[1])
        await pilot.press("left_square_bracket")
        assert screen.cursor == pytest.approx(after[0])
        await pilot.press("b", "left_square_bracket")  # B moves now; A stays
        assert screen.cursor == pytest.approx(after[0])
        assert screen.cursor_b is not None and screen.cursor_b in times


async def test_stacked_and_markers_modes(log: Log) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, *NAMES, "pcm.motor.torque")
        chart = await drawn(pilot)
        assert sum("━━" in line for line in chart.plain_text().split("\n")) == 1
        await pilot.press("l")
        chart = await drawn(pilot)
        headers = [line for line in chart.plain_text().split("\n") if "━━" in line]
        assert len(headers) == 3 and all(
            n in "".join(headers) for n in (*NAMES, "pcm.motor.torque")
        )
        await pilot.press("m")
        chart = await drawn(pilot)
        assert all(MARKERS[slot] in chart.plain_text() for slot in range(3))
        assert f"━{MARKERS[0]} L ams.pack.voltage" in str(screen.query_one("#selection").render())
        await pilot.press("m", "l")
        chart = await drawn(pilot)
        assert not any(MARKERS[slot] in chart.plain_text() for slot in range(3))


async def test_zoom_stops_at_a_few_samples_of_the_fastest_signal(log: Log) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, *NAMES)
        await pilot.press(*["plus"] * 40)
        periods = [float(np.median(np.diff(seconds_of(log, n)))) for n in NAMES]
        assert screen.window.span == pytest.approx(MIN_SAMPLES * min(periods))
        chart = await drawn(pilot)
        labels = chart.plain_text().split("\n")[-1].split()
        assert len(labels) >= 2 and len(set(labels)) == len(labels)  # distinct, readable ticks


async def test_a_log_opens_with_its_busiest_signals_never_an_empty_frame(log: Log) -> None:
    layout = first_view(log)
    assert layout is not None and len(layout.signals) == 2
    counts = sorted((len(s) for s in log if np.ptp(s.values) > 0), reverse=True)
    assert [len(log[n]) for n in layout.signals] == counts[:2]
    async with PlotApp(log, layout=None).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        chart = await drawn(pilot)
        assert screen.selected_names() == list(layout.signals)
        assert all(name in chart.plain_text() for name in layout.signals)
        assert "┤" in chart.plain_text()  # real ticks, not an empty -1 … 1 frame


async def test_set_cursor_a_selects_a_and_brings_it_into_view(log: Log) -> None:
    """The analysis keys place cursor A through `set_cursor_a` (PlotContext)."""
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, *NAMES)
        await pilot.press("plus", "plus", "c", "b")  # a quarter of the log; B active
        assert screen.b_active and not screen.window.contains(screen.bounds.end - 1)
        screen.set_cursor_a(screen.bounds.end - 1)
        assert screen.cursor_a() == pytest.approx(screen.bounds.end - 1)
        assert not screen.b_active and screen.window.contains(screen.bounds.end - 1)
        await pilot.press("minus")  # B stays inside the window as it changes
        assert screen.cursor_b is not None and screen.window.contains(screen.cursor_b)
