"""The device screen's status bar: device state as colour + word, server link, data age."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from perda_tui.clients.scrutiny import DeviceCommState
from perda_tui.tui.common.text import literal
from perda_tui.tui.device.panels import COMM_STATES

BADGE_CLASSES = ("-ok", "-busy", "-bad", "-off")


def age_text(seconds: float) -> str:
    """How long ago, in whole units: `just now`, `12 s ago`, `3 min ago`, `2 h ago`."""
    if seconds < 1:
        return "just now"
    if seconds < 60:
        return f"{int(seconds)} s ago"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    return f"{int(seconds // 3600)} h ago"


class ConnectionText(Widget):
    """One line of text; changing it repaints this widget only (no layout pass)."""

    DEFAULT_CSS = """
    ConnectionText {
        height: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = Text()

    def show(self, text: Text) -> None:
        """Replace the text (repaint only if it changed)."""
        if text != self.text:
            self.text = text
            self.refresh()

    def render(self) -> Text:
        return self.text


class DeviceStatusBar(Horizontal):
    """`[ READY ]  connected over tcp · updated 3 s ago`; the age ticks once a second at most."""

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.connection = "not connected"
        self.word = "OFFLINE"
        self.received_at: float | None = None
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(" OFFLINE ", id="device-badge", classes="-off")
        yield ConnectionText(id="device-connection")

    def on_mount(self) -> None:
        self._ticker = self.set_interval(1.0, self._show_text, pause=True)
        self._show_text()

    def show(
        self, comm: DeviceCommState | None, connection: str, received_at: float | None
    ) -> None:
        """Device state (None: no server), the server connection in words, when data came."""
        word, css = COMM_STATES[comm] if comm is not None else ("OFFLINE", "-off")
        badge = self.query_one("#device-badge", Static)
        if self.word != word:  # a new word may change the width: only then a layout pass
            self.word = word
            badge.update(f" {word} ")
        for name in BADGE_CLASSES:
            badge.set_class(name == css, name)
        self.connection = connection
        self.received_at = received_at
        self._show_text()
        if self._ticker is not None:
            (self._ticker.resume if received_at is not None else self._ticker.pause)()

    def pause(self) -> None:
        """Stop ticking (screen hidden)."""
        if self._ticker is not None:
            self._ticker.pause()

    def resume(self) -> None:
        """Tick again if there is an age to show."""
        if self._ticker is not None and self.received_at is not None:
            self._ticker.resume()

    def _show_text(self) -> None:
        text = literal(self.connection)
        if self.received_at is not None:
            text.append(f"  ·  updated {age_text(self.clock() - self.received_at)}", style="dim")
        self.query_one(ConnectionText).show(text)
