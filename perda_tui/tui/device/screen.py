"""Live device screen: a Scrutiny server's device, datalogger, firmware and link, as pushed.

Takes the settings it needs as an argument (`settings.scrutiny_url`; empty: wait for the
form). The client calls back from its own thread; the callbacks only post messages, so
every widget is touched on the UI thread. Nothing polls here: the client polls the server
every 2 s, the age label ticks once a second and the chart redraws at most once a second.
A lost connection shows "reconnecting" and retries with exponential backoff.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Footer, Input, Select

from perda_tui.clients.scrutiny import (
    TRANSPORTS,
    Backoff,
    DeviceLinkType,
    LinkConfig,
    ScrutinyClient,
    ServerInfo,
    ServerState,
    StatusEvent,
    Target,
    ValueUpdate,
    parse_target,
)
from perda_tui.config import ConfigError, remember
from perda_tui.errors import describe
from perda_tui.tui.device.chart import LiveChart
from perda_tui.tui.device.link_dialog import LinkChoice, LinkDialog
from perda_tui.tui.device.panels import DataloggerPanel, Panel, show_nothing, show_status
from perda_tui.tui.device.status import DeviceStatusBar
from perda_tui.tui.stylesheets import stylesheet

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from perda_tui.config import Settings

#: Paths watched automatically when the server's demo device is attached.
DEMO_WATCHES = ("/rpv/x1000",)
#: The status panels by name (widget id `panel-NAME`).
PANELS = ("identity", "features", "sfd", "link")
#: Watched values are sent by the server at most this often (Hz).
WATCH_RATE = 4.0


class StatusChanged(Message):
    """The client reported a new status or connection state."""

    def __init__(self, event: StatusEvent) -> None:
        super().__init__()
        self.event = event


class ValuesReceived(Message):
    """New values of watched paths."""

    def __init__(self, updates: list[ValueUpdate]) -> None:
        super().__init__()
        self.updates = updates


class ConnectFinished(Message):
    """A connect or reconnect attempt ended (`error` empty on success)."""

    def __init__(self, client: ScrutinyClient, error: str) -> None:
        super().__init__()
        self.client = client
        self.error = error


class CommandFinished(Message):
    """A command (demo mode, link, watch) ended with `answer`; `error` tells how."""

    def __init__(self, what: str, answer: str, error: bool) -> None:
        super().__init__()
        self.what = what
        self.answer = answer
        self.error = error


class DeviceScreen(Screen[None]):
    """Connect form, live status panels, link dialog, demo toggle and live chart."""

    CSS_PATH = stylesheet("device.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "toggle_demo", "Demo mode", id="device.demo"),
        Binding("ctrl+l", "configure_link", "Link…", id="device.link"),
        Binding("ctrl+r", "reconnect_now", "Reconnect", id="device.reconnect"),
    ]

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.settings = settings
        self.clock = clock
        self.client: ScrutinyClient | None = None
        self.info: ServerInfo | None = None
        self.backoff = Backoff(initial=1.0, maximum=30.0)
        self.link_answer = ""
        self._retry: Timer | None = None
        self._closing = False

    def now(self) -> float:
        """The screen's clock (tests replace `clock` to drive time without sleeping)."""
        return self.clock()

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="device-connect"):
            yield Input(
                self.settings.scrutiny_url,
                placeholder="tcp://host:port, ws://host:port or host:port",
                id="device-url",
            )
            yield Select(
                [(name, name) for name in TRANSPORTS],
                value="auto",
                allow_blank=False,
                id="device-transport",
            )
            yield Button("Connect", id="device-connect-button", variant="primary")
        yield DeviceStatusBar(clock=self.now, id="device-status")
        with VerticalScroll(id="device-body"):
            with Grid(id="device-grid"):
                yield Panel("Device", id="panel-identity")
                yield Panel("Features and memory", id="panel-features")
                yield DataloggerPanel(id="panel-datalogger", classes="device-panel")
                yield Panel("Firmware description (SFD)", id="panel-sfd")
                yield Panel("Link", id="panel-link")
            yield LiveChart(id="panel-chart")
        yield Footer()

    def on_mount(self) -> None:
        show_nothing(self._panels(), self.query_one(DataloggerPanel))
        for field in self.query(Input):
            field.cursor_blink = False  # a blinking cursor redraws twice a second, for hours
        url = self.query_one("#device-url", Input)
        if url.value:
            self.query_one("#device-body").focus()
            self.connect()
        else:
            url.focus()

    def on_screen_suspend(self) -> None:
        self.query_one(DeviceStatusBar).pause()
        self.query_one(LiveChart).pause()

    def on_screen_resume(self) -> None:
        self.query_one(DeviceStatusBar).resume()
        self.query_one(LiveChart).resume()

    def on_unmount(self) -> None:
        self._closing = True
        if self.client is not None:
            self.client.on_status = self.client.on_values = None
            self.client.disconnect()

    # -- connecting -----------------------------------------------------------------------

    def target(self) -> Target:
        """What the form asks for; raises ValueError with a readable message."""
        text = self.query_one("#device-url", Input).value
        transport = self.query_one("#device-transport", Select).value
        return parse_target(text, transport if isinstance(transport, str) else "auto")  # type: ignore[arg-type]

    @on(Input.Submitted, "#device-url")
    @on(Button.Pressed, "#device-connect-button")
    def connect(self) -> None:
        """Connect to what the form says (dropping any previous server)."""
        try:
            target = self.target()
        except ValueError as exc:
            self._show_connection(None, f"Invalid address: {exc}")
            return
        self._cancel_retry()
        old, self.client = self.client, None
        client = ScrutinyClient(
            on_status=self._status_from_thread, on_values=self._values_from_thread
        )
        client.target = target
        self.client, self.info, self.link_answer = client, None, ""
        self.backoff.reset()
        self.query_one(LiveChart).clear()
        show_nothing(self._panels(), self.query_one(DataloggerPanel))
        self._show_connection(None, f"connecting to {target.url}…")
        self._connect(client, old, first=True)

    @work(thread=True, exclusive=True, group="device-connect", exit_on_error=False)
    def _connect(self, client: ScrutinyClient, old: ScrutinyClient | None, first: bool) -> None:
        if old is not None:
            old.on_status = old.on_values = None
            old.disconnect()
        try:
            (client.connect if first else client.reconnect)(wait_status=False)
        except Exception as exc:  # noqa: BLE001 - every failure is shown and retried
            self.post_message(ConnectFinished(client, describe(exc)))
        else:
            self.post_message(ConnectFinished(client, ""))

    def on_connect_finished(self, message: ConnectFinished) -> None:
        if message.client is not self.client or self._closing:
            return
        if message.error:
            self._schedule_retry(message.error)
            return
        self.backoff.reset()
        target = message.client.target
        if target is not None:
            try:
                remember(scrutiny_url=target.url)
            except (OSError, ConfigError, ValueError) as exc:
                self.notify(f"Could not remember the address: {describe(exc)}", markup=False)

    def _schedule_retry(self, reason: str) -> None:
        delay = self.backoff.next()
        self._show_connection(
            None, f"reconnecting in {delay:g} s (attempt {self.backoff.attempts}): {reason}"
        )
        self._cancel_retry()
        self._retry = self.set_timer(delay, self.action_reconnect_now)

    def _cancel_retry(self) -> None:
        if self._retry is not None:
            self._retry.stop()
            self._retry = None

    def action_reconnect_now(self) -> None:
        """Try the current server again now."""
        self._retry = None
        client = self.client
        if client is None or client.server_state == ServerState.Connected:
            return
        self._show_connection(None, "reconnecting…")
        self._connect(client, None, first=False)

    # -- status and values (posted from the client thread) --------------------------------

    def _status_from_thread(self, event: StatusEvent) -> None:
        self.post_message(StatusChanged(event))

    def _values_from_thread(self, updates: list[ValueUpdate]) -> None:
        self.post_message(ValuesReceived(updates))

    def on_status_changed(self, message: StatusChanged) -> None:
        event = message.event
        if self.client is None or self._closing:
            return
        if event.server_state == ServerState.Disconnected:
            if event.lost:
                self._schedule_retry(event.error or "connection lost")
            return
        if event.server_state == ServerState.Connecting or event.info is None:
            self._show_connection(None, "connecting…")
            return
        self.show_info(event.info, received_at=event.received_at)

    def show_info(self, info: ServerInfo, *, received_at: float, force: bool = False) -> None:
        """Show a complete status; the panels are redrawn only when something changed."""
        changed, self.info = force or info != self.info, info
        transport = self.client.transport if self.client is not None else None
        with self.app.batch_update():
            self._show_connection(info, f"connected over {transport or 'tcp'}", received_at)
            if changed:
                show_status(self._panels(), self.query_one(DataloggerPanel), info, self.link_answer)
        connected = self.client is not None and self.client.server_state == ServerState.Connected
        if connected and info.device_link.demo_mode and info.device_session_id:
            for path in DEMO_WATCHES:
                if path not in self.query_one(LiveChart).history:
                    self.watch_path(path)

    def _panels(self) -> dict[str, Panel]:
        return {name: self.query_one(f"#panel-{name}", Panel) for name in PANELS}

    def _show_connection(
        self, info: ServerInfo | None, text: str, received_at: float | None = None
    ) -> None:
        comm = info.device_comm_state if info is not None else None
        self.query_one(DeviceStatusBar).show(comm, text, received_at)

    def on_values_received(self, message: ValuesReceived) -> None:
        self.query_one(LiveChart).add(message.updates)

    # -- commands -------------------------------------------------------------------------

    @on(LiveChart.WatchRequested)
    def _watch_requested(self, message: LiveChart.WatchRequested) -> None:
        self.watch_path(message.path)

    def watch_path(self, path: str) -> None:
        """Watch `path` and chart its values."""
        self.query_one(LiveChart).track(path)
        self._run_command("watch", lambda client: watch(client, path))

    def action_toggle_demo(self) -> None:
        """Attach or detach the server's demo device (servers ≥ 0.8)."""
        enable = not (self.info is not None and self.info.device_link.demo_mode)
        self._run_command("demo", lambda client: demo_mode(client, enable))

    def action_configure_link(self) -> None:
        """Open the link dialog; the chosen configuration is sent to the server."""
        current = self.info.device_link if self.info is not None else None
        self.app.push_screen(LinkDialog(current), self._link_chosen)

    def _link_chosen(self, choice: LinkChoice | None) -> None:
        if choice is None:
            return
        link_type, config = choice
        self._run_command("link", lambda client: configure(client, link_type, config))

    def _run_command(self, what: str, command: Callable[[ScrutinyClient], str]) -> None:
        client = self.client
        if client is None or client.server_state != ServerState.Connected:
            self.notify("Not connected to a Scrutiny server.", severity="warning")
            return
        self._command(client, what, command)

    @work(thread=True, group="device-command", exit_on_error=False)
    def _command(
        self, client: ScrutinyClient, what: str, command: Callable[[ScrutinyClient], str]
    ) -> None:
        try:
            answer = command(client)
        except Exception as exc:  # noqa: BLE001 - the server's answer is shown to the user
            self.post_message(CommandFinished(what, describe(exc), True))
        else:
            self.post_message(CommandFinished(what, answer, False))

    def on_command_finished(self, message: CommandFinished) -> None:
        if message.what == "link":
            self.link_answer = ("refused: " if message.error else "") + message.answer
            received = self.query_one(DeviceStatusBar).received_at or self.clock()
            if self.info is not None:
                self.show_info(self.info, received_at=received, force=True)
        if message.error or message.what != "watch":
            severity: SeverityLevel = "error" if message.error else "information"
            self.notify(
                message.answer, title=message.what.capitalize(), severity=severity, markup=False
            )


def configure(client: ScrutinyClient, link_type: DeviceLinkType, config: LinkConfig | None) -> str:
    """Send a link configuration; the answer in words."""
    client.configure_device_link(link_type, config)
    return "accepted by the server"


def watch(client: ScrutinyClient, path: str) -> str:
    """Watch `path` at `WATCH_RATE`; the answer in words."""
    client.watch(path, WATCH_RATE)
    return f"watching {path}"


def demo_mode(client: ScrutinyClient, enable: bool) -> str:
    """Switch the server's demo device on or off; the answer in words."""
    client.request_demo_mode(enable)
    return f"demo mode {'on' if enable else 'off'}"
