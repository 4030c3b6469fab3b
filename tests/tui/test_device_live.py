"""Live means live: against a real Scrutiny 0.16 server, what the user sees when the server
or the device goes away, when a watch is refused or removed, and where the chart is.

Time on screen comes from a `FakeClock` the test moves, then `screen.tick()` (what the
screen's one-second timer calls): no test waits on the wall clock.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from perda_tui.server.scrutiny_launcher import RunningScrutinyServer
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.device.chart import LiveChart
from perda_tui.tui.device.panels import DataloggerPanel, Panel
from perda_tui.tui.device.screen import DeviceScreen
from perda_tui.tui.device.watch_table import WatchTable
from tests.tui.conftest import wait_for
from tests.tui.test_device import FakeClock, badge, connection, device_app, device_screen, shown

pytestmark = [pytest.mark.anyio, pytest.mark.scrutiny]

WATCHED = "/rpv/x1000"
BRAILLE = range(0x2800, 0x2900)


def row_text(table: WatchTable, path: str) -> str:
    """The readout row of `path` as the user reads it."""
    return "  ".join(cell.plain for cell in table.get_row(path))


def panel_notes(screen: DeviceScreen) -> dict[str, str]:
    """Each status panel's subtitle (its `last seen` note)."""
    widgets = [*screen.query(Panel), screen.query_one(DataloggerPanel)]
    return {str(w.id): str(w.border_subtitle or "") for w in widgets}


def stale_panels(screen: DeviceScreen) -> set[str]:
    """Ids of the panels drawn dimmed."""
    widgets = [*screen.query(Panel), screen.query_one(DataloggerPanel)]
    return {str(w.id) for w in widgets if w.has_class("-stale")}


def blank_columns_at_right(view: ChartView) -> int:
    """How many columns of the plot area, counted from its right edge, hold no line."""
    lines = view.plain_text().splitlines()
    right = max(line.find("┐") for line in lines)
    last = max(
        (i for line in lines for i, ch in enumerate(line) if ord(ch) in BRAILLE and i < right),
        default=-1,
    )
    return right - 1 - last


async def demo_device_with_values(pilot, clock: FakeClock) -> DeviceScreen:
    """The device screen showing the demo device and a value of `WATCHED`."""
    screen = await device_screen(pilot)
    screen.clock = clock
    await wait_for(pilot, lambda: badge(pilot) == "NO DEVICE")
    await pilot.press("ctrl+t")
    await wait_for(pilot, lambda: badge(pilot) == "READY")
    chart = screen.query_one(LiveChart)
    await wait_for(pilot, lambda: WATCHED in chart.watches)
    await wait_for(pilot, lambda: chart.watches[WATCHED].received_at is not None)
    await wait_for(pilot, lambda: chart.watches[WATCHED].dtype == "float32")
    table = chart.query_one(WatchTable)  # readouts are redrawn within 1/10 s of a value
    await wait_for(pilot, lambda: "waiting" not in row_text(table, WATCHED))
    return screen


async def test_server_lost_marks_everything_at_once_and_counts_down(
    tcp_server: RunningScrutinyServer,
) -> None:
    clock = FakeClock()
    async with device_app(tcp_server.url).run_test(size=(120, 40)) as pilot:
        screen = await demo_device_with_values(pilot, clock)
        chart = screen.query_one(LiveChart)
        table = chart.query_one(WatchTable)
        view = chart.query_one(ChartView)
        readout = row_text(table, WATCHED)
        assert "now" in readout and "/s" in readout  # value, min, max, rate, age
        assert not stale_panels(screen) and not chart.stale
        screen.tick()
        await wait_for(pilot, lambda: view.is_current)
        assert blank_columns_at_right(view) <= 2  # live: the line reaches "now"

        tcp_server.kill()
        await wait_for(pilot, lambda: badge(pilot) == "NO SERVER")
        assert stale_panels(screen) == set(panel_notes(screen))  # every panel, at once
        assert set(panel_notes(screen).values()) == {"server lost · last seen just now"}
        assert "EmulatedDevice" in shown(pilot, "#panel-identity")  # kept, dimmed
        assert chart.stale == "server lost" and chart.has_class("-stale")
        assert "reconnecting in 1 s (attempt 1)" in connection(pilot)

        clock.advance(1)
        screen.tick()  # the countdown is over: one attempt, refused, the next one later
        await wait_for(pilot, lambda: "(attempt 2)" in connection(pilot))
        assert "reconnecting in 2 s" in connection(pilot)
        clock.advance(1)
        screen.tick()
        assert "reconnecting in 1 s (attempt 2)" in connection(pilot)

        clock.advance(4)
        screen.tick()
        notes = set(panel_notes(screen).values())
        assert notes == {"server lost · last seen 6 s ago"}
        assert row_text(table, WATCHED).endswith("6s")
        assert chart.border_subtitle == "server lost · last value 6 s ago"
        await wait_for(pilot, lambda: view.is_current)
        assert blank_columns_at_right(view) >= 8  # 6 s of a 30 s span: the gap shows


