"""Snapshots of the device screen (disconnected, the real demo device, four watched values
with writes allowed and an acquisition armed) and of its watchable picker and acquisition
form filled from the real demo firmware.

Deterministic by construction: the connected snapshot shows a status captured from a real
Scrutiny 0.16 demo device with the fields that depend on when and where the server runs
(SFD generation time, Python version, system) fixed,
a frozen clock for "updated … ago", fixed values in the chart, and no host or port.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from perda_tui.clients.scrutiny import (
    ScrutinyClient,
    ServerInfo,
    TriggerCondition,
    ValueUpdate,
    WatchableEntry,
)
from perda_tui.server.scrutiny_launcher import RunningScrutinyServer
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.device.acquire_dialog import AcquireDialog
from perda_tui.tui.device.chart import LiveChart
from perda_tui.tui.device.panels import DataloggerPanel
from perda_tui.tui.device.picker import WatchPicker
from tests.tui.conftest import no_blink, wait_for
from tests.tui.test_device import device_app, device_screen

SIZES = [(80, 24), (120, 40)]
FROZEN_AT = 1000.0
GENERATED = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


def demo_status(server: RunningScrutinyServer) -> ServerInfo:
    """The complete status of the real demo device, generation details fixed."""
    with ScrutinyClient.from_url(server.url).connect() as client:
        client.request_demo_mode(True)
        client.wait_device_ready(10)
        deadline = time.monotonic() + 10
        while (
            info := client.get_server_status()
        ).sfd is None or info.datalogging.state.name == "NA":
            assert time.monotonic() < deadline
            client.wait_server_status_update(5)
    assert info.sfd is not None and info.sfd.metadata is not None
    generation = info.sfd.metadata.generation_info
    assert generation is not None
    metadata = dataclasses.replace(
        info.sfd.metadata,
        generation_info=dataclasses.replace(
            generation, timestamp=GENERATED, python_version="3.11", system_type="Linux"
        ),
    )
    return dataclasses.replace(info, sfd=dataclasses.replace(info.sfd, metadata=metadata))


def sine_values(path: str) -> list[ValueUpdate]:
    """Thirty seconds of a 0.1 Hz sine at 2 Hz, ending at t = 100 s."""
    return [
        ValueUpdate(path, math.sin(2 * math.pi * 0.1 * t / 2), 40.0 + t / 2) for t in range(121)
    ]


async def settled(pilot: Pilot[int], view: ChartView) -> None:
    """Wait until layout passes stop resizing the chart and its latest drawing is shown."""
    size = None
    while size != view.size or not view.is_current:
        size = view.size
        await pilot.pause()
        await wait_for(pilot, lambda: view.is_current, timeout=5)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_disconnected(snap_compare, size: tuple[int, int]) -> None:
    app = device_app()

    async def settle(pilot: Pilot[int]) -> None:
        screen = await device_screen(pilot)
        screen.clock = lambda: FROZEN_AT
        await no_blink(pilot)
        await settled(pilot, screen.query_one(ChartView))

    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.scrutiny
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_connected_demo_device(
    snap_compare, tcp_server: RunningScrutinyServer, size: tuple[int, int]
) -> None:
    info = demo_status(tcp_server)
    app = device_app()

    async def show(pilot: Pilot[int]) -> None:
        screen = await device_screen(pilot)
        screen.clock = lambda: FROZEN_AT
        await no_blink(pilot)
        screen.query_one("#device-url", Input).value = "tcp://scrutiny.local:8765"
        screen.clock = lambda: FROZEN_AT - 3
        screen.show_info(info)
        screen.clock = lambda: FROZEN_AT
        chart = screen.query_one(LiveChart)
        chart.track("/rpv/x1000")
        chart.describe("/rpv/x1000", "float32")
        chart.add(sine_values("/rpv/x1000"))
        screen.tick()
        view = screen.query_one(ChartView)
        await settled(pilot, view)

    assert snap_compare(app, terminal_size=size, run_before=show)


def demo_watchables(server: RunningScrutinyServer) -> list[WatchableEntry]:
    """What the real demo firmware offers to watch."""
    with ScrutinyClient.from_url(server.url).connect() as client:
        client.wait_device_ready(10)
        while client.get_server_status().sfd is None:
            client.wait_server_status_update(5)
        return client.get_watchable_list()


WATCHED = {
    "/rpv/x1000": "float32",
    "/Sine Wave": "float32",
    "/static/main.cpp/counter": "float32",
    "/global/sinewave_generator/frequency": "float32",
}


def watch_table_scene(info: ServerInfo) -> Callable[[Pilot[int]], Awaitable[None]]:
    """Four watched values (one old, dimmed), writes allowed, an acquisition armed."""

    async def show(pilot: Pilot[int]) -> None:
        screen = await device_screen(pilot)
        screen.clock = lambda: FROZEN_AT
        await no_blink(pilot)
        screen.query_one("#device-url", Input).value = "tcp://scrutiny.local:8765"
        screen.writes_allowed = True
        screen.show_info(info)
        chart = screen.query_one(LiveChart)
        for slot, (path, dtype) in enumerate(WATCHED.items()):
            chart.track(path)
            chart.describe(path, dtype)
            chart.add(
                [dataclasses.replace(u, value=u.value * (slot + 1)) for u in sine_values(path)]
            )
        chart.watches["/static/main.cpp/counter"].received_at = FROZEN_AT - 12  # old: dimmed
        screen.query_one(DataloggerPanel).say(
            "armed: 2 signals, trigger GreaterThan · Ctrl+G stops waiting"
        )
        screen.tick()
        await settled(pilot, screen.query_one(ChartView))

    return show


@pytest.mark.scrutiny
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_watch_table_writes_allowed_and_acquisition_armed(
    snap_compare, tcp_server: RunningScrutinyServer, size: tuple[int, int]
) -> None:
    info = demo_status(tcp_server)
    app = device_app()
    assert snap_compare(app, terminal_size=size, run_before=watch_table_scene(info))


@pytest.mark.scrutiny
def test_watch_table_16_colours(
    snap_compare, tcp_server: RunningScrutinyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the Linux console (ANSI theme): dimmed rows and the armed line stay legible."""
    info = demo_status(tcp_server)
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.delenv("COLORTERM", raising=False)
    app = device_app()
    assert snap_compare(app, terminal_size=(120, 40), run_before=watch_table_scene(info))


