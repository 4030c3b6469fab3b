"""The device screen at 80x24 from the keyboard: its own keys first in the footer, long
lines cut with the full text one key away, every panel reachable with Tab."""

from __future__ import annotations

import pytest
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from perda_tui.tui.device.chart import LiveChart
from perda_tui.tui.device.screen import DeviceScreen
from tests.tui.conftest import screen_name, wait_for
from tests.tui.test_device import connection, device_app, device_screen

pytestmark = pytest.mark.anyio

PANELS = ["panel-identity", "panel-features", "panel-datalogger", "panel-sfd", "panel-link"]


async def test_footer_starts_with_back_and_the_screens_keys() -> None:
    async with device_app().run_test(size=(80, 24)) as pilot:
        screen = await device_screen(pilot)
        await pilot.pause()
        keys = [key.description for key in screen.query(FooterKey)]
        assert keys[:6] == ["Back", "Watch", "Demo", "Link", "Reconnect", "Details"]
        footer_line = "".join(f" {k.key_display} {k.description} " for k in screen.query(FooterKey))
        assert footer_line.index("Details") < 80  # all six fit on an 80-column line
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen_name(pilot) != "DeviceScreen")


async def test_long_status_line_is_cut_and_shown_in_full_on_ctrl_o() -> None:
    app = device_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await device_screen(pilot)
        address = "tcp://" + "h" * 30 + ":port-" + "x" * 60
        screen.query_one("#device-url", Input).value = address
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Invalid address" in connection(pilot))
        await pilot.pause()
        line = screen.query_one("#device-connection")
        shown = line.render_line(0).text
        assert shown.rstrip().endswith("…") and len(shown) <= line.size.width
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: any(address in str(n.message) for n in app._notifications))


async def test_tab_reaches_every_panel_and_scrolls_it_into_view() -> None:
    async with device_app().run_test(size=(80, 24)) as pilot:
        screen = await device_screen(pilot)
        body = screen.query_one("#device-body")
        reached: list[str] = []
        for _ in range(15):
            await pilot.press("tab")
            await pilot.pause()
            focused = screen.focused
            if focused is not None and focused.id in PANELS:
                reached.append(focused.id)
                top, bottom = focused.region.y, focused.region.bottom
                assert body.region.y <= top and bottom <= body.region.bottom
        assert sorted(set(reached)) == sorted(PANELS)
        assert isinstance(pilot.app.screen, DeviceScreen)
        chart = screen.query_one(LiveChart)
        await pilot.press("ctrl+n")  # and the watch panel is one key away
        await wait_for(pilot, lambda: chart.query_one("#watch-path").has_focus)
