"""Compare and laps screens against the real data server: marks across folders, parallel
loading with one failing log, overlay, delta, alignment, summary, CSV export, laps."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from textual.widgets import DataTable

from perda_tui.config import Settings
from perda_tui.logs import Log
from perda_tui.server.runner import RunningDataServer
from perda_tui.tui.app import PerdaApp
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.compare.laps import LapsScreen
from perda_tui.tui.compare.screen import CompareScreen
from perda_tui.tui.logs.log_table import COMPARE_MARK, LogTable
from tests.samples.lapped import SampleRun, lapped_runs
from tests.tui.conftest import browse, screen_name, static_text, wait_for, wait_screen

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[SampleRun]:
    return lapped_runs(tmp_path_factory.mktemp("lapped"))


@pytest.fixture
def laps_server(fresh_data_server: RunningDataServer, runs: list[SampleRun]) -> RunningDataServer:
    """The lapped runs in two folders (`LAPS/a/`, `LAPS/b/`) and a broken log beside them."""
    for i, run in enumerate(runs[:3]):
        folder = "a" if i < 2 else "b"
        meta = {
            "title": run.meta["title"],
            "tags": run.meta["tags"],
            "string_metadata": run.meta["string_metadata"],
        }
        fresh_data_server.put_log(f"LAPS/{folder}/{run.path.name}", run.path.read_bytes(), meta)
    fresh_data_server.put_log("LAPS/b/broken.csv", b"<html>not a log</html>\n", None)
    return fresh_data_server


def make(server: RunningDataServer, tmp_path: Path) -> PerdaApp:
    settings = Settings(url=server.url, cache_dir=tmp_path / "cache", export_dir=tmp_path / "out")
    return PerdaApp(settings, password=server.password)


async def mark(pilot, table: LogTable, name: str) -> None:
    await wait_for(pilot, lambda: name in [e.name for e in table.entries])
    table.move_to([e.name for e in table.entries].index(name))
    await pilot.press("space")


async def test_mark_across_folders_compare_and_laps(
    laps_server: RunningDataServer, runs: list[SampleRun], tmp_path: Path
) -> None:
    app = make(laps_server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "LAPS", "a")
        await mark(pilot, table, "endurance_AB.csv")
        await mark(pilot, table, "endurance_JS.csv")
        assert "2 marked" in static_text(pilot, "#status")
        await pilot.press("backspace")
        await wait_for(pilot, lambda: "b" in [e.name for e in table.entries])
        table.move_to([e.name for e in table.entries].index("b"))
        await pilot.press("enter")
        await mark(pilot, table, "autocross_run1.csv")
        await mark(pilot, table, "broken.csv")
        assert "4 marked" in static_text(pilot, "#status")
        assert COMPARE_MARK in table.render_line(1).text + table.render_line(2).text
        await pilot.press("C")
        await wait_screen(pilot, "CompareScreen")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await wait_for(pilot, lambda: not screen.still_loading, timeout=60)
        states = [slot.state for slot in screen.slots]
        assert states == ["ready", "ready", "ready", "failed"]  # one failure, the rest go on
        assert "broken.csv: ✗" in static_text(pilot, "#run-3")
        overlay = next(iter(screen.query(".panel").results(ChartView)))
        await wait_for(pilot, lambda: overlay.is_current and "gps.speed" in overlay.plain_text())
        assert "endurance_AB.csv (AB)" in static_text(pilot, "#legend")
        summary = screen.query_one("#summary", DataTable)
        assert summary.row_count == 3
        titles = [column.label.plain for column in summary.columns.values()]
        assert "gps.speed integral [km/h·s]" in titles  # the integral says its unit
        # delta trace
        await pilot.press("d")
        delta = screen.query_one("#delta", ChartView)
        await wait_for(pilot, lambda: delta.display and delta.is_current and delta.plain_text())
        assert "Δ gps.speed" in delta.plain_text() and "- 1st" in delta.plain_text()
        # event alignment through the prompt
        await pilot.press("a")
        await wait_screen(pilot, "PromptScreen")
        await pilot.press("enter")
        await wait_screen(pilot, "CompareScreen")
        assert "aligned at event:gps.speed > 5" in static_text(pilot, "#title")
        # an event that some runs never reach: those stay aligned at their start, said so
        await pilot.press("a")  # back to start
        assert "aligned at start" in static_text(pilot, "#title")
        await pilot.press("a")
        await wait_screen(pilot, "PromptScreen")
        app.screen.query_one("#prompt-input").value = "gps.speed > 83"
        await pilot.press("enter")
        await wait_screen(pilot, "CompareScreen")
        assert "aligned at start instead: endurance_AB.csv" in screen.note
        assert "never holds" in screen.note and "autocross_run1.csv" not in screen.note
        # nudge the second run and sort by it
        await pilot.press("n", "full_stop", "full_stop")
        assert screen.nudges[1] == pytest.approx(0.2)
        assert "+0.2 s" in static_text(pilot, "#status")
        # metadata columns
        await pilot.press("k")
        await wait_screen(pilot, "PromptScreen")
        app.screen.query_one("#prompt-input").value = "driver, track"
        await pilot.press("enter")
        await wait_screen(pilot, "CompareScreen")
        assert screen.metadata == ["driver", "track"]
        # export
        await pilot.press("x")
        await wait_for(pilot, lambda: any((tmp_path / "out").glob("compare_*.csv")))
        exported = next((tmp_path / "out").glob("compare_*.csv"))
        rows = list(csv.reader(exported.open()))
        assert rows[0][:4] == ["run", "duration_s", "driver", "track"] and len(rows) == 4
        by_run = {row[0]: row for row in rows[1:]}  # sorted by run label
        assert by_run["endurance_AB.csv (AB)"][3] == "Michigan International Speedway"
        speed = runs[0].log["gps.speed"].values
        column = rows[0].index("gps.speed:max")
        assert float(by_run["endurance_AB.csv (AB)"][column]) == pytest.approx(speed.max())
        # laps
        await pilot.press("l")
        await wait_screen(pilot, "LapsScreen")
        laps = app.screen
        assert isinstance(laps, LapsScreen)
        await wait_for(pilot, lambda: not laps.searching, timeout=30)
        lap_rows = laps.query_one("#laps", DataTable)
        assert lap_rows.row_count == sum(len(r.lap_times) + 2 for r in runs[:3])
        assert len(laps.picked) == 3  # each run's best lap
        variance = laps.query_one("#variance", ChartView)
        await wait_for(
            pilot, lambda: variance.is_current and "time variance against" in variance.plain_text()
        )
        await pilot.press("escape")
        await wait_screen(pilot, "CompareScreen")
        await pilot.press("escape")
        await wait_screen(pilot, "BrowserScreen")


async def test_line_picked_on_the_map_and_typed(runs: list[SampleRun], tmp_path: Path) -> None:
    import numpy as np
    from textual.app import App

    from perda_tui.analysis.compare import Run
    from perda_tui.analysis.laps import format_line
    from perda_tui.analysis.tracks import load_lap_settings
    from perda_tui.samples.laps import start_finish_line
    from perda_tui.tui.compare.line_pick import LinePickScreen
    from tests.tui.conftest import no_blink

    chosen = [Run(r.path.name, r.log, {"track": "Test loop", "driver": "AB"}) for r in runs[:2]]
    app = App[None]()
    async with app.run_test(size=(100, 30)) as pilot:
        laps = LapsScreen(chosen, ["gps.speed"], config_dir=tmp_path / "cfg")
        await app.push_screen(laps)
        await wait_for(pilot, lambda: not laps.searching)
        assert "no start/finish line for track Test loop" in static_text(pilot, "#status")
        await pilot.press("p")
        await wait_screen(pilot, "LinePickScreen")
        picker = app.screen
        assert isinstance(picker, LinePickScreen)
        true_line = start_finish_line()
        centre = ((true_line[0] + true_line[2]) / 2, (true_line[1] + true_line[3]) / 2)
        near = np.hypot(picker.lat - centre[0], picker.lon - centre[1])
        picker.index = int(np.argmin(near)) - 1
        await pilot.press("right")  # onto the fix nearest the true line
        assert picker.index == int(np.argmin(near))
        await no_blink(pilot)
        await pilot.press("enter")
        await wait_screen(pilot, "LapsScreen")
        await wait_for(pilot, lambda: not laps.searching and bool(laps.tables[0]))
        assert "Test loop" in load_lap_settings(tmp_path / "cfg").lines
        found = [row.seconds for row in laps.tables[0] if row.lap.kind == "timed"]
        assert np.abs(np.array(found) - runs[0].lap_times).max() <= 0.1  # one GPS sample
        # typed: the exact line replaces the picked one
        await pilot.press("L")
        await wait_screen(pilot, "PromptScreen")
        prompt = app.screen
        prompt.query_one("#prompt-input").value = format_line(true_line)
        await pilot.press("enter")
        await wait_screen(pilot, "LapsScreen")
        await wait_for(
            pilot, lambda: load_lap_settings(tmp_path / "cfg").lines["Test loop"] == true_line
        )
        await wait_for(pilot, lambda: not laps.searching and bool(laps.tables[1]))
        await pilot.press("t", "w", "s")
        assert laps.by == "time" and laps.source == "wheel"


async def test_expired_session_signs_in_again_and_loads(
    laps_server: RunningDataServer, tmp_path: Path
) -> None:
    app = make(laps_server, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "LAPS", "a")
        await mark(pilot, table, "endurance_AB.csv")
        await mark(pilot, table, "endurance_JS.csv")
        laps_server.expire_sessions()
        await pilot.press("C")
        await wait_screen(pilot, "LoginScreen", timeout=30)  # over the compare screen
        await pilot.press(*laps_server.password, "enter")
        await wait_screen(pilot, "CompareScreen", timeout=30)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await wait_for(pilot, lambda: not screen.still_loading, timeout=60)
        assert [slot.state for slot in screen.slots] == ["ready", "ready"]


async def test_several_signals_stack_as_panels_on_one_time_axis(
    runs: list[SampleRun], tmp_path: Path
) -> None:
    """`/` chooses several signals: one panel each, frames (so time axes) in the same
    columns, one legend above; `s` moves the delta trace between them; at most four."""
    from textual.app import App

    from perda_tui.clients.dataserver import LogEntry
    from perda_tui.tui.compare.charts import frame_column
    from perda_tui.tui.compare.screen import MAX_SIGNALS
    from perda_tui.tui.logs.sources import LocalFileSource

    folder = runs[0].path.parent
    entries = [
        LogEntry(key=r.path.name, name=r.path.name, is_folder=False, size=None) for r in runs[:3]
    ]
    app = App[None]()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = CompareScreen(
            LocalFileSource(folder), entries, export_dir=tmp_path, config_dir=tmp_path
        )
        await app.push_screen(screen)
        await wait_for(pilot, lambda: not screen.still_loading, timeout=60)
        await pilot.press("slash")
        await wait_screen(pilot, "PromptScreen")
        field = app.screen.query_one("#prompt-input")
        field.value = ", ".join(["gps.speed"] * 2 + ["a", "b", "c", "d"][:MAX_SIGNALS])
        await pilot.press("enter")  # unknown names and too many: refused, prompt stays
        assert screen_name(pilot) == "PromptScreen"
        field.value = "gps.speed, ams.pack.power, ams.cells.v_min"
        await pilot.press("enter")
        await wait_screen(pilot, "CompareScreen")
        assert screen.signals == ["gps.speed", "ams.pack.power", "ams.cells.v_min"]
        panels = list(screen.query(".panel").results(ChartView))

        def settled() -> bool:
            current = list(screen.query(".panel").results(ChartView))
            return len(current) == 3 and all(p.is_current and p.plain_text() for p in current)

        await wait_for(pilot, settled, timeout=30)
        panels = list(screen.query(".panel").results(ChartView))
        texts = [panel.plain_text() for panel in panels]
        for name, text in zip(screen.signals, texts, strict=True):
            assert name in text.splitlines()[0]  # named on its frame
            assert "endurance_AB" not in text  # the runs' legend is outside the data
        assert len({frame_column(text) for text in texts}) == 1  # one time axis
        assert "time from alignment" not in texts[0]  # only the bottom one, when it fits
        legend = static_text(pilot, "#legend")
        assert all(r.path.name in legend for r in runs[:3])
        # `s` follows the delta trace only
        assert not screen.check_action("next_signal", ())
        await pilot.press("d")
        assert screen.check_action("next_signal", ())
        await pilot.press("s")
        assert screen.current == 1 and "delta of ams.pack.power" in static_text(pilot, "#title")
        delta = screen.query_one("#delta", ChartView)
        await wait_for(pilot, lambda: delta.is_current and "Δ ams.pack.power" in delta.plain_text())
        await wait_for(pilot, lambda: all(p.is_current for p in panels) and delta.is_current)
        columns = {frame_column(c.plain_text()) for c in [*panels, delta]}
        assert len(columns) == 1
        # the summary covers every chosen signal, against numpy
        table = screen.query_one("#summary", DataTable)
        await wait_for(pilot, lambda: "…" not in str(table.get_row_at(0)))
        columns_keys = [str(c.label) for c in table.columns.values()]
        assert "ams.cells.v_min min" in columns_keys
        row = table.get_row_at(0)
        label = str(row[0])
        run = next(r for r in runs[:3] if label.startswith(r.path.name))
        minimum = row[columns_keys.index("ams.cells.v_min min")]
        assert float(minimum) == pytest.approx(run.log["ams.cells.v_min"].values.min(), rel=1e-3)


@pytest.mark.parametrize("fitting", [2, 3])
async def test_marked_logs_parse_as_many_at_once_as_memory_allows(
    runs: list[SampleRun], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fitting: int
) -> None:
    """With memory for `fitting` of the three logs' parses, that many parse together (a
    barrier breaks unless they are in at once), never more."""
    import threading

    from textual.app import App

    import perda_tui.parsed_cache
    from perda_tui.clients.dataserver import LogEntry
    from perda_tui.tui.compare import budget
    from perda_tui.tui.logs.sources import LocalFileSource

    sizes = sorted(r.path.stat().st_size for r in runs[:3])
    # room for the `fitting` largest logs' parses, not for one more of the smallest
    room = budget.PEAK_PER_BYTE * (sum(sizes[-fitting:]) + (sizes[0] // 2 if fitting < 3 else 0))
    monkeypatch.setattr(budget, "available_memory", lambda: int(room / budget.SHARE) + 1)
    real_open = perda_tui.parsed_cache.open_log_pending
    inside, most, arrived = [0], [0], [0]
    lock = threading.Lock()
    together = threading.Barrier(fitting, timeout=30)

    def open_log_pending(path, cache_dir, **kwargs):
        with lock:
            inside[0] += 1
            arrived[0] += 1
            first = arrived[0] <= fitting
            most[0] = max(most[0], inside[0])
        if first:  # broken (an error on that run) unless the first ones are in at once
            together.wait()
        try:
            return real_open(path, cache_dir, **kwargs)
        finally:
            with lock:
                inside[0] -= 1

    monkeypatch.setattr(perda_tui.parsed_cache, "open_log_pending", open_log_pending)
    folder = runs[0].path.parent
    entries = [
        LogEntry(key=r.path.name, name=r.path.name, is_folder=False, size=None) for r in runs[:3]
    ]
    app = App[None]()
    async with app.run_test(size=(100, 30)) as pilot:
        source = LocalFileSource(folder, tmp_path / "cache")
        screen = CompareScreen(source, entries, export_dir=tmp_path, config_dir=tmp_path)
        await app.push_screen(screen)
        await wait_for(pilot, lambda: not screen.still_loading, timeout=60)
        assert [slot.state for slot in screen.slots] == ["ready"] * 3
        assert most[0] == fitting  # with room for two, the third waited for a place


async def test_summary_figures_are_computed_once_the_charts_are_shown(
    runs: list[SampleRun], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The summary's workers start after a refresh's charts are on screen (computed
    alongside, they held the charts back), and then fill every cell."""
    from textual.app import App

    from perda_tui.clients.dataserver import LogEntry
    from perda_tui.tui.logs.sources import LocalFileSource

    started: list[bool] = []  # per start: were all panels on screen and current?
    real = CompareScreen._summarise_missing

    def spied(self: CompareScreen) -> None:
        panels = list(self.query(".panel").results(ChartView))
        started.append(bool(panels) and all(p.drawn_generation and p.is_current for p in panels))
        real(self)

    monkeypatch.setattr(CompareScreen, "_summarise_missing", spied)
    folder = runs[0].path.parent
    entries = [
        LogEntry(key=r.path.name, name=r.path.name, is_folder=False, size=None) for r in runs[:2]
    ]
    app = App[None]()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = CompareScreen(
            LocalFileSource(folder), entries, export_dir=tmp_path, config_dir=tmp_path
        )
        await app.push_screen(screen)
        await wait_for(pilot, lambda: not screen.still_loading, timeout=60)
        table = screen.query_one("#summary", DataTable)
        await wait_for(
            pilot,
            lambda: (
                table.row_count == 2 and all("…" not in str(table.get_row_at(i)) for i in range(2))
            ),
            timeout=30,
        )
    assert started and all(started)