async def test_device_gone_dims_device_panels_and_values(
    tcp_server: RunningScrutinyServer,
) -> None:
    clock = FakeClock()
    async with device_app(tcp_server.url).run_test(size=(120, 40)) as pilot:
        screen = await demo_device_with_values(pilot, clock)
        chart = screen.query_one(LiveChart)
        await pilot.press("ctrl+t")  # the demo device is detached
        await wait_for(pilot, lambda: badge(pilot) == "NO DEVICE")
        assert stale_panels(screen) == {"panel-identity", "panel-features", "panel-sfd"}
        assert panel_notes(screen)["panel-identity"] == "device gone · last seen just now"
        clock.advance(3)
        screen.tick()
        assert panel_notes(screen)["panel-identity"] == "device gone · last seen 3 s ago"
        assert "EmulatedDevice" in shown(pilot, "#panel-identity")  # what was last known
        assert panel_notes(screen)["panel-link"] == ""  # the server still reports the link
        assert chart.stale == "device gone"
        assert chart.border_subtitle.startswith("device gone · last value")


async def test_refused_watch_is_removed_with_the_reason(tcp_server: RunningScrutinyServer) -> None:
    async with device_app(tcp_server.url).run_test(size=(120, 40)) as pilot:
        screen = await demo_device_with_values(pilot, FakeClock())
        chart = screen.query_one(LiveChart)
        screen.query_one("#watch-path", Input).focus()
        await pilot.press(*"/no/such/path", "enter")
        await wait_for(pilot, lambda: "/no/such/path" in shown(pilot, "#watch-message"))
        assert "Unknown watchable" in shown(pilot, "#watch-message")
        assert list(chart.watches) == [WATCHED]
        assert chart.query_one(WatchTable).row_count == 1


async def test_any_watch_can_be_removed_by_key(tcp_server: RunningScrutinyServer) -> None:
    async with device_app(tcp_server.url).run_test(size=(120, 40)) as pilot:
        screen = await demo_device_with_values(pilot, FakeClock())
        chart = screen.query_one(LiveChart)
        table = chart.query_one(WatchTable)
        table.focus()
        await pilot.press("delete")
        await wait_for(pilot, lambda: table.row_count == 0)
        assert WATCHED not in chart.history
        client = screen.client
        assert client is not None
        await wait_for(pilot, lambda: WATCHED not in client.watched)
        seen = screen.info
        await wait_for(pilot, lambda: screen.info is not seen)  # the next status (poll)
        assert table.row_count == 0  # the demo watch is not added back


async def test_chart_visible_at_120x40_and_reachable_at_80x24() -> None:
    async with device_app().run_test(size=(120, 40)) as pilot:
        screen = await device_screen(pilot)
        view = screen.query_one(ChartView)
        await wait_for(pilot, lambda: view.is_current)
        assert view.region.height >= 15 and view.region.bottom <= 39  # above the footer
    async with device_app().run_test(size=(80, 24)) as pilot:
        screen = await device_screen(pilot)
        field = screen.query_one("#watch-path", Input)
        assert not field.has_focus  # the address field has it
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: field.has_focus)
        await pilot.pause()
        view = screen.query_one(ChartView)
        assert 0 < field.region.bottom <= view.region.y <= 23 - 3  # chart rows on screen
