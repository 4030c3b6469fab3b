"""CPU of the app while the device screen shows a steady demo device (target ≤ 3 % of a core).

The real Scrutiny 0.16 server runs in its own process (not counted) with its demo device
attached; the app runs headless at 120x40 in this process, connected, with the demo value
charted. Once the device is ready and values flow, this process's CPU time is measured
over `SECONDS` with psutil: UI loop, client thread and chart worker together.

The second row watches every watchable of the demo firmware (13: it has no more) at
`MANY_RATE` updates/s each, more values per second than 20 watches at the screen's own
rate (`WATCH_RATE`) would bring: the load of the issue's "20 watched values", exceeded.
The third watches the same 13 at the rate that brings exactly that load (20 x
`WATCH_RATE` values/s in all).
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
MANY_RATE = 8.0  # updates/s per watched value in the many-watches row


async def _measure(
    url: str, cache_dir: Path, *, watch_all: float | None = None
) -> tuple[float, int, int]:
    """(percent of a core, values received meanwhile, paths watched); `watch_all`: watch
    every watchable at that many updates/s each."""
    import psutil

    from perda_tui.config import Settings
    from perda_tui.tui.app import PerdaApp
    from perda_tui.tui.device import screen as device_screen
    from perda_tui.tui.device.chart import LiveChart

    app = PerdaApp(
        Settings(url="http://127.0.0.1:9", cache_dir=cache_dir, scrutiny_url=url), screen="device"
    )
    rate = device_screen.WATCH_RATE
    device_screen.WATCH_RATE = rate if watch_all is None else watch_all
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            deadline = time.monotonic() + 60
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
            if watch_all is not None:
                while screen.info is None or screen.info.sfd is None:
                    assert time.monotonic() < deadline, "no firmware description"
                    await pilot.pause(0.1)
                for entry in await asyncio.to_thread(screen.client.get_watchable_list):
                    screen.watch_path(entry.path)
                while any(w.received_at is None for w in chart.watches.values()):
                    assert time.monotonic() < deadline, "not every watch got a value"
                    await pilot.pause(0.1)
            await asyncio.sleep(2.0)  # settle: first draws done
            process = psutil.Process(os.getpid())
            counted = sum(w.count for w in chart.watches.values())
            before, started = process.cpu_times(), time.monotonic()
            await asyncio.sleep(SECONDS)
            after, elapsed = process.cpu_times(), time.monotonic() - started
            received = sum(w.count for w in chart.watches.values()) - counted
            watched = len(chart.watches)
    finally:
        device_screen.WATCH_RATE = rate
    busy = (after.user - before.user) + (after.system - before.system)
    return 100.0 * busy / elapsed, received, watched


def run() -> list[BenchResult]:
    """One figure: percent of one core used by the app process."""
    from perda_tui.server.scrutiny_launcher import start_scrutiny_server
    from perda_tui.tui.device.chart import REDRAWS_PER_S
    from perda_tui.tui.device.screen import WATCH_RATE

    with start_scrutiny_server("tcp") as server, tempfile.TemporaryDirectory() as tmp:
        percent, received, _ = asyncio.run(_measure(server.url, Path(tmp)))
    with start_scrutiny_server("tcp") as server, tempfile.TemporaryDirectory() as tmp:
        many, many_received, watched = asyncio.run(
            _measure(server.url, Path(tmp), watch_all=MANY_RATE)
        )
    issue_rate = 20 * WATCH_RATE / watched
    with start_scrutiny_server("tcp") as server, tempfile.TemporaryDirectory() as tmp:
        issue, issue_received, _ = asyncio.run(
            _measure(server.url, Path(tmp), watch_all=issue_rate)
        )
    return [
        BenchResult(
            name="device screen CPU, steady demo device",
            value=percent,
            unit="% of a core",
            target=f"≤ {TARGET:g} %",
            ok=percent <= TARGET,
            note=(
                f"{SECONDS:g} s, 120x40, {received} values charted meanwhile,"
                f" readouts redrawn ≤ {REDRAWS_PER_S:g}/s"
            ),
        ),
        BenchResult(
            name="device screen CPU, every demo watchable watched",
            value=many,
            unit="% of a core",
            target=f"≤ {TARGET:g} %",
            ok=many <= TARGET,
            note=(
                f"{SECONDS:g} s, 120x40, {watched} watched at {MANY_RATE:g}/s each"
                f" ({many_received / SECONDS:.0f} values/s; 20 at {WATCH_RATE:g}/s"
                f" = {20 * WATCH_RATE:.0f}/s), readouts redrawn ≤ {REDRAWS_PER_S:g}/s"
            ),
        ),
        BenchResult(
            name="device screen CPU, the issue's 20 x 4 values/s",
            value=issue,
            unit="% of a core",
            target=f"≤ {TARGET:g} %",
            ok=issue <= TARGET,
            note=(
                f"{SECONDS:g} s, 120x40, {watched} watched at {issue_rate:.3g}/s each"
                f" ({issue_received / SECONDS:.0f} values/s; the demo has no 20 watchables),"
                f" readouts redrawn ≤ {REDRAWS_PER_S:g}/s"
            ),
        ),
    ]
