"""SVG snapshots of the compare and laps screens over three lapped sample runs and a
broken log (80x24 and 120x40)."""

from __future__ import annotations

from pathlib import Path

import pytest

from perda_tui.clients.dataserver import LogEntry
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.compare.laps import LapsScreen
from perda_tui.tui.compare.screen import CompareScreen
from perda_tui.tui.logs.sources import LocalFileSource
from tests.samples.lapped import SampleRun, lapped_runs
from tests.tui.conftest import SNAPSHOT_SIZES, no_blink, snapshot_app, wait_for, wait_screen


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[SampleRun]:
    return lapped_runs(tmp_path_factory.mktemp("lapped"))


def entries(runs: list[SampleRun]) -> tuple[Path, list[LogEntry]]:
    folder = runs[0].path.parent
    (folder / "broken.csv").write_bytes(b"<html>503 Service Unavailable</html>\n")
    chosen = [
        LogEntry(
            key=run.path.name,
            name=run.path.name,
            is_folder=False,
            size=run.path.stat().st_size,
            title=str(run.meta["title"]),
            string_metadata={k: str(v) for k, v in run.meta["string_metadata"].items()},
        )
        for run in (runs[0], runs[1], runs[2])
    ]
    broken = LogEntry(key="broken.csv", name="broken.csv", is_folder=False, size=38)
    return folder, [*chosen, broken]


async def charts_drawn(pilot) -> None:
    screen = pilot.app.screen

    def ready() -> bool:
        """every visible chart shows its latest request"""
        return all(c.is_current for c in screen.query(ChartView) if c.display)

    await wait_for(pilot, ready, timeout=30)
    await pilot.pause()


async def show_compare(pilot, runs: list[SampleRun], tmp_path: Path) -> CompareScreen:
    folder, marked = entries(runs)
    screen = CompareScreen(
        LocalFileSource(folder), marked, export_dir=tmp_path / "out", config_dir=tmp_path / "cfg"
    )
    await pilot.app.push_screen(screen)
    await wait_for(pilot, lambda: not screen.still_loading, timeout=60)
    await pilot.press("d")
    await charts_drawn(pilot)
    await no_blink(pilot)
    return screen


@pytest.mark.parametrize("size", SNAPSHOT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_compare(snap_compare, tmp_path: Path, runs: list[SampleRun], size) -> None:
    async def scene(pilot) -> None:
        await show_compare(pilot, runs, tmp_path)

    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=scene)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_laps(snap_compare, tmp_path: Path, runs: list[SampleRun], size) -> None:
    async def scene(pilot) -> None:
        await show_compare(pilot, runs, tmp_path)
        await pilot.press("l")
        await wait_screen(pilot, "LapsScreen")
        laps = pilot.app.screen
        assert isinstance(laps, LapsScreen)
        await wait_for(pilot, lambda: not laps.searching, timeout=30)
        await charts_drawn(pilot)

    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=scene)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_line_pick(snap_compare, tmp_path: Path, runs: list[SampleRun], size) -> None:
    async def scene(pilot) -> None:
        await show_compare(pilot, runs, tmp_path)
        await pilot.press("l")
        await wait_screen(pilot, "LapsScreen")
        laps = pilot.app.screen
        await wait_for(pilot, lambda: not laps.searching, timeout=30)
        await pilot.press("p")
        await wait_screen(pilot, "LinePickScreen")
        await pilot.press(*["shift+right"] * 3)
        await charts_drawn(pilot)

    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=scene)


@pytest.mark.parametrize("screen", ["compare", "laps"])
def test_sixteen_colours(
    snap_compare, tmp_path: Path, runs: list[SampleRun], monkeypatch: pytest.MonkeyPatch, screen
) -> None:
    """On the Linux console (TERM=linux): the ANSI theme, runs told apart by marker too."""
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.delenv("COLORTERM", raising=False)

    async def scene(pilot) -> None:
        await show_compare(pilot, runs, tmp_path)
        if screen == "laps":
            await pilot.press("l")
            await wait_screen(pilot, "LapsScreen")
            laps = pilot.app.screen
            await wait_for(pilot, lambda: not laps.searching, timeout=30)
            await charts_drawn(pilot)

    assert snap_compare(snapshot_app(tmp_path), terminal_size=(80, 24), run_before=scene)
