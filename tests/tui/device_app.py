"""A minimal app hosting only the device screen, as `PerdaApp` would (settings on `app`)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.widgets import Input

from perda_tui.config import Settings
from perda_tui.tui.device.screen import DeviceScreen


class DeviceApp(App[None]):
    """Shows `DeviceScreen` with `settings.scrutiny_url = url`."""

    def __init__(self, url: str = "", *, clock: Callable[[], float] | None = None) -> None:
        super().__init__()
        self.settings = Settings(scrutiny_url=url)
        self._clock = clock

    def on_mount(self) -> None:
        screen = DeviceScreen(clock=self._clock) if self._clock else DeviceScreen()
        self.push_screen(screen)

    def steady_cursor(self) -> None:
        """No blinking cursor (snapshots)."""
        for field in self.screen.query(Input):
            field.cursor_blink = False
