"""A small app showing `PlotScreen` for pilot and snapshot tests, and a fixed sample log."""

from __future__ import annotations

import tempfile
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot

from perda_tui.logs import Log
from perda_tui.samples.writer import write_sample_log
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.plot.layouts import Layout
from perda_tui.tui.plot.screen import PlotScreen
from tests.tui.conftest import wait_for

#: Export folder of tests that do not export there (never created).
NO_EXPORTS = Path(tempfile.gettempdir()) / "perda-tui-tests-no-exports"
#: Rows of the fixed sample log (seed 11): about 31 s of a car run, 50 signals.
ROWS = 30_000
#: The layout of an empty chart: tests that pick their signals start from it.
EMPTY = Layout(())


def sample_log(folder: Path) -> Log:
    """The fixed sample log, written to `folder` and parsed."""
    return Log.load(write_sample_log(folder / "endurance.csv", ROWS))


class PlotApp(App[None]):
    """Shows one log on the plot screen, as `PerdaApp.show_log` does, with `layout` (default:
    an empty chart; None: what the app opens, the remembered layout or the first view)."""

    def __init__(
        self,
        log: Log,
        source_name: str = "endurance.csv",
        *,
        export_dir: Path = NO_EXPORTS,
        layout: Layout | None = EMPTY,
    ) -> None:
        super().__init__()
        self.log_to_show = log
        self.source_name = source_name
        self.export_dir = export_dir
        self.layout = layout

    def on_mount(self) -> None:
        screen = PlotScreen(
            self.log_to_show, self.source_name, export_dir=self.export_dir, layout=self.layout
        )
        self.push_screen(screen)


async def drawn(pilot: Pilot[object]) -> ChartView:
    """Wait until the plot screen's chart shows the latest request; return the chart."""
    screen = pilot.app.screen

    def ready() -> bool:
        """the chart shows the latest request"""
        charts = screen.query(ChartView) if screen.is_mounted else []
        return bool(charts) and charts[0].is_current and charts[0].size.area > 0

    await wait_for(pilot, ready)
    await pilot.pause()
    return screen.query_one(ChartView)