@pytest.mark.scrutiny
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_watch_picker(
    snap_compare, tcp_server: RunningScrutinyServer, size: tuple[int, int]
) -> None:
    demo_status(tcp_server)
    entries = demo_watchables(tcp_server)
    app = device_app()

    async def show(pilot: Pilot[int]) -> None:
        screen = await device_screen(pilot)
        screen.clock = lambda: FROZEN_AT
        await no_blink(pilot)
        await app.push_screen(WatchPicker(lambda: entries, {"/rpv/x1000"}))
        picker = app.screen
        await wait_for(pilot, lambda: bool(picker.entries))
        await pilot.press(*"sine")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=show)


@pytest.mark.scrutiny
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_acquire_dialog(
    snap_compare, tcp_server: RunningScrutinyServer, size: tuple[int, int]
) -> None:
    info = demo_status(tcp_server)
    assert info.device is not None and info.device.datalogging_capabilities is not None
    capabilities = info.device.datalogging_capabilities
    app = device_app()

    async def show(pilot: Pilot[int]) -> None:
        screen = await device_screen(pilot)
        screen.clock = lambda: FROZEN_AT
        await no_blink(pilot)
        await app.push_screen(AcquireDialog(capabilities, ["/rpv/x1000", "/Sine Wave"]))
        dialog = app.screen
        dialog.query_one("#acquire-condition", Select).value = TriggerCondition.GreaterThan
        dialog.query_one("#acquire-a", Input).value = "/rpv/x1000"
        dialog.query_one("#acquire-b", Input).value = "0.5"
        await no_blink(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=show)
