"""Device screen against real Scrutiny servers (0.16 over TCP, 0.1.0 over WebSocket)."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input, Select

from perda_tui.clients.scrutiny import DeviceLinkType
from perda_tui.config import Settings, read_file_settings
from perda_tui.server.scrutiny_launcher import RunningScrutinyServer, start_scrutiny_server
from perda_tui.tui.app import PerdaApp
from perda_tui.tui.device.chart import LiveChart
from perda_tui.tui.device.link_dialog import LinkDialog
from perda_tui.tui.device.screen import DeviceScreen
from tests.tui.conftest import screen_name, wait_for, wait_screen

pytestmark = [pytest.mark.anyio, pytest.mark.scrutiny]


class FakeClock:
    """A clock the test moves by hand (the screen reads it on every tick)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def device_app(url: str = "") -> PerdaApp:
    """The real app as `perda-tui device [--scrutiny URL]` starts it."""
    return PerdaApp(Settings(scrutiny_url=url), screen="device")


async def device_screen(pilot) -> DeviceScreen:
    """The device screen once the app has switched to it and mounted it."""
    await wait_screen(pilot, "DeviceScreen")
    await wait_for(pilot, lambda: pilot.app.screen.is_mounted)
    screen = pilot.app.screen
    assert isinstance(screen, DeviceScreen)
    return screen


def shown(pilot, selector: str) -> str:
    """The plain text a widget shows."""
    visual = pilot.app.screen.query_one(selector).render()
    return str(getattr(visual, "plain", visual))


async def open_link_dialog(pilot) -> LinkDialog:
    """Ctrl+L, then the link dialog once it is up."""
    await pilot.press("ctrl+l")
    await wait_screen(pilot, "LinkDialog")  # mounted: its fields exist
    return pilot.app.screen


async def press_apply(pilot) -> None:
    """Press the dialog's Apply button (as a click or Enter on it would)."""
    await pilot.pause()
    pilot.app.screen.query_one("#link-apply", Button).press()
    await pilot.pause()


def badge(pilot) -> str:
    return shown(pilot, "#device-badge").strip()


def connection(pilot) -> str:
    return shown(pilot, "#device-connection")


async def test_without_a_server_the_screen_says_offline() -> None:
    app = device_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await device_screen(pilot)
        assert badge(pilot) == "OFFLINE"
        assert "not connected" in connection(pilot)
        assert "No device connected" in shown(pilot, "#panel-identity")
        await pilot.press("ctrl+t")  # demo mode needs a server: told, nothing breaks
        await wait_for(
            pilot, lambda: any("Not connected" in str(n.message) for n in app._notifications)
        )


async def test_invalid_address_is_reported_in_the_status_bar() -> None:
    app = device_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await device_screen(pilot)
        await pilot.click("#device-url")
        await pilot.press(*"http://x:1", "enter")
        await wait_for(pilot, lambda: "Invalid address" in connection(pilot))
        assert "unsupported scheme" in connection(pilot)


async def test_connect_form_then_demo_device_fills_every_panel(
    tcp_server: RunningScrutinyServer,
) -> None:
    app = device_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await device_screen(pilot)
        await pilot.click("#device-url")
        await pilot.press(*f"127.0.0.1:{tcp_server.port}", "enter")  # transport auto → tcp
        await wait_for(pilot, lambda: badge(pilot) == "NO DEVICE")
        assert "connected over tcp" in connection(pilot)
        assert read_file_settings()["scrutiny_url"] == f"127.0.0.1:{tcp_server.port}"

        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: badge(pilot) == "READY")
        await wait_for(pilot, lambda: "Scrutiny Demo Device" in shown(pilot, "#panel-sfd"))
        assert "EmulatedDevice" in shown(pilot, "#panel-identity")
        assert "0x0-0xFFF 4 KiB" in shown(pilot, "#panel-features")
        link = shown(pilot, "#panel-link")
        assert "emulated" in link and "demo mode   yes" in link
        await wait_for(pilot, lambda: "standby" in shown(pilot, "#datalogger-text"))
        assert "updated" in connection(pilot)

        chart = app.screen.query_one(LiveChart)
        await wait_for(pilot, lambda: len(chart.history.get("/rpv/x1000", ())) >= 5)
        values = {value for _, value in chart.history["/rpv/x1000"]}
        assert len(values) >= 3  # live, changing values


