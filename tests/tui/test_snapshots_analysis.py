"""SVG snapshots of the analysis views over the fixed sample log (seed 11, 30,000 rows):
math-channel prompt, health table, histogram, spectrum, XY density and track map."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from perda_tui.logs import Log
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.plot.analysis.dots import DotCanvas
from perda_tui.tui.plot.screen import PlotScreen
from tests.charts.plot_app import drawn, sample_log
from tests.tui.conftest import SNAPSHOT_SIZES, no_blink, snapshot_app, wait_for, wait_screen
from tests.tui.test_analysis import highlight

#: Workers (parse, health, charts) may be slow on a loaded machine: wait generously.
PATIENCE = 60.0


@pytest.fixture(scope="module")
def log_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(sample_log(tmp_path_factory.mktemp("snapshot")).source)


def scene(log_path: Path, keys: tuple[str, ...], view: str) -> Callable:
    """Open the log, highlight the pack current with steering and lateral acceleration on
    the chart, press `keys`, and wait until `view` has drawn."""

    async def run_before(pilot) -> None:
        pilot.app.show_log(Log.load(log_path), "endurance.csv")
        await wait_screen(pilot, "PlotScreen", timeout=PATIENCE)
        screen = pilot.app.screen
        assert isinstance(screen, PlotScreen)
        await wait_for(pilot, lambda: screen.health is not None, timeout=PATIENCE)
        for name in list(screen.selected_names()):
            await highlight(pilot, screen, name, select=True)
        await highlight(pilot, screen, "pcm.steering.angle", select=True)
        await highlight(pilot, screen, "imu.accel.y", select=True)
        await highlight(pilot, screen, "ams.pack.current")
        await drawn(pilot)
        await pilot.press(*keys)
        await wait_screen(pilot, view, timeout=PATIENCE)
        modal = pilot.app.screen
        for chart in modal.query(ChartView):
            await wait_for(
                pilot, lambda c=chart: c.is_current and c.drawn_generation > 0, timeout=PATIENCE
            )
        for canvas in modal.query(DotCanvas):
            await wait_for(pilot, lambda c=canvas: c.picture is not None, timeout=PATIENCE)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await no_blink(pilot)

    return run_before


VIEWS = {
    "health": (("H",), "HealthScreen"),
    "histogram": (("h",), "HistogramScreen"),
    "spectrum": (("f",), "SpectrumScreen"),
    "xy": (("x",), "XYScreen"),
    "track": (("right", "M", "right"), "TrackScreen"),
    "channel": (("equals_sign", *"kw = ams.pack.volt"), "ChannelPrompt"),
}


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("size", SNAPSHOT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_analysis_view(
    snap_compare, tmp_path: Path, log_path: Path, size: tuple[int, int], view: str
) -> None:
    keys, screen = VIEWS[view]
    app = snapshot_app(tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=scene(log_path, keys, screen))


@pytest.fixture
def linux_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.delenv("COLORTERM", raising=False)


@pytest.mark.usefixtures("linux_console")
@pytest.mark.parametrize("view", ["xy", "track"])
def test_analysis_view_16_colours(snap_compare, tmp_path: Path, log_path: Path, view: str) -> None:
    keys, screen = VIEWS[view]
    app = snapshot_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=scene(log_path, keys, screen))
