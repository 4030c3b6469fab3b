"""SVG snapshots of the plot screen over the fixed sample log (seed 11, 30,000 rows)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from perda_tui.logs import Log
from perda_tui.tui.plot.screen import PlotScreen
from tests.charts.plot_app import drawn, sample_log
from tests.tui.conftest import SNAPSHOT_SIZES, no_blink, snapshot_app, wait_for, wait_screen


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Log:
    return sample_log(tmp_path_factory.mktemp("snapshot"))


def scene(log: Log):
    """Voltage and current (right axis) zoomed in once, cursor on, stats shown."""

    async def run_before(pilot) -> None:
        pilot.app.show_log(log, "endurance.csv")
        await wait_screen(pilot, "PlotScreen")
        screen = pilot.app.screen
        assert isinstance(screen, PlotScreen)
        for name in ("ams.pack.voltage", "ams.pack.current"):
            await pilot.press("slash")
            screen.query_one("#signal-search", Input).value = name
            await pilot.press("enter", "space")
        await pilot.press("y", "plus", "c", "right", "right")
        table = screen.query_one("#stats", DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        await pilot.app.workers.wait_for_complete()
        await drawn(pilot)
        await no_blink(pilot)

    return run_before


@pytest.mark.parametrize("size", SNAPSHOT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_plot(snap_compare, tmp_path: Path, log: Log, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=scene(log))
