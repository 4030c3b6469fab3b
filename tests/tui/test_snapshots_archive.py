"""Snapshots of the archive screen against the local DRMS server at 80x24 and 120x40.

The real app (`perda-tui archive`). Deterministic by construction: the server is registered
under a fixed name for the test (its URL, with the random port, is not on screen), its
archive is generated from fixed rules, request ids count from 1, and no clock or timing is
displayed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from perda_tui.tui.common.chart_view import ChartView
from tests.drms.server import DrmsTestServer
from tests.tui.conftest import static_text, wait_for, wait_screen
from tests.tui.test_archive import archive_app

SIZES = [(80, 24), (120, 40)]
QUERY = "hmi.M_45s[2024.01.01_00:00_TAI/2h]"


async def structure(pilot: Pilot[object]) -> None:
    """hmi.M_45s found with a regex, its structure on the right."""
    await wait_for(pilot, lambda: "5 series" in static_text(pilot, "#archive-message"))
    await pilot.press("slash", *"m_45", "enter")
    await wait_for(pilot, lambda: "Keywords" in static_text(pilot, "#structure .structure-body"))


async def records(pilot: Pilot[object]) -> None:
    """Two hours of hmi.M_45s listed, first page."""
    await structure(pilot)
    await pilot.press("2")
    query = pilot.app.screen.query_one("#query", Input)
    query.value = QUERY
    query.focus()
    await pilot.press("enter")
    table = pilot.app.screen.query_one("#records", DataTable)
    await wait_for(pilot, lambda: table.row_count == 50)


async def plot(pilot: Pilot[object]) -> None:
    """DATAMEAN of the listed records against T_REC."""
    await records(pilot)
    await pilot.press("3")
    chart = pilot.app.screen.query_one("#plot", ChartView)
    await wait_for(pilot, lambda: chart.drawn_generation > 0 and chart.is_current)


async def export(pilot: Pilot[object]) -> None:
    """The export dialog with a checked, registered address."""
    await records(pilot)
    await pilot.press("e")
    await wait_screen(pilot, "ExportDialog")
    email = pilot.app.screen.query_one("#export-email", Input)
    email.value = "team@example.org"
    email.focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: "registered" in static_text(pilot, "#export-email-status"))


SCENES: dict[str, Callable[[Pilot[object]], Awaitable[None]]] = {
    "structure": structure,
    "records": records,
    "plot": plot,
    "export": export,
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene", list(SCENES))
def test_archive_screen(
    snap_compare,
    drms_server: DrmsTestServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    scene: str,
    size: tuple[int, int],
) -> None:
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    assert snap_compare(app, terminal_size=size, run_before=SCENES[scene])
