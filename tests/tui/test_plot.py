"""The plot screen driven by keys: search, select, zoom, pan, cursor, stats, export."""

from __future__ import annotations

import math
import re
import threading
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from textual.widgets import DataTable, Input, OptionList

from perda_tui.charts.model import MAX_SERIES
from perda_tui.charts.series import unit_of
from perda_tui.config import Settings
from perda_tui.logs import Log
from perda_tui.tui.app import PerdaApp
from perda_tui.tui.common.prompt import PromptScreen
from perda_tui.tui.plot.panels import SelectionPanel, format_value
from perda_tui.tui.plot.screen import PlotScreen
from perda_tui.tui.plot.view import Window, seconds_text
from perda_tui.units import parse_duration
from tests.charts.plot_app import PlotApp, drawn, sample_log
from tests.tui.conftest import wait_for, wait_screen

pytestmark = pytest.mark.anyio

SIZE = (120, 40)


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Log:
    return sample_log(tmp_path_factory.mktemp("plot"))


def plot_screen(pilot) -> PlotScreen:
    screen = pilot.app.screen
    assert isinstance(screen, PlotScreen)
    return screen


def panel_text(screen: PlotScreen) -> str:
    return str(screen.query_one(SelectionPanel).render())


async def select(pilot, *queries: str) -> None:
    """Search for each query and add it with Space, as a user would: the match named
    exactly like the query if there is one (Down until it is highlighted), else the best."""
    for query in queries:
        await pilot.press("slash")
        pilot.app.screen.query_one("#signal-search", Input).value = ""
        await pilot.press(*query, "enter")
        options = pilot.app.screen.query_one("#signal-list", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        if query in ids:
            await pilot.press(*["down"] * ids.index(query))
        await pilot.press("space")


def assert_window(window: Window, start: float, end: float) -> None:
    """`window` is [start, end] (to floating-point rounding)."""
    assert (window.start, window.end) == (
        pytest.approx(start, abs=1e-9),
        pytest.approx(end, abs=1e-9),
    )


def window_samples(log: Log, name: str, window: Window) -> tuple[np.ndarray, np.ndarray]:
    """Timestamps and values of `name` inside the window (seconds from the log start)."""
    signal = log[name]
    t0 = log.start_time + window.start / log.seconds_per_unit
    t1 = log.start_time + window.end / log.seconds_per_unit
    inside = (signal.timestamps >= t0) & (signal.timestamps <= t1)
    return signal.timestamps[inside], signal.values[inside]


async def test_search_and_toggle_signals(log: Log) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await drawn(pilot)
        search = screen.query_one("#signal-search", Input)
        assert pilot.app.focused is search
        await pilot.press("slash", *"volt")  # "/" on the focused box is not typed into it
        assert search.value == "volt"
        options = screen.query_one("#signal-list", OptionList)
        assert options.get_option_at_index(0).id == "ams.pack.voltage"
        assert options.option_count < len(log)
        await pilot.press("enter")  # to the list
        assert pilot.app.focused is options
        await pilot.press("space")
        chart = await drawn(pilot)
        assert [item.name for item in screen.selection.items] == ["ams.pack.voltage"]
        assert "ams.pack.voltage" in panel_text(screen)
        assert "ams.pack.voltage" in chart.plain_text()  # the legend
        await select(pilot, "current")
        chart = await drawn(pilot)
        assert [i.name for i in screen.selection.items] == ["ams.pack.voltage", "ams.pack.current"]
        assert "ams.pack.current" in chart.plain_text()
        await pilot.press("slash", *"volt", "escape")  # Esc leaves the search box too
        assert pilot.app.focused is options and pilot.app.screen is screen
        await pilot.press("space")  # Space again removes it
        chart = await drawn(pilot)
        assert [i.name for i in screen.selection.items] == ["ams.pack.current"]
        assert "ams.pack.voltage" not in chart.plain_text()


async def test_zoom_and_pan_change_the_window_exactly(log: Log) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        d = screen.bounds.end
        assert screen.bounds == Window(0.0, log.duration_s)
        await select(pilot, "ams.pack.voltage")
        await pilot.press("plus")
        assert_window(screen.window, d / 4, 3 * d / 4)
        await pilot.press("right")
        assert_window(screen.window, d / 4 + d / 8, 3 * d / 4 + d / 8)
        await pilot.press("left", "left")
        assert_window(screen.window, d / 8, 5 * d / 8)
        await pilot.press("minus")
        assert_window(screen.window, 0.0, d)  # clamped at the start of the log
        await pilot.press("plus", "plus", "0")
        assert screen.window == screen.bounds
        chart = await drawn(pilot)
        assert chart.is_current


async def test_typed_window_jumps_there(log: Log) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, "ams.pack.voltage")
        await pilot.press("g")
        assert isinstance(pilot.app.screen, PromptScreen)
        await pilot.press(*"0:05-0:15", "enter")
        assert_window(screen.window, 5.0, 15.0)
        assert "0:05.0-0:15.0" in str(screen.query_one("#plot-status").render())
        await pilot.press("g", *"200-300", "enter")  # outside the log: refused, prompt stays
        prompt = pilot.app.screen
        assert isinstance(prompt, PromptScreen)
        assert "outside the log" in str(prompt.query_one("#prompt-error").render())
        await pilot.press("escape")
        assert pilot.app.screen is screen and screen.window == Window(5.0, 15.0)
        chart = await drawn(pilot)
        ticks = [parse_duration(t) for t in chart.plain_text().split("\n")[-1].split()]
        assert ticks and all(5.0 <= t <= 15.0 for t in ticks)


