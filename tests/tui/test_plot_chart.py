"""The chart widget: redraws at its size, follows the app theme, shows gaps and errors."""

from __future__ import annotations

import numpy as np
import pytest
from textual.app import App, ComposeResult
from textual.color import Color

from perda_tui.charts.model import Chart, ChartTheme
from perda_tui.charts.series import line_series
from perda_tui.logs import Log
from perda_tui.tui.common.chart_view import PALETTE_VARIABLES, ChartView, chart_theme
from perda_tui.tui.plot.panels import SignalPicker
from perda_tui.tui.plot.screen import PlotScreen
from tests.charts.plot_app import NO_EXPORTS, PlotApp, drawn, sample_log
from tests.tui.conftest import wait_for

pytestmark = pytest.mark.anyio


class ChartApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ChartView()


async def test_resizing_rebuilds_at_the_new_size() -> None:
    sizes: list[tuple[int, int]] = []

    def build(width: int, height: int) -> Chart:
        sizes.append((width, height))
        x = np.arange(100.0)
        return Chart([line_series("a", x, np.sin(x))])

    app = ChartApp()
    async with app.run_test(size=(60, 20)) as pilot:
        chart = app.query_one(ChartView)
        chart.draw(build)
        await wait_for(pilot, lambda: chart.is_current)
        assert sizes[-1] == (60, 20)
        assert len(chart.plain_text().split("\n")) == 20
        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: chart.is_current and sizes[-1] == (100, 30))
        lines = chart.plain_text().split("\n")
        assert len(lines) == 30 and {len(line) for line in lines} == {100}


async def test_chart_colours_follow_the_app_theme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("textual.constants.COLOR_SYSTEM", "truecolor")
    app = ChartApp()
    async with app.run_test(size=(60, 20)) as pilot:
        chart = app.query_one(ChartView)
        chart.draw(lambda w, h: Chart([line_series("a", [0.0, 1.0], [0.0, 1.0])]))
        await wait_for(pilot, lambda: chart.is_current)
        assert app.theme == "textual-dark"
        for theme in ("textual-light", "textual-dark"):
            before = chart.generation
            app.theme = theme
            await wait_for(pilot, lambda b=before: chart.generation > b and chart.is_current)
            variables = app.theme_variables
            expected = tuple(Color.parse(variables[name]).rgb for name in PALETTE_VARIABLES)
            assert chart.chart_theme.palette == expected
            assert chart.chart_theme.text == Color.parse(variables["foreground"]).rgb


def test_sixteen_colour_terminals_get_ansi_colours() -> None:
    variables = {name: "#123456" for name in (*PALETTE_VARIABLES, "foreground")}
    for dark in (True, False):
        assert chart_theme(variables, dark=dark, color_system="standard") == ChartTheme.ansi16(
            dark=dark
        )
    assert chart_theme(variables, dark=True, color_system="truecolor").palette[0] == (18, 52, 86)


async def test_a_failing_chart_is_reported_in_place() -> None:
    def broken(width: int, height: int) -> Chart:
        raise ValueError("no data in this window")

    app = ChartApp()
    async with app.run_test(size=(60, 20)) as pilot:
        chart = app.query_one(ChartView)
        chart.draw(broken)
        await wait_for(pilot, lambda: chart.is_current)
        assert chart.last_error == "no data in this window"
        assert "cannot draw this chart: no data in this window" in chart.plain_text()


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Log:
    return sample_log(tmp_path_factory.mktemp("gap"))


def test_the_logger_dropout_is_a_gap_in_the_chart(log: Log) -> None:
    screen = PlotScreen(log, "endurance.csv", export_dir=NO_EXPORTS)
    screen.selection.toggle("ams.pack.voltage")
    chart = screen.chart_builder()(200, 50)
    (series,) = chart.series
    t = log["ams.pack.voltage"].timestamps
    widest = int(np.argmax(np.diff(t)))
    gap_start = (t[widest] - log.start_time) * log.seconds_per_unit
    gap_end = (t[widest + 1] - log.start_time) * log.seconds_per_unit
    assert gap_end - gap_start > 0.3  # the sample log's dropout
    breaks = series.x[np.isnan(series.y)]
    assert any(gap_start <= x <= gap_end for x in breaks)
    # everywhere else the line is joined: one break per dropout, none elsewhere
    assert len(breaks) == 1


async def test_side_panels_follow_a_theme_change(log: Log, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("textual.constants.COLOR_SYSTEM", "truecolor")
    app = PlotApp(log)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, PlotScreen)
        screen.toggle("ams.pack.voltage")
        await drawn(pilot)
        dark = screen.query_one(SignalPicker).theme
        app.theme = "textual-light"
        await wait_for(pilot, lambda: screen.query_one(SignalPicker).theme != dark)
        chart = await drawn(pilot)
        assert screen.query_one(SignalPicker).theme == chart.chart_theme


