"""The plot screen's analysis keys driven as a user would: =, H, h, f, x, M."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from textual.widgets import DataTable, Input, Label, OptionList, Static

from perda_tui.analysis.channels import load_team_file, team_file
from perda_tui.analysis.distribution import distribution
from perda_tui.analysis.spectrum import spectrum
from perda_tui.logs import Log, Signal
from perda_tui.samples.writer import write_sample_log
from perda_tui.tui.plot.analysis.dots import DotCanvas
from perda_tui.tui.plot.screen import PlotScreen
from tests.charts.plot_app import ROWS, PlotApp, drawn
from tests.tui.conftest import static_text, wait_for, wait_screen

#: Workers (parse, health, channels) may be slow on a loaded machine: wait generously.
PATIENCE = 60.0

pytestmark = pytest.mark.anyio

SIZE = (120, 40)


@pytest.fixture(scope="module")
def log_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_log(tmp_path_factory.mktemp("analysis") / "endurance.csv", ROWS)


@pytest.fixture
def log(log_path: Path) -> Log:
    """A fresh parse for each test: channels added by one test stay out of the others."""
    return Log.load(log_path)


def notified(pilot, text: str) -> bool:
    return any(text in str(n.message) for n in pilot.app._notifications)


async def ready(pilot) -> PlotScreen:
    """The plot screen once drawn, with the team's channels and health loaded."""
    await drawn(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PlotScreen)
    await wait_for(pilot, lambda: screen.health is not None, timeout=PATIENCE)
    await pilot.press("down")  # from the search box to the list, where keys are commands
    return screen