async def test_runs_use_their_stored_form_once_all_are_drawn(
    runs: list[SampleRun], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Logs parsed by the screen are stored once every run is drawn, and the runs then use
    the mapped form (its pages reclaimable) instead of the parsed arrays."""
    from textual.app import App

    from perda_tui.clients.dataserver import LogEntry
    from perda_tui.logs.store import wait_for_writes
    from perda_tui.parsed_cache import parsed_store
    from perda_tui.tui.logs.sources import LocalFileSource

    folder = runs[0].path.parent
    entries = [
        LogEntry(key=r.path.name, name=r.path.name, is_folder=False, size=None) for r in runs[:2]
    ]
    cache = tmp_path / "cache"

    def mapped(screen: CompareScreen) -> bool:
        logs = [run.log for run in screen.runs]
        return len(logs) == 2 and all(
            not log[screen.signals[0]].values.flags.writeable for log in logs
        )

    import perda_tui.tui.compare.release

    returned: list[bool] = []
    real_return = perda_tui.tui.compare.release.return_free_memory

    def spied_return() -> bool:
        returned.append(real_return())
        return returned[-1]

    monkeypatch.setattr(perda_tui.tui.compare.release, "return_free_memory", spied_return)
    app = App[None]()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = CompareScreen(
            LocalFileSource(folder, cache), entries, export_dir=tmp_path, config_dir=tmp_path
        )
        await app.push_screen(screen)
        await wait_for(pilot, lambda: not screen.still_loading, timeout=60)
        await wait_for(pilot, lambda: mapped(screen), timeout=60)
        await wait_for(pilot, lambda: bool(returned), timeout=60)  # after the swap's redraw
        await wait_for(pilot, lambda: wait_for_writes(0), timeout=60)
        store = parsed_store(cache)
        assert len([e for e in store.entries() if e.current]) == 2
        for run, sample in zip(screen.runs, runs[:2], strict=True):
            reference = Log.load(sample.path)
            assert run.log.names == reference.names
            name = screen.signals[0]
            assert np.array_equal(run.log[name].values, reference[name].values, equal_nan=True)
        panels = list(screen.query(".panel").results(ChartView))
        await wait_for(pilot, lambda: all(p.drawn_generation and p.is_current for p in panels))
        await pilot.press("escape")
        # opened again: mapped from the cache, nothing parsed, drawn once with both runs
        monkeypatch.setattr(Log, "load", None)  # a parse would fail the run
        drawn: list[int] = []
        real_draw = CompareScreen._draw_charts

        def counted(self: CompareScreen) -> None:
            drawn.append(len(self.runs))
            real_draw(self)

        monkeypatch.setattr(CompareScreen, "_draw_charts", counted)
        import threading

        import perda_tui.parsed_cache

        both_in = threading.Barrier(2, timeout=30)  # neither lands before both are opening
        real_reopen = perda_tui.parsed_cache.reopen_log

        def reopen_log(path: Path, cache_dir: Path | None) -> Log | None:
            both_in.wait()
            return real_reopen(path, cache_dir)

        monkeypatch.setattr(perda_tui.parsed_cache, "reopen_log", reopen_log)
        again = CompareScreen(
            LocalFileSource(folder, cache), entries, export_dir=tmp_path, config_dir=tmp_path
        )
        await app.push_screen(again)
        await wait_for(pilot, lambda: not again.still_loading, timeout=60)
        assert [slot.state for slot in again.slots] == ["ready", "ready"]
        await wait_for(pilot, lambda: mapped(again), timeout=60)
        await wait_for(pilot, lambda: bool(drawn), timeout=60)  # drawn after the next refresh
        assert drawn[0] == 2  # the first refresh waited for both stored forms


async def test_progress_lines_follow_each_report(tmp_path: Path) -> None:
    """Within a stage only the figures change (repainted without a layout); a new stage
    lays the line out again. The figures on screen follow every report."""
    import threading

    from textual.app import App

    from perda_tui.clients.dataserver import LogEntry
    from perda_tui.tui.compare.messages import RunProgress

    class Waiting:
        """A source whose download waits until the screen goes."""

        def fetch(self, key: str, progress: object, cancel: threading.Event) -> Path:
            cancel.wait(60)
            raise InterruptedError("cancelled")

    entries = [LogEntry(key="a.csv", name="a.csv", is_folder=False, size=None)]
    app = App[None]()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = CompareScreen(Waiting(), entries, export_dir=tmp_path, config_dir=tmp_path)  # type: ignore[arg-type]
        await app.push_screen(screen)
        line = screen.query_one("#run-0")
        for stage, done, shown in [
            ("parse", 10, "a.csv: parsing 10% (10 B / 100 B)"),
            ("parse", 55, "a.csv: parsing 55% (55 B / 100 B)"),
            ("queued", 0, "a.csv: waiting to parse…"),
        ]:
            screen.post_message(RunProgress(0, stage, done, 100 if done else 0))
            await wait_for(pilot, lambda: shown in line.render_line(0).text)  # noqa: B023
        await pilot.press("escape")


def test_chart_stack_draws_aligned_frames_at_once() -> None:
    """Panels whose y labels differ in width get the widest margin in their first draw."""
    from functools import partial

    import numpy as np

    from perda_tui.charts.backend import draw
    from perda_tui.logs import Signal
    from perda_tui.tui.compare.charts import ChartStack, Trace, frame_column, overlay_chart

    t = np.arange(0, 10_000_000, 100_000, dtype=np.int64)
    small = Signal(t, np.sin(t * 1e-6), "small", "Small (V)", time_unit="us")
    large = Signal(t, 1e5 * np.cos(t * 1e-6), "large", "Large (km/h)", time_unit="us")
    traces = [[Trace("a", small, 0.0, 0.0, 0)], [Trace("a", large, 0.0, 0.0, 0)]]
    window = (0.0, 10.0)

    def panel(i: int, width: int):  # type: ignore[no-untyped-def]
        return overlay_chart(traces[i], width, traces[i][0].signal.name, window)

    unaligned = [frame_column(draw(panel(i, 80), 80, 10).plain()) for i in range(2)]
    assert unaligned[0] != unaligned[1]
    built: list[int] = []

    def counted(i: int, width: int):  # type: ignore[no-untyped-def]
        built.append(i)
        return panel(i, width)

    stack = ChartStack([partial(counted, 0), partial(counted, 1)], 0)
    columns = [frame_column(draw(stack.builder(i)(80, 10), 80, 10).plain()) for i in range(2)]
    assert columns[0] == columns[1] == max(unaligned)  # type: ignore[type-var]
    assert sorted(built) == [0, 1]  # each built once at a size


async def test_footer_is_rebuilt_once_for_changes_in_one_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Binding changes that arrive before the footer's rebuild runs give one rebuild (as
    Textual's `Footer` has it: one per change), which shows the keys as they are then."""
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.screen import Screen
    from textual.widget import Widget
    from textual.widgets import Footer

    from perda_tui.tui.compare.footer import CoalescedFooter

    class Keys(Screen[None]):
        BINDINGS = [Binding("x", "go", "Go")]  # noqa: RUF012 - Textual's declaration style
        enabled = False

        def compose(self) -> ComposeResult:
            yield CoalescedFooter()

        def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
            return None if action == "go" and not self.enabled else True  # None: greyed

        def action_go(self) -> None:
            """Nothing: the key is only shown."""

    rebuilds: list[Footer] = []
    real = Footer.recompose

    async def counted(self: Footer) -> None:
        rebuilds.append(self)
        await real(self)

    monkeypatch.setattr(Footer, "recompose", counted)
    app = App[None]()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = Keys()
        await app.push_screen(screen)
        footer = screen.query_one(CoalescedFooter)

        def greyed() -> bool | None:
            """Whether the footer shows the key greyed out (None: not shown yet)."""
            key: Widget | None = next(iter(footer.query("FooterKey")), None)
            return None if key is None else key.has_class("-disabled")

        await wait_for(pilot, lambda: greyed() is True)
        await pilot.pause()
        before = len(rebuilds)
        screen.enabled = True
        for _ in range(3):
            screen.refresh_bindings()
        await wait_for(pilot, lambda: greyed() is False)
        await pilot.pause()
        await pilot.pause()
        assert len(rebuilds) == before + 1


def test_free_memory_is_returned_where_the_c_library_can(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes.util

    from perda_tui.tui.compare.release import return_free_memory

    assert return_free_memory() is (ctypes.util.find_library("c") is not None)
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert return_free_memory() is False


async def test_a_run_parsed_as_the_screen_closes_is_still_stored(
    runs: list[SampleRun], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parse ends after the screen has gone (its message is never handled): the
    worker stores the parsed form itself, at once."""
    import threading

    from textual.app import App

    import perda_tui.logs.store
    import perda_tui.parsed_cache
    from perda_tui.clients.dataserver import LogEntry
    from perda_tui.logs.store import wait_for_writes
    from perda_tui.parsed_cache import parsed_store
    from perda_tui.tui.logs.sources import LocalFileSource

    parsed, leave = threading.Event(), threading.Event()
    real_open = perda_tui.parsed_cache.open_log_pending

    def held(path: Path, cache_dir: Path | None, **kwargs: object) -> object:
        found = real_open(path, cache_dir, **kwargs)  # type: ignore[arg-type]
        parsed.set()
        assert leave.wait(60)
        return found

    monkeypatch.setattr(perda_tui.parsed_cache, "open_log_pending", held)
    # not stored by the time limit: only the worker's own write passes the wait below
    monkeypatch.setattr(perda_tui.logs.store, "PENDING_LIMIT_S", 120.0)
    cache = tmp_path / "cache"
    entry = LogEntry(key=runs[0].path.name, name=runs[0].path.name, is_folder=False, size=None)
    app = App[None]()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = CompareScreen(
            LocalFileSource(runs[0].path.parent, cache),
            [entry],
            export_dir=tmp_path,
            config_dir=tmp_path,
        )
        await app.push_screen(screen)
        await wait_for(pilot, parsed.is_set, timeout=60)
        await app.pop_screen()
        await wait_for(pilot, lambda: not screen.is_attached)
        leave.set()
        await wait_for(pilot, lambda: wait_for_writes(0), timeout=60)
    assert [e.current for e in parsed_store(cache).entries()] == [True]
