"""What the device panels say for given models (no server needed), and the progress bar."""

from __future__ import annotations

import math
import threading
from pathlib import Path

import pytest
from textual.widgets import ProgressBar

from perda_tui.clients.scrutiny import (
    DataloggerState,
    DataloggingInfo,
    DeviceCommState,
    DeviceLinkInfo,
    DeviceLinkType,
    MemoryRegion,
    RawLinkConfig,
    SerialLinkConfig,
    ServerInfo,
    TCPLinkConfig,
    UDPLinkConfig,
    ValueUpdate,
)
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.device import chart as chart_module
from perda_tui.tui.device.chart import (
    REDRAWS_PER_S,
    TICK,
    LiveChart,
    build_chart,
    fit_number,
    short_age,
)
from perda_tui.tui.device.link_dialog import build_config
from perda_tui.tui.device.panels import link_text, region_text, sfd_text
from perda_tui.tui.device.records import Recorder
from perda_tui.tui.device.status import age_text
from perda_tui.tui.device.watch_table import WatchTable
from tests.tui.conftest import wait_for
from tests.tui.test_device import FakeClock, device_app, device_screen

SERIAL_FIELDS = {
    "host": "",
    "port": "",
    "serial_port": "/dev/ttyUSB0",
    "baudrate": "57600",
    "databits": "7",
    "parity": "even",
    "stopbits": "2",
}


@pytest.mark.parametrize(
    ("region", "text"),
    [
        (MemoryRegion(0, 4096), "0x0-0xFFF 4 KiB"),
        (MemoryRegion(0x2000, 2**32 - 0x2000), "0x2000-0xFFFFFFFF 4 GiB"),
        (MemoryRegion(0x10, 16), "0x10-0x1F 16 B"),
    ],
)
def test_memory_regions(region: MemoryRegion, text: str) -> None:
    assert region_text(region) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.4, "just now"), (12.9, "12 s ago"), (185, "3 min ago"), (7300, "2 h ago")],
)
def test_age(seconds: float, text: str) -> None:
    assert age_text(seconds) == text


def test_link_text_of_each_kind() -> None:
    serial = DeviceLinkInfo(
        DeviceLinkType.Serial, SerialLinkConfig("/dev/ttyS1", 9600, parity="odd"), True
    )
    assert "/dev/ttyS1 9600 8O1" in link_text(serial).plain
    udp = link_text(
        DeviceLinkInfo(DeviceLinkType.UDP, UDPLinkConfig("10.0.0.9", 8765), False), "accepted"
    )
    assert "10.0.0.9:8765" in udp.plain and "no" in udp.plain and "accepted" in udp.plain
    rtt = DeviceLinkInfo(DeviceLinkType.RTT, RawLinkConfig((("target_device", "STM32"),)))
    assert "target_device=STM32" in link_text(rtt).plain


def test_server_strings_cannot_inject_markup_or_escapes() -> None:
    from perda_tui.clients.scrutiny import SFDInfo, SFDMetadata

    sfd = SFDInfo("abc", SFDMetadata("[bold red]x[/] \x1b[2J", None, None, None))
    text = sfd_text(sfd)
    assert "[bold red]x[/]" in text.plain and "\x1b" not in text.plain


def test_link_form_builds_validated_configs() -> None:
    assert build_config(DeviceLinkType.Serial, SERIAL_FIELDS) == SerialLinkConfig(
        "/dev/ttyUSB0", 57600, stopbits="2", databits=7, parity="even"
    )
    tcp = build_config(DeviceLinkType.TCP, {**SERIAL_FIELDS, "host": "pi.local", "port": "9000"})
    assert tcp == TCPLinkConfig("pi.local", 9000)
    assert build_config(DeviceLinkType.NA, SERIAL_FIELDS) is None
    for link_type, change, message in [
        (DeviceLinkType.UDP, {"host": "ok", "port": "99999"}, "port must be in"),
        (DeviceLinkType.UDP, {"host": "no spaces", "port": "1"}, "invalid host"),
        (DeviceLinkType.Serial, {"baudrate": "fast"}, "baudrate must be a number"),
    ]:
        with pytest.raises(ValueError, match=message):
            build_config(link_type, {**SERIAL_FIELDS, **change})


def test_chart_shows_the_last_span_relative_to_the_newest_sample() -> None:
    history = {"/a": [(100.0 + t, math.sin(t)) for t in range(40)], "/b": []}
    chart = build_chart(history)
    assert chart.x_range == (-30.0, 0.0)
    assert chart.series[0].x[-1] == 0.0 and chart.series[0].label == "/a"
    assert len(chart.series[1].x) == 0


def hand_over(screen, updates: list[ValueUpdate]) -> None:
    """What the client does with new values: hand them over from its own thread."""
    thread = threading.Thread(target=screen._values_from_thread, args=(updates,))
    thread.start()
    thread.join()