async def test_watch_path_typed_by_the_user(tcp_server: RunningScrutinyServer) -> None:
    app = device_app(tcp_server.url)
    async with app.run_test(size=(120, 40)) as pilot:
        await device_screen(pilot)
        await wait_for(pilot, lambda: badge(pilot) == "NO DEVICE")
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: badge(pilot) == "READY")
        app.screen.query_one("#watch-path", Input).focus()
        await pilot.press(*"/rpv/x2000", "enter")
        chart = app.screen.query_one(LiveChart)
        await wait_for(pilot, lambda: len(chart.history.get("/rpv/x2000", ())) >= 2)
        await pilot.press(*"/no/such/path", "enter")
        await wait_for(
            pilot, lambda: any("Unknown watchable" in str(n.message) for n in app._notifications)
        )


async def test_lost_server_shows_reconnecting_then_recovers(
    tcp_server: RunningScrutinyServer,
) -> None:
    app = device_app(tcp_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await device_screen(pilot)
        await wait_for(pilot, lambda: "connected over tcp" in connection(pilot))
        tcp_server.kill()
        await wait_for(pilot, lambda: "reconnecting" in connection(pilot))
        restarted = start_scrutiny_server("tcp", port=tcp_server.port)
        try:
            await wait_for(pilot, lambda: "connected over tcp" in connection(pilot), timeout=20)
            assert badge(pilot) == "NO DEVICE"
        finally:
            restarted.stop()


async def test_link_dialog_validates_then_sends_and_shows_the_answer(
    ws_server: RunningScrutinyServer,
) -> None:
    app = device_app(ws_server.url)
    async with app.run_test(size=(100, 36)) as pilot:
        await device_screen(pilot)
        await wait_for(pilot, lambda: "connected over ws" in connection(pilot))
        dialog = await open_link_dialog(pilot)
        dialog.query_one("#link-type", Select).value = DeviceLinkType.UDP
        dialog.query_one("#link-host", Input).value = "127.0.0.1"
        dialog.query_one("#link-port", Input).value = "port"
        await press_apply(pilot)
        await wait_for(pilot, lambda: "port must be a number" in shown(pilot, "#link-error"))
        assert app.screen is dialog  # nothing sent

        dialog.query_one("#link-port", Input).value = "50123"
        await press_apply(pilot)
        await wait_screen(pilot, "DeviceScreen")
        await wait_for(pilot, lambda: "127.0.0.1:50123" in shown(pilot, "#panel-link"))
        assert "accepted by the server" in shown(pilot, "#panel-link")

        dialog = await open_link_dialog(pilot)
        dialog.query_one("#link-type", Select).value = DeviceLinkType.TCP
        await press_apply(pilot)  # host/port kept from the current UDP config
        await wait_for(pilot, lambda: "refused" in shown(pilot, "#panel-link"))
        assert "Unknown link type tcp" in shown(pilot, "#panel-link")


async def test_serial_fields_are_validated_before_sending(ws_server: RunningScrutinyServer) -> None:
    app = device_app(ws_server.url)
    async with app.run_test(size=(100, 36)) as pilot:
        await device_screen(pilot)
        await wait_for(pilot, lambda: "connected over ws" in connection(pilot))
        dialog = await open_link_dialog(pilot)
        dialog.query_one("#link-type", Select).value = DeviceLinkType.Serial
        await pilot.pause()
        assert (
            dialog.query_one("#link-serial").display and not dialog.query_one("#link-net").display
        )
        dialog.query_one("#serial-path", Input).value = ""
        await press_apply(pilot)
        await wait_for(pilot, lambda: "invalid serial port name" in shown(pilot, "#link-error"))
        dialog.query_one("#serial-path", Input).value = "/dev/perda-test-port"
        dialog.query_one("#serial-parity", Select).value = "odd"
        await press_apply(pilot)
        await wait_for(
            pilot, lambda: "/dev/perda-test-port 115200 8O1" in shown(pilot, "#panel-link")
        )


async def test_f3_in_the_full_app_opens_the_device_screen(
    tcp_server: RunningScrutinyServer, tmp_path
) -> None:
    app = PerdaApp(
        Settings(url="http://127.0.0.1:9", cache_dir=tmp_path, scrutiny_url=tcp_server.url)
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3")
        await wait_for(pilot, lambda: screen_name(pilot) == "DeviceScreen")
        await wait_for(pilot, lambda: "connected over tcp" in connection(pilot))
        device = app.screen
        chart = device.query_one(LiveChart)
        await pilot.press("f2")  # hidden: nothing is drawn, the connection stays
        await wait_for(pilot, lambda: screen_name(pilot) != "DeviceScreen")
        assert chart.paused and device.client is not None
        await pilot.press("f3")
        await wait_for(pilot, lambda: screen_name(pilot) == "DeviceScreen")
        assert not chart.paused and app.screen is device
