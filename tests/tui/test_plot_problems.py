"""Parse problems are on the plot screen at once, and `w` shows the full report."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from perda_tui.logs import Log
from perda_tui.tui.plot.details import DetailsScreen
from tests.charts.plot_app import PlotApp, drawn, sample_log
from tests.tui.conftest import static_text, wait_for, wait_screen

pytestmark = pytest.mark.anyio

SIZE = (120, 40)


def footer_keys(pilot: Pilot[object]) -> list[str]:
    """The descriptions of the keys in the active screen's footer, left to right."""
    return [key.description for key in pilot.app.screen.query(FooterKey)]


def damaged_log(folder: Path) -> Log:
    """A log with a malformed mapping line, bad rows at lines 5, 7 and 8, an undeclared id."""
    rows = [
        "PER Log: Thu Jun 11 17:06:37 2026 v2.0",  # 1
        "Value Pack voltage (ams.pack.voltage): 1",  # 2
        "Value [b]oops[/b] no id",  # 3: malformed mapping, with markup in it
        "1000,1,400.5",  # 4
        "1100,1,oops",  # 5
        "1200,1,401.0",  # 6
        "1300,1",  # 7
        "garbage",  # 8
        "1400,9,3.0",  # 9: id 9 was never declared
        "1500,1,402.0",  # 10
    ]
    path = folder / "damaged.csv"
    path.write_text("\n".join(rows) + "\n")
    return Log.load(path)


async def test_skipped_rows_and_warnings_are_shown_and_listed(tmp_path: Path) -> None:
    log = damaged_log(tmp_path)
    assert log.parse_errors == 3
    async with PlotApp(log, "damaged.csv").run_test(size=SIZE) as pilot:
        await drawn(pilot)
        line = static_text(pilot, "#plot-problems")
        assert "⚠ 3 rows skipped (lines 5, 7, 8) · 2 warnings · w: details" in line
        assert pilot.app.screen.query_one("#plot-problems", Static).display
        await pilot.press("enter")  # to the signal list: the search box takes letters
        await wait_for(pilot, lambda: "Details" in footer_keys(pilot))
        await pilot.press("w")
        await wait_screen(pilot, "DetailsScreen")
        report = pilot.app.screen
        assert isinstance(report, DetailsScreen)
        shown = "\n".join(str(s.render()) for s in report.query(".problem").results(Static))
        assert "3 malformed data rows skipped; lines: 5, 7, 8" in shown
        assert "[b]oops[/b]" in shown  # quoted as written: markup is not interpreted
        assert "ids sampled but never declared (9)" in shown
        await pilot.press("escape")
        await wait_screen(pilot, "PlotScreen")


async def test_a_clean_log_shows_no_problem_line(tmp_path: Path) -> None:
    log = sample_log(tmp_path)
    assert not log.warnings and not log.parse_errors
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        await drawn(pilot)
        assert not pilot.app.screen.query_one("#plot-problems", Static).display
        await pilot.press("enter", "w")
        await wait_screen(pilot, "DetailsScreen")
        assert "no problems" in static_text(pilot, "#details-clean")
