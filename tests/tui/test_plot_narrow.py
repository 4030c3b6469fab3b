"""The plot screen at 80x24: names first and shortened in the middle, the most important
keys first in the footer, the full status one key away, Esc/q close the screen."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, OptionList

from perda_tui.logs import Log
from perda_tui.tui.common.text import ELLIPSIS
from tests.charts.plot_app import PlotApp, drawn, sample_log
from tests.tui.conftest import static_text, wait_for, wait_screen
from tests.tui.test_plot import plot_screen, select
from tests.tui.test_plot_problems import footer_keys

pytestmark = pytest.mark.anyio

SMALL = (80, 24)
WHEELS = ("pcm.wheelSpeeds.frontRight", "pcm.wheelSpeeds.frontLeft")


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Log:
    return sample_log(tmp_path_factory.mktemp("narrow"))


async def test_names_are_shortened_in_the_middle_and_never_alike(log: Log) -> None:
    async with PlotApp(log).run_test(size=SMALL) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, "ams.pack.voltage", *WHEELS)
        options = screen.query_one("#signal-list", OptionList)
        await pilot.press("slash", *"wheel")
        await wait_for(pilot, lambda: options.option_count == 4)
        await drawn(pilot)
        width = options.scrollable_content_region.width
        shown = [str(options.get_option_at_index(i).prompt) for i in range(4)]
        names = [text[3:].split("  ")[0] for text in shown]  # after the swatch
        assert all(len(text) <= width for text in shown)
        assert all(ELLIPSIS in name for name in names)  # too long for 80 columns
        assert len(set(names)) == 4  # four wheels, four different shortenings
        assert all(name.startswith("pcm.") for name in names)  # both ends are kept
        table = screen.query_one("#stats", DataTable)
        await wait_for(pilot, lambda: table.row_count == 3)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(3)]
        short = [row[0][3:].split(" [")[0] for row in rows]  # names first, then the unit
        assert short[0] == "ams.pack.voltage" and len(set(short)) == 3
        assert all(
            name.startswith("pcm.") and name.endswith(("Left", "Right")) for name in short[1:]
        )
        assert all(row[5].replace(",", "").isdigit() for row in rows)  # min … std, count


async def test_back_comes_first_and_the_full_status_is_one_key_away(log: Log) -> None:
    async with PlotApp(log).run_test(size=SMALL) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, "ams.pack.voltage")
        await pilot.press("plus", "c", "b")  # both cursors: a long status line
        await drawn(pilot)
        assert footer_keys(pilot)[0] == "Back"
        full = screen.status_text()
        status = screen.query_one("#plot-status")
        assert len(full) > status.content_region.width  # too long for the line: cut
        await pilot.press("w")
        await wait_screen(pilot, "DetailsScreen")
        assert full in static_text(pilot, "#details-view")
        await pilot.press("escape")
        await wait_screen(pilot, "PlotScreen")


@pytest.mark.parametrize("key", ["escape", "q"])
async def test_esc_or_q_dismisses_the_plot_screen(log: Log, key: str) -> None:
    app = PlotApp(log)
    async with app.run_test(size=SMALL) as pilot:
        screen = plot_screen(pilot)
        await drawn(pilot)
        await pilot.press("enter", key)  # from the signal list (the search box takes q)
        await wait_for(pilot, lambda: pilot.app.screen is not screen)
        assert type(pilot.app.screen).__name__ != "PlotScreen"