async def highlight(pilot, screen: PlotScreen, name: str, *, select: bool = False) -> None:
    """Search the signal list for `name` and move the highlight onto it (and select it)."""
    await pilot.press("slash")
    screen.query_one("#signal-search", Input).value = name
    await pilot.press("enter")
    options = screen.query_one("#signal-list", OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    await pilot.press(*["down"] * ids.index(name))
    if select:
        await pilot.press("space")


def window_values(screen: PlotScreen, name: str) -> Signal:
    signal = screen.source_log[name]
    t0 = screen.origin + screen.window.start / screen.seconds_per_unit
    t1 = screen.origin + screen.window.end / screen.seconds_per_unit
    return signal.trim(t0, t1)


async def test_team_channels_load_with_the_log(log: Log, isolated_config: Path) -> None:
    team_file(isolated_config).write_text(
        '[channels]\npower = "ams.pack.voltage * ams.pack.current"\nghost = "no.such + 1"\n'
    )
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await wait_for(pilot, lambda: log.is_computed("power"), timeout=PATIENCE)
        expected = log["ams.pack.voltage"] * log["ams.pack.current"]
        np.testing.assert_allclose(log["power"].values, expected.values)
        options = screen.query_one("#signal-list", OptionList)
        await wait_for(
            pilot,
            lambda: (
                "power" in [options.get_option_at_index(i).id for i in range(options.option_count)]
            ),
            timeout=PATIENCE,
        )
        await wait_for(pilot, lambda: notified(pilot, "ghost needs no.such"), timeout=PATIENCE)
        await pilot.press("equals_sign")
        await wait_screen(pilot, "ChannelPrompt", timeout=PATIENCE)
        listed = str(pilot.app.screen.query_one("#channel-unavailable", Label).render())
        assert "ghost: needs no.such" in listed


async def test_math_channel_prompt_completes_adds_and_saves(
    log: Log, isolated_config: Path
) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("equals_sign")
        await wait_screen(pilot, "ChannelPrompt", timeout=PATIENCE)
        prompt = pilot.app.screen
        field = prompt.query_one("#channel-input", Input)
        await pilot.press(*"kw = ams.pack.volt")
        await wait_for(
            pilot, lambda: field._suggestion == "kw = ams.pack.voltage", timeout=PATIENCE
        )
        await pilot.press("right")  # accept the completion
        assert field.value == "kw = ams.pack.voltage"
        await pilot.press(*" * nosuch", "enter")
        await wait_for(
            pilot,
            lambda: "not in this log: nosuch" in str(prompt.query_one("#channel-error").render()),
            timeout=PATIENCE,
        )
        field.value = "kw = ams.pack.voltage * ams.pack.current / 1000"
        await pilot.press("ctrl+s")
        await wait_screen(pilot, "PlotScreen", timeout=PATIENCE)
        await wait_for(pilot, lambda: log.is_computed("kw"), timeout=PATIENCE)
        expected = (log["ams.pack.voltage"] * log["ams.pack.current"]).values / 1000
        np.testing.assert_allclose(log["kw"].values, expected)
        await wait_for(pilot, lambda: notified(pilot, "saved to"), timeout=PATIENCE)
        saved = load_team_file(team_file(isolated_config)).channels
        assert [(c.name, c.expression.text) for c in saved] == [
            ("kw", "ams.pack.voltage * ams.pack.current / 1000")
        ]
        await highlight(pilot, screen, "kw", select=True)  # behaves like a recorded signal
        assert "kw" in screen.selected_names()
        options = screen.query_one("#signal-list", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("=kw" in p for p in prompts)  # marked as computed


async def test_health_table_jumps_to_the_gap(log: Log) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("H")
        await wait_screen(pilot, "HealthScreen", timeout=PATIENCE)
        table = pilot.app.screen.query_one(DataTable)
        assert table.row_count == len(log)
        worst = screen.health.channels[0]
        assert worst.longest_gap_at_s is not None
        await pilot.press("enter")
        await wait_screen(pilot, "PlotScreen", timeout=PATIENCE)
        assert screen.window.contains(worst.longest_gap_at_s)
        assert screen.window.contains(worst.longest_gap_at_s + worst.longest_gap_s)
        assert screen.window.span < screen.source_log.duration_s


async def test_histogram_and_spectrum_of_the_highlighted_signal(log: Log) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await highlight(pilot, screen, "ams.pack.current")
        await pilot.press("plus")
        window = window_values(screen, "ams.pack.current")
        await pilot.press("h")
        await wait_screen(pilot, "HistogramScreen", timeout=PATIENCE)
        await wait_for(
            pilot, lambda: "mean" in static_text(pilot, "#histogram-stats"), timeout=PATIENCE
        )
        text = static_text(pilot, "#histogram-stats")
        reference = distribution(window.values, 10)
        assert f"samples {len(window):,}" in text
        assert f"mean  {np.mean(window.values):.6g}" in text
        assert f"p50   {np.median(window.values):.6g}" in text
        assert f"max   {reference.max:.6g}" in text
        await pilot.press("escape", "f")
        await wait_screen(pilot, "SpectrumScreen", timeout=PATIENCE)
        await wait_for(
            pilot, lambda: "peak Hz" in static_text(pilot, "#spectrum-peaks"), timeout=PATIENCE
        )
        result = spectrum(window.timestamps, window.values, window.seconds_per_unit)
        peak = static_text(pilot, "#spectrum-peaks").split("peak Hz")[1].split()[1]
        assert float(peak) == pytest.approx(result.peaks[0][0], rel=1e-3)


async def test_xy_needs_two_signals_and_counts_every_point(log: Log) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        for name in list(screen.selected_names()):
            await highlight(pilot, screen, name, select=True)  # start from none
        await pilot.press("x")
        await wait_for(pilot, lambda: notified(pilot, "select two signals"), timeout=PATIENCE)
        await highlight(pilot, screen, "pcm.steering.angle", select=True)
        await highlight(pilot, screen, "imu.accel.y", select=True)
        await pilot.press("x")
        await wait_screen(pilot, "XYScreen", timeout=PATIENCE)
        legend = pilot.app.screen.query_one("#xy-legend", Label)
        await wait_for(pilot, lambda: "points per dot" in str(legend.render()), timeout=PATIENCE)
        count = len(window_values(screen, "pcm.steering.angle"))
        assert str(legend.render()).startswith(f"{count:,} points")
        canvas = pilot.app.screen.query_one(DotCanvas)
        assert canvas.picture is not None and canvas.picture.classes.max() >= 0


async def test_track_map_follows_cursor_a(log: Log) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("M")
        await wait_screen(pilot, "TrackScreen", timeout=PATIENCE)
        canvas = pilot.app.screen.query_one(DotCanvas)
        await wait_for(pilot, lambda: canvas.picture is not None, timeout=PATIENCE)
        assert screen.cursor_a() is None and not canvas.picture.markers
        await pilot.press("right")
        await wait_for(pilot, lambda: bool(canvas.picture.markers), timeout=PATIENCE)
        start = screen.cursor_a()
        assert start == pytest.approx(screen.window.centre)
        await pilot.press("right", "right")
        await wait_for(
            pilot, lambda: screen.cursor_a() == pytest.approx(start + 2.0), timeout=PATIENCE
        )
        legend = str(pilot.app.screen.query_one("#track-legend", Label).render())
        assert legend.startswith("gps.speed: ")
        assert any("A" in strip.text for strip in canvas._strips)


async def test_track_map_without_gps_says_so() -> None:
    plain = Log([Signal(np.arange(10) * 1000, np.arange(10.0), "speed")])
    async with PlotApp(plain).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("M")
        await wait_for(
            pilot, lambda: notified(pilot, "no GPS latitude/longitude"), timeout=PATIENCE
        )
        assert type(pilot.app.screen).__name__ == "PlotScreen"
        assert isinstance(pilot.app.screen.query_one("#plot-status"), Static)


@pytest.mark.parametrize("samples", [1_000, 70_000])
async def test_a_large_log_loads_the_analysis_loops_in_the_background(
    samples: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log with a signal of at least `INTERPRETED_BELOW` samples has the compiled loops
    loaded after its health (XY, spectra and channels on it answer at once); a smaller
    one never loads numba for them."""
    import perda_tui.analysis.compiled as compiled
    import perda_tui.analysis.warm as warm

    warmed: list[bool] = []
    monkeypatch.setattr(warm, "warm_analysis", lambda: warmed.append(True))
    times = np.arange(samples, dtype=np.int64) * 1000
    log = Log([Signal(times, np.sin(times / 1e6), name="a"), Signal(times, times * 0.5, name="b")])
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        await ready(pilot)

        def team_worker_done() -> bool:  # it set the health: it has started
            return not any(w.group == "analysis-team" for w in pilot.app.workers)

        await wait_for(pilot, team_worker_done, timeout=PATIENCE)
    assert warmed == ([True] if samples >= compiled.INTERPRETED_BELOW else [])
