"""CPU of the app while the device screen shows a steady demo device (target ≤ 3 % of a core).

The real Scrutiny 0.16 server runs in its own process (not counted) with its demo device
attached; the app runs headless at 120x40 in this process, connected, with the demo value
charted. Once the device is ready and values flow, this process's CPU time is measured
over `SECONDS` with psutil: UI loop, client thread and chart worker together.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from bench.common import BenchResult

SECONDS = 10.0
TARGET = 3.0  # percent of one core


async def _measure(url: str, cache_dir: Path) -> tuple[float, int]:
    import psutil

    from perda_tui.config import Settings
    from perda_tui.tui.app import PerdaApp
    from perda_tui.tui.device.chart import LiveChart

    app = PerdaApp(
        Settings(url="http://127.0.0.1:9", cache_dir=cache_dir, scrutiny_url=url), screen="device"
    )
    async with app.run_test(size=(120, 40)) as pilot:
        deadline = time.monotonic() + 30
        while type(app.screen).__name__ != "DeviceScreen" or app.screen.client is None:
            assert time.monotonic() < deadline, "the device screen did not open"
            await pilot.pause(0.1)
        screen = app.screen
        while (
            getattr(screen.client, "server_state", None) is None
            or str(screen.client.server_state) != "ServerState.Connected"
        ):
            assert time.monotonic() < deadline, "not connected"
            await pilot.pause(0.1)
        await pilot.press("ctrl+t")
        chart = screen.query_one(LiveChart)
        while len(chart.history.get("/rpv/x1000", ())) < 20:
            assert time.monotonic() < deadline, "no demo values"
            await pilot.pause(0.1)
        await asyncio.sleep(2.0)  # settle: first draws done
        process = psutil.Process(os.getpid())
        points = len(chart.history["/rpv/x1000"])
        before, started = process.cpu_times(), time.monotonic()
        await asyncio.sleep(SECONDS)
        after, elapsed = process.cpu_times(), time.monotonic() - started
        received = len(chart.history["/rpv/x1000"]) - points
    busy = (after.user - before.user) + (after.system - before.system)
    return 100.0 * busy / elapsed, received


def run() -> list[BenchResult]:
    """One figure: percent of one core used by the app process."""
    from perda_tui.server.scrutiny_launcher import start_scrutiny_server

    with start_scrutiny_server("tcp") as server, tempfile.TemporaryDirectory() as tmp:
        percent, received = asyncio.run(_measure(server.url, Path(tmp)))
    return [
        BenchResult(
            name="device screen CPU, steady demo device",
            value=percent,
            unit="% of a core",
            target=f"≤ {TARGET:g} %",
            ok=percent <= TARGET,
            note=f"{SECONDS:g} s, 120x40, {received} values charted meanwhile",
        )
    ]