@pytest.mark.anyio
async def test_the_beat_takes_values_in_and_ticks_every_second() -> None:
    assert 1 / REDRAWS_PER_S < TICK  # readouts redrawn between two ticks
    async with device_app().run_test(size=(120, 40)) as pilot:
        screen = await device_screen(pilot)
        screen.clock = clock = FakeClock()
        chart = screen.query_one(LiveChart)
        table, view = chart.query_one(WatchTable), chart.query_one(ChartView)
        chart.track("/x")
        # no await from here on: the beat's own timer cannot run in between
        hand_over(screen, [ValueUpdate("/x", 1.5, 10.0), ValueUpdate("/x", 2.5, 10.2)])
        assert chart.watches["/x"].received_at is None  # waits in the inbox for the beat
        redraws = chart.redraws
        screen.beat()
        assert chart.watches["/x"].count == 2 and chart.history["/x"][-1] == (10.2, 2.5)
        assert table.get_row("/x")[1].plain == "2.5" and chart.redraws == redraws + 1
        clock.advance(5)
        drawn = view.generation
        screen.beat()
        screen.beat()  # of two beats in a row, one ticks: every age and the chart, at once
        assert view.generation == drawn + 1 and view.is_current
        assert table.get_row("/x")[-1].plain == "5s"
        hand_over(screen, [])
        screen.beat()
        screen.beat()  # nothing new: no readout redrawn, the chart is
        assert chart.redraws == redraws + 1 and view.generation == drawn + 2


@pytest.mark.anyio
async def test_values_in_the_inbox_are_recorded_before_the_recording_stops(
    tmp_path: Path,
) -> None:
    async with device_app().run_test(size=(120, 40)) as pilot:
        screen = await device_screen(pilot)
        screen.recorder = recorder = Recorder.start(tmp_path, ["/x"])
        hand_over(screen, [ValueUpdate("/x", 1.5, 10.0)])
        rows = recorder.rows
        screen.action_record()  # stop
        assert recorder.rows == rows + 1 and not recorder.active


@pytest.mark.anyio
@pytest.mark.parametrize("here", [True, False])
async def test_the_seconds_tick_changes_rows_and_text_with_its_chart(
    here: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not here:  # a chart too big to draw on the UI thread: a worker draws it
        monkeypatch.setattr(chart_module, "DRAW_HERE_CELLS", 0)
    async with device_app().run_test(size=(120, 40)) as pilot:
        screen = await device_screen(pilot)
        clock = FakeClock()
        screen.clock = clock
        chart = screen.query_one(LiveChart)
        table, view = chart.query_one(WatchTable), chart.query_one(ChartView)
        chart.track("/x")
        chart.add([ValueUpdate("/x", 1.5, 10.0)])
        await wait_for(pilot, lambda: view.is_current)
        clock.advance(5)
        shown: list[str] = []
        chart.tick(then=lambda: shown.append(table.get_row("/x")[-1].plain))
        if here:
            assert view.is_current and shown == ["5s"]  # drawn at once, rows with it
        else:
            assert not shown and table.get_row("/x")[-1].plain != "5s"  # waits for the chart
            await wait_for(pilot, lambda: bool(shown))
        assert shown[0] == "5s"  # the rows were redrawn first, in the same frame
        chart.pause()
        chart.tick(then=lambda: shown.append("paused"))
        assert shown[-1] == "paused"  # no chart drawn while hidden: at once


@pytest.mark.anyio
async def test_datalogger_progress_bar_follows_the_completion_ratio() -> None:
    app = device_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await device_screen(pilot)
        clock = FakeClock(48.0)
        screen.clock = clock
        bar = screen.query_one("#datalogger-progress", ProgressBar)
        assert not bar.display  # no ratio, no (animated) bar
        # Textual's ProgressBar starts a 1 s timer on mount (for its ETA); ours must not
        # wake the app every second (`_timers` is Textual's private list of them)
        assert not list(bar._timers)
        link = DeviceLinkInfo(DeviceLinkType._Dummy, None, True, True)
        acquiring = ServerInfo(
            DeviceCommState.ConnectedReady,
            "s1",
            None,
            DataloggingInfo(DataloggerState.Acquiring, 0.42),
            None,
            link,
        )
        screen.show_info(acquiring)
        clock.advance(2)
        screen.tick()
        await pilot.pause()
        assert bar.display and bar.progress == 42
        assert "acquiring  42%" in str(screen.query_one("#datalogger-text").render())
        # polled every 2 s, a status up to 3 s old is as fresh as polling allows: the line
        # says so and stays still; an overdue one shows its age
        assert "updated ≤ 3 s ago" in str(screen.query_one("#device-connection").render())
        clock.advance(1.5)
        assert "updated 3 s ago" in screen.status_line()  # 3.5 s: overdue
        chart = screen.query_one(LiveChart)
        chart.track("/x")
        chart.add([ValueUpdate("/x", 1.5, 10.0), ValueUpdate("/ignored", 2.0, 10.0)])
        assert list(chart.history) == ["/x"] and chart.history["/x"][-1] == (10.0, 1.5)


@pytest.mark.parametrize(
    ("value", "width", "text"),
    [(-1.46958e-05, 10, "-1.47e-05"), (3.14159265, 7, "3.14159"), (12, 7, "12")],
)
def test_numbers_are_shortened_to_their_column(value: float, width: int, text: str) -> None:
    assert fit_number(value, width) == text and len(text) <= width


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.5, "now"), (12.9, "12s"), (61, "1m"), (7200, "2h"), (1e9, "999d")]
)
def test_ages_fit_four_characters(seconds: float, text: str) -> None:
    assert short_age(seconds) == text