async def test_cursor_shows_the_sample_at_or_before_it(log: Log) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, "ams.pack.voltage", "ams.cells.temp_max")
        await pilot.press("plus", "c")
        centre = screen.window.centre
        assert screen.cursor == centre
        await pilot.press("right", "right", "right")
        chart = await drawn(pilot)
        step = screen.window.span / chart.size.width
        assert screen.cursor == pytest.approx(centre + 3 * step)
        at = log.start_time + screen.cursor / log.seconds_per_unit
        text = panel_text(screen)
        for name in ("ams.pack.voltage", "ams.cells.temp_max"):
            signal = log[name]
            index = np.flatnonzero(signal.timestamps <= at)[-1]
            assert re.search(rf"L {re.escape(name)} +{format_value(signal.values[index])}", text)
        assert f"A {seconds_text(screen.cursor)}" in str(screen.query_one("#plot-status").render())
        await pilot.press("escape")  # removes the cursor, does not leave the screen
        assert screen.cursor is None and pilot.app.screen is screen
        await pilot.press("right")  # panning again
        assert screen.window.start > screen.bounds.end / 4


async def test_stats_equal_numpy_over_the_visible_window(log: Log) -> None:
    names = ("ams.pack.voltage", "pcm.motor.torque")
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, *names)
        await pilot.press("plus", "right")
        table = screen.query_one("#stats", DataTable)
        window = screen.window

        def shown() -> bool:
            """the stats table shows the current window"""
            if table.row_count != len(names):
                return False
            count = int(str(table.get_row(names[0])[5]).replace(",", ""))  # name, 4 numbers, count
            return count == len(window_samples(log, names[0], window)[0])

        await wait_for(pilot, shown)
        for name in names:
            t, v = window_samples(log, name, window)
            rate = (len(t) - 1) / ((t[-1] - t[0]) * log.seconds_per_unit)
            stats = [format_value(x, 5) for x in (v.min(), v.max(), v.mean(), v.std())]
            label, *cells = (str(cell) for cell in table.get_row(name))
            assert cells == [*stats, f"{len(t):,}", format_value(rate, 5)]
            unit = unit_of(log[name].description)
            assert unit and label == f"━━ {name} [{unit}]"  # names first, with their unit


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
async def test_export_writes_the_visible_samples(log: Log, tmp_path: Path, suffix: str) -> None:
    names = ("ams.pack.current", "pcm.wheelSpeeds.frontRight")
    target = tmp_path / f"export{suffix}"
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, *names)
        await pilot.press("plus", "plus", "e")
        prompt = pilot.app.screen
        assert isinstance(prompt, PromptScreen)
        field = prompt.query_one(Input)
        assert field.value.endswith(".csv")  # a default name to accept or edit
        field.value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, target.exists)
        await pilot.app.workers.wait_for_complete()
        window = screen.window
    if suffix == ".csv":
        exported = Log.load(target)
        for name in names:
            t, v = window_samples(log, name, window)
            np.testing.assert_array_equal(exported[name].timestamps, t)
            np.testing.assert_array_equal(exported[name].values, v)
        assert exported.recording_time == log.recording_time
    else:
        table = pq.read_table(target).to_pandas()
        for name in names:
            t, v = window_samples(log, name, window)
            rows = table[table["signal"] == name]
            np.testing.assert_array_equal(rows["timestamp"].to_numpy(), t)
            np.testing.assert_array_equal(rows["value"].to_numpy(), v)