async def test_a_sixteen_colour_app_draws_with_ansi_colours(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("textual.constants.COLOR_SYSTEM", "standard")
    app = ChartApp()
    async with app.run_test(size=(60, 20)) as pilot:
        chart = app.query_one(ChartView)
        chart.draw(lambda w, h: Chart([line_series("a", [0.0, 1.0], [0.0, 1.0], slot=2)]))
        await wait_for(pilot, lambda: chart.is_current)
        assert chart.chart_theme == ChartTheme.ansi16(dark=True)
        app.theme = "textual-light"
        await wait_for(pilot, lambda: chart.chart_theme == ChartTheme.ansi16(dark=False))


class ThemedChartApp(App[None]):
    """A chart on a theme with ANSI colours, so the app's line filter has work to do."""

    def compose(self) -> ComposeResult:
        yield ChartView()


@pytest.mark.parametrize("theme", ["textual-dark", "ansi-dark"])
async def test_rows_render_as_textual_s_styles_cache_would(theme: str) -> None:
    """`ChartView.render_lines` skips Textual's styles cache (a widget with no border,
    padding, tint or opacity): whole and cropped, its rows equal what the styles cache
    makes of the same rows, line filters included; with a border it uses the cache."""
    from textual.geometry import Region
    from textual.widget import Widget

    x = np.linspace(0, 10, 300)
    app = ThemedChartApp()
    app.theme = theme
    async with app.run_test(size=(70, 16)) as pilot:
        chart = app.query_one(ChartView)
        chart.draw(
            lambda _w, _h: Chart(
                [line_series("a", x, np.sin(x)), line_series("b", x, np.cos(x), slot=1)]
            )
        )
        await wait_for(pilot, lambda: chart.is_current)
        for crop in (Region(0, 0, 70, 16), Region(5, 3, 40, 6)):
            chart._styles_cache.clear()
            assert chart.render_lines(crop) == Widget.render_lines(chart, crop)
        chart.styles.border = ("round", "white")
        await pilot.pause()
        crop = Region(0, 0, 70, 16)
        chart._styles_cache.clear()
        bordered = chart.render_lines(crop)
        assert bordered[0].text.startswith("╭")
        chart._styles_cache.clear()
        assert bordered == Widget.render_lines(chart, crop)


async def test_text_around_the_chart_changes_with_it() -> None:
    """`draw(builder, shown)`: `shown` runs as that chart goes on screen, once; a newer
    request drops an older one's; with no room to draw it runs at once."""
    calls: list[str] = []
    app = ChartApp()
    async with app.run_test(size=(60, 20)) as pilot:
        chart = app.query_one(ChartView)
        x = np.arange(10.0)

        def build(_w: int, _h: int) -> Chart:
            assert calls == []  # never before the chart is drawn
            return Chart([line_series("a", x, x)])

        chart.draw(build, lambda: calls.append("first"))
        await wait_for(pilot, lambda: chart.is_current)
        assert calls == ["first"]
        chart.redraw()  # same request again (a resize): nothing more to say
        await wait_for(pilot, lambda: chart.is_current)
        assert calls == ["first"]
        chart.styles.display = "none"
        await pilot.pause()
        chart.draw(lambda _w, _h: Chart(), lambda: calls.append("hidden"))
        assert calls == ["first", "hidden"]


async def test_the_heap_is_frozen_once_the_screen_is_built_and_thawed_when_it_closes(
    log: Log, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Full garbage collections skip what lived when the first statistics landed (they
    stalled redraws), and run whenever later statistics land (the keys rest) rather than
    during a key's redraw; closing the screen gives it all back to the collector."""
    import gc

    from tests.tui.test_plot import plot_screen

    collect, full = gc.collect, []

    def spy(generation: int = 2) -> int:
        full.append(generation)
        return collect(generation)

    monkeypatch.setattr(gc, "collect", spy)
    async with PlotApp(log, layout=None).run_test(size=(100, 30)) as pilot:
        screen = plot_screen(pilot)
        await wait_for(pilot, lambda: gc.get_freeze_count() > 0)
        frozen, collections = gc.get_freeze_count(), len(full)
        screen.action_zoom_in()
        await drawn(pilot)
        await wait_for(pilot, lambda: len(full) > collections)  # the statistics landed
        assert set(full) == {2}
        assert 0 < gc.get_freeze_count() <= frozen  # once only: nothing more is frozen
        screen.dismiss(None)
        await wait_for(pilot, lambda: not screen.is_attached)
    assert gc.get_freeze_count() == 0
