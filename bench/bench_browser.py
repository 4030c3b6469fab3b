"""Browser screen: 10,000-entry listing render, filter keystroke latency, start-up, idle CPU.

Everything runs headless (Textual's pilot) on a fixed in-process listing, so the figures
measure the app and not the network.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from bench.common import BenchResult

ENTRIES = 10_000
KEYSTROKES = "run_0"
IDLE_SECONDS = 3.0

_STARTUP = """
import time
start = time.perf_counter()
import asyncio
from pathlib import Path
from perda_tui.config import Settings
from perda_tui.tui.app import PerdaApp

async def main():
    app = PerdaApp(Settings(url="https://data.example.org", cache_dir=Path({cache!r})))
    async with app.run_test(size=(120, 40)) as pilot:
        while type(app.screen).__name__ != "LoginScreen" or not app.screen.is_mounted:
            await pilot.pause(0.005)
        await pilot.pause()
        print(time.perf_counter() - start)

asyncio.run(main())
"""


async def _keystroke(pilot) -> float:
    """Worst time from a filter keystroke to the refiltered table painted on screen.

    Keys go straight to the driver (as F's plot bench does): `pilot.press` waits for the
    whole process to go idle and would time its own polling instead of the app.
    """
    from textual import events

    from perda_tui.tui.logs.log_table import LogTable

    app = pilot.app
    table = app.screen.query_one(LogTable)
    painted: list[float] = []
    render_line = LogTable.render_line

    def spy(widget: LogTable, y: int):
        painted.append(time.perf_counter())
        return render_line(widget, y)

    LogTable.render_line = spy  # type: ignore[method-assign]
    try:
        await pilot.press("slash")
        latencies = []
        for key in KEYSTROKES:
            shown = table.entries
            started = time.perf_counter()
            app._driver.send_message(events.Key(key, key))
            while table.entries is shown:
                await asyncio.sleep(0.0005)
            painted.clear()
            while not painted:
                await asyncio.sleep(0.0005)
            await pilot.pause()
            latencies.append(max(painted) - started)
        await pilot.press("escape")
        await pilot.pause()
    finally:
        LogTable.render_line = render_line  # type: ignore[method-assign]
    return max(latencies)


async def _browser_figures(cache: Path) -> tuple[float, float, float, float, float]:
    from textual.widgets import DataTable

    from perda_tui.config import Settings
    from perda_tui.tui.app import PerdaApp
    from perda_tui.tui.logs.browser import BrowserScreen
    from perda_tui.tui.logs.log_table import HEADERS, LogTable, entry_cells
    from tests.tui.listing import FixedSource, synthetic_entries

    entries = synthetic_entries(ENTRIES)
    app = PerdaApp(Settings(url="https://data.example.org", cache_dir=cache))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(BrowserScreen(FixedSource({"": entries})))
        await app.workers.wait_for_complete()
        table = app.screen.query_one(LogTable)
        await pilot.pause()
        started = time.perf_counter()
        for _ in range(5):
            table.show(entries, frozenset(), 0)
            await pilot.pause()
        render = (time.perf_counter() - started) / 5

        keystroke = await _keystroke(pilot)

        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(IDLE_SECONDS)
        idle = (time.process_time() - cpu) / (time.perf_counter() - wall)

        reference = DataTable()
        await app.screen.mount(reference)
        for header in HEADERS:
            reference.add_column(header, key=header or "mark")
        started = time.perf_counter()
        reference.add_rows(entry_cells(entry, False) for entry in entries)
        await pilot.pause()
        datatable = time.perf_counter() - started
        await reference.remove()
        await app.push_screen(BrowserScreen(FixedSource({"": entries[:10]})))
        await app.workers.wait_for_complete()
        await pilot.pause()
        small = await _keystroke(pilot)
    return render, keystroke, idle, datatable, small


def run() -> list[BenchResult]:
    """Measure and return the browser figures."""
    with TemporaryDirectory() as folder:
        render, keystroke, idle, datatable, small = asyncio.run(_browser_figures(Path(folder)))
        startup = float(
            subprocess.run(
                [sys.executable, "-c", _STARTUP.format(cache=folder)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
    return [
        BenchResult(
            "browser: show 10,000 entries",
            render * 1000,
            "ms",
            "< 100 ms",
            render < 0.1,
            f"DataTable, same rows: {datatable * 1000:,.0f} ms",
        ),
        BenchResult(
            "browser: filter keystroke, 10,000 entries",
            keystroke * 1000,
            "ms",
            "< 100 ms",
            keystroke < 0.1,
            f"key to frame, worst of {len(KEYSTROKES)} keys; 10 entries: {small * 1000:,.0f} ms",
        ),
        BenchResult(
            "app: start-up to sign-in screen",
            startup * 1000,
            "ms",
            "<= 1000 ms",
            startup <= 1.0,
            "new process, headless",
        ),
        BenchResult(
            "app: idle CPU on the browser",
            idle * 100,
            "% core",
            "<= 1 %",
            idle <= 0.01,
            f"{IDLE_SECONDS:.0f} s idle, 10,000 entries",
        ),
    ]