async def test_second_axis_and_clock_time(log: Log) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, "ams.pack.voltage", "ams.pack.current")
        await pilot.press("y")  # the highlighted signal: the current
        item = screen.selection.get("ams.pack.current")
        assert item is not None and item.right_axis
        chart = await drawn(pilot)
        lines = chart.plain_text().split("\n")
        # the right-axis signal's legend entry sits at the right, its unit over its ticks
        assert lines[0].rstrip().endswith("ams.pack.current ━━─┐ A")
        assert (
            sum(line.rstrip().endswith(tuple("0123456789")) and "├" in line for line in lines) >= 3
        )
        assert "━━ R ams.pack.current" in panel_text(screen)
        await pilot.press("t")
        chart = await drawn(pilot)
        assert "wall clock" in str(screen.query_one("#plot-status").render())
        assert re.search(r"\d\d:\d\d:\d\d", chart.plain_text().split("\n")[-1])
        assert log.recording_time is not None
        first = log.recording_time.strftime("%H:%M")
        assert first in chart.plain_text() or "17:07" in chart.plain_text()


def clock_label(log: Log, raw: float) -> str:
    """How the plot screen shows a wall-clock time (`Log.wall_clock`)."""
    moment = log.wall_clock(raw)
    assert moment is not None
    return moment.strftime("%H:%M:%S.%f")[:10]


def status(screen: PlotScreen) -> str:
    return str(screen.query_one("#plot-status").render())


async def export_window(pilot, target: Path) -> None:
    """Export the chart's signals in the visible window to `target` with `e`."""
    await pilot.press("e")
    prompt = pilot.app.screen
    assert isinstance(prompt, PromptScreen)
    prompt.query_one(Input).value = str(target)
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await wait_for(pilot, target.exists)


async def test_wall_clock_is_the_same_in_the_log_and_its_export(log: Log, tmp_path: Path) -> None:
    """open → export a window → open the export: the same samples show the same wall clock
    (the header's recording time is raw timestamp 0, not the first sample)."""
    target = tmp_path / "window.csv"
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, "ams.pack.voltage")
        await pilot.press("plus", "right", "t")
        start = screen._raw_bounds(screen.window)[0]
        assert status(screen).startswith(clock_label(log, start))
        chart = await drawn(pilot)
        assert screen.chart_builder()(80, 20).clock_origin == log.wall_clock(log.start_time)
        await export_window(pilot, target)
    exported = Log.load(target)
    first = exported.start_time
    assert first is not None and first > log.start_time
    async with PlotApp(exported).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, "ams.pack.voltage")
        await pilot.press("t")
        assert status(screen).startswith(clock_label(log, first))
        await pilot.press("c")
        chart = await drawn(pilot)
        sample = screen.cursor_samples()["ams.pack.voltage"]
        assert sample is not None
        raw = exported.start_time + round(sample.time / exported.seconds_per_unit)
        assert screen.time_label(sample.time) == clock_label(log, raw)
        assert re.fullmatch(r"[\d: ]+", chart.plain_text().split("\n")[-1])  # HH:MM:SS ticks


async def test_at_most_max_series_signals(log: Log) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await pilot.press("enter")
        for _ in range(MAX_SERIES + 1):
            await pilot.press("space", "down")
        assert len(screen.selection) == MAX_SERIES
        assert any(f"at most {MAX_SERIES}" in n.message for n in pilot.app._notifications)
        slots = {item.slot for item in screen.selection.items}
        assert slots == set(range(MAX_SERIES))


async def test_keys_are_handled_while_a_chart_is_being_drawn(
    log: Log, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chart's worker is held inside decimation until both keys were handled: the
    window follows the keys at once and the chart catches up when released."""
    original = PlotScreen._series
    started, release = threading.Event(), threading.Event()

    def held(self, *args):
        started.set()
        release.wait()
        return original(self, *args)

    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, "ams.pack.voltage")
        await drawn(pilot)
        monkeypatch.setattr(PlotScreen, "_series", held)
        chart = screen.chart
        try:
            await pilot.press("plus")
            await wait_for(pilot, started.is_set)  # the worker is busy with "+"
            await pilot.press("right")
            d = screen.bounds.end
            assert_window(screen.window, d / 4 + d / 8, 3 * d / 4 + d / 8)
            assert not chart.is_current  # both keys were handled before the chart was ready
        finally:
            release.set()
        await drawn(pilot)


async def test_opening_a_file_in_the_app_shows_the_plot_screen(tmp_path: Path) -> None:
    path = sample_log(tmp_path).source
    app = PerdaApp(Settings(cache_dir=tmp_path / "cache"), file=Path(path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_screen(pilot, "PlotScreen")
        screen = plot_screen(pilot)
        await drawn(pilot)
        assert screen.sub_title == "endurance.csv"
        assert math.isclose(screen.bounds.end, Log.load(path).duration_s)
