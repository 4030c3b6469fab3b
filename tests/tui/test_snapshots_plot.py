"""SVG snapshots of the plot screen over the fixed sample log (seed 11, 30,000 rows):
overlay with a right axis, stacked panels, A/B cursors with the readout, markers mode."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from perda_tui.config import config_dir
from perda_tui.logs import Log
from perda_tui.tui.plot.layouts import DEFAULT_NAME, Layout, LayoutStore
from perda_tui.tui.plot.screen import PlotScreen
from tests.charts.plot_app import drawn, sample_log
from tests.tui.conftest import SNAPSHOT_SIZES, no_blink, snapshot_app, wait_for, wait_screen

#: Pack voltage and current (current on the right axis) and a front wheel speed.
PACK = Layout(
    ("ams.pack.voltage", "ams.pack.current", "pcm.wheelSpeeds.frontLeft"),
    right=("ams.pack.current",),
)
#: Keys pressed on the plot screen (after Esc from the search box to the list) per scene.
SCENES = {
    "overlay": ["plus", "c", "right", "right"],
    "stacked": ["l"],
    "cursors": ["plus", "c", "b", *["right"] * 12],
    "markers": ["m", "plus"],
}


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Log:
    return sample_log(tmp_path_factory.mktemp("snapshot"))


def scene(
    log: Log, keys: list[str], *, layouts: bool = False
) -> Callable[[Pilot[object]], Awaitable[None]]:
    """Open the log in the app with the `PACK` layout and press `keys` (then `L` to show
    the layouts if `layouts`)."""

    async def run_before(pilot: Pilot[object]) -> None:
        pilot.app.show_log(log, "endurance.csv")  # type: ignore[attr-defined]
        await wait_screen(pilot, "PlotScreen")
        screen = pilot.app.screen
        assert isinstance(screen, PlotScreen)
        await drawn(pilot)
        screen.apply_layout(PACK)
        screen.refresh_view(selection=True)
        await pilot.press("escape", *keys)
        table = screen.query_one("#stats", DataTable)
        await wait_for(pilot, lambda: table.row_count == len(PACK.signals))
        await pilot.app.workers.wait_for_complete()
        await drawn(pilot)
        if layouts:
            await pilot.press("L")
            await wait_screen(pilot, "LayoutPicker")
        await no_blink(pilot)

    return run_before


@pytest.mark.parametrize("name", list(SCENES))
@pytest.mark.parametrize("size", SNAPSHOT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_plot(snap_compare, tmp_path: Path, log: Log, size: tuple[int, int], name: str) -> None:
    app = snapshot_app(tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=scene(log, SCENES[name]))


@pytest.mark.parametrize("size", SNAPSHOT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_layouts(snap_compare, tmp_path: Path, log: Log, size: tuple[int, int]) -> None:
    """`L`: the named layouts, one of them unusable here (its signals are missing)."""
    store = LayoutStore(config_dir())
    store.save("endurance pack set", PACK)
    store.save(DEFAULT_NAME, Layout(("ams.pack.voltage",)))
    store.save("old car", Layout(("bms.voltage", "bms.current"), stacked=True))
    app = snapshot_app(tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=scene(log, [], layouts=True))
