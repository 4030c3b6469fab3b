"""Live device screen: a Scrutiny server's device, datalogger, firmware and link, as pushed.

Takes the settings it needs as an argument (`settings.scrutiny_url`; empty: wait for the
form). The client calls back from its own thread; status callbacks post messages, values
go into an inbox, so every widget is touched on the UI thread. One timer, the beat
(`REDRAWS_PER_S` a second), does everything periodic: it takes the inbox's values, redraws
the readouts that changed, and once a second (the tick) every age, the reconnect
countdown and the chart; every wake-up of the UI loop costs CPU, so the screen has no
other timer. The client polls the server every 2 s. Time comes from `clock` (tests
replace it to drive time without sleeping).

Nothing old passes for live: when the server goes away every panel is dimmed with when
it was last seen, and when the device goes away its panels and the watched values are.

Beyond status: watchables are picked from the firmware's list (Ctrl+B); writes are off
unless `--allow-writes` or Ctrl+Y (asked), each one confirmed old → new and appended to
the write log; Ctrl+G arms a datalogger acquisition (again: stop waiting), fetched and
opened in the plot screen when complete; Ctrl+S lists the stored ones; F5 records the
watched values to a PER log in the cache until pressed again.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Select

from perda_tui.clients.scrutiny import (
    TRANSPORTS,
    Backoff,
    DataloggingAcquisition,
    DataloggingConfig,
    DataloggingRequest,
    DeviceCommState,
    DeviceLinkType,
    LinkConfig,
    ScrutinyClient,
    ServerInfo,
    ServerState,
    StatusEvent,
    Target,
    TransportName,
    ValueUpdate,
    parse_target,
)
from perda_tui.config import ConfigError, remember
from perda_tui.errors import describe
from perda_tui.tui.common.prompt import ConfirmScreen, PromptScreen
from perda_tui.tui.common.text import literal
from perda_tui.tui.device.acquire_dialog import AcquireDialog
from perda_tui.tui.device.acquisitions import AcquisitionsScreen
from perda_tui.tui.device.chart import REDRAWS_PER_S, TICK, LiveChart, value_text
from perda_tui.tui.device.link_dialog import LinkChoice, LinkDialog
from perda_tui.tui.device.opening import open_written
from perda_tui.tui.device.panels import (
    COMM_STATES,
    DataloggerPanel,
    Panel,
    mark,
    show_device,
    show_nothing,
    show_server,
)
from perda_tui.tui.device.picker import WatchPicker
from perda_tui.tui.device.records import (
    Recorder,
    WriteRecord,
    append_write,
    keep_acquisition,
    parse_value,
)
from perda_tui.tui.device.snapshots import Change, SnapshotsScreen
from perda_tui.tui.device.status import DeviceStatusBar, age_text
from perda_tui.tui.device.watch_table import WatchTable
from perda_tui.tui.stylesheets import stylesheet

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.widget import Widget

    from perda_tui.config import Settings

#: Paths watched automatically when the server's demo device is attached.
DEMO_WATCHES = ("/rpv/x1000",)
#: The status panels by name (widget id `panel-NAME`); the first three describe the device.
PANELS = ("identity", "features", "sfd", "link")
DEVICE_PANELS = ("identity", "features", "sfd")
#: Why a write is refused before anything is sent.
WRITES_OFF = "Writes are off: start with --allow-writes or press Ctrl+Y."
#: Watched values are sent by the server at most this often (Hz).
WATCH_RATE = 4.0
#: The client asks for the server's status this often (s): it sends none by itself.
STATUS_POLL = 2.0
#: A status older than this (s; one poll, and a second for the answer) is overdue.
STATUS_FRESH = math.ceil(STATUS_POLL + 1)


class StatusChanged(Message, bubble=False):
    """The client reported a new status or connection state."""

    def __init__(self, event: StatusEvent) -> None:
        super().__init__()
        self.event = event


class ConnectFinished(Message, bubble=False):
    """A connect or reconnect attempt ended (`error` empty on success)."""

    def __init__(self, client: ScrutinyClient, error: str) -> None:
        super().__init__()
        self.client = client
        self.error = error


class CommandFinished(Message, bubble=False):
    """A command (demo mode, link) ended with `answer`; `error` tells how."""

    def __init__(self, what: str, answer: str, error: bool) -> None:
        super().__init__()
        self.what = what
        self.answer = answer
        self.error = error


class WatchFinished(Message, bubble=False):
    """Subscribing to `path` ended: its data type, or the server's refusal in `error`."""

    def __init__(self, path: str, dtype: str, error: str) -> None:
        super().__init__()
        self.path = path
        self.dtype = dtype
        self.error = error


class WriteFinished(Message, bubble=False):
    """A write ended: `error` empty when the device confirmed it."""

    def __init__(self, record: WriteRecord, error: str) -> None:
        super().__init__()
        self.record = record
        self.error = error


class AcquisitionFinished(Message, bubble=False):
    """The armed acquisition ended: fetched and kept at `path`, or `error` says why not."""

    def __init__(
        self, acquisition: DataloggingAcquisition | None, path: Path | None, error: str
    ) -> None:
        super().__init__()
        self.acquisition = acquisition
        self.path = path
        self.error = error


class DeviceScreen(Screen[None]):
    """Connect form, live status panels, link dialog, demo toggle, readouts and chart."""

    CSS_PATH = stylesheet("device.tcss")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 - as Textual declares it
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.open_mode('logs')", "Back", id="device.back"),
        Binding("ctrl+n", "focus_watch", "Watch", id="device.watch"),
        Binding("ctrl+t", "toggle_demo", "Demo", id="device.demo"),
        Binding("ctrl+l", "configure_link", "Link", id="device.link"),
        Binding("ctrl+r", "reconnect_now", "Reconnect", id="device.reconnect"),
        Binding("ctrl+o", "show_details", "Details", id="device.details"),
        Binding("ctrl+b", "pick_watch", "Browse", id="device.browse"),
        Binding("ctrl+g", "acquire", "Acquire", id="device.acquire"),
        Binding("ctrl+s", "stored", "Stored", id="device.stored"),
        Binding("f5", "record", "Record", id="device.record"),
        Binding("ctrl+y", "toggle_writes", "Writes", id="device.writes"),
        Binding("f6", "snapshots", "Snapshots", id="device.snapshots"),
    ]

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.settings = settings
        self.clock = clock
        self.client: ScrutinyClient | None = None
        self.backoff = Backoff(initial=1.0, maximum=30.0)
        self.link_answer = ""
        self.writes_allowed = settings.allow_writes
        """Writes asked of the device are sent (each still confirmed); off by default."""
        self.request: DataloggingRequest | None = None
        """The acquisition armed from here, until it ends."""
        self.recorder: Recorder | None = None
        self._closing = False
        self._beats = 0
        self._inbox: list[ValueUpdate] = []
        """Values the client received since the last beat (filled on the client's thread)."""
        self._inbox_lock = threading.Lock()
        self._chart = LiveChart(clock=self.now, id="panel-chart")
        self._reset_state()

    def _reset_state(self) -> None:
        """Forget everything known about the previous server."""
        self.info: ServerInfo | None = None
        self.info_at: float | None = None
        """When the latest status arrived (screen clock)."""
        self.device: ServerInfo | None = None
        """The latest status with the device ready, and when it arrived."""
        self.device_at: float | None = None
        self.lost_at: float | None = None
        """When the connection to the server dropped (None while connected)."""
        self.retry_at: float | None = None
        self.retry_reason = ""
        self.connection = "not connected"
        self._auto_watched: set[str] = set()

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
        yield DeviceStatusBar(id="device-status")
        with VerticalScroll(id="device-body"):
            with VerticalScroll(id="device-panels"), Grid(id="device-grid"):
                yield Panel("Device", id="panel-identity")
                yield Panel("Features and memory", id="panel-features")
                yield DataloggerPanel(id="panel-datalogger", classes="device-panel")
                yield Panel("Firmware description (SFD)", id="panel-sfd")
                yield Panel("Link", id="panel-link")
            yield self._chart
        yield Footer()

    def on_mount(self) -> None:
        show_nothing(self._panels(), self.query_one(DataloggerPanel))
        for field in self.query(Input):
            field.cursor_blink = False  # a blinking cursor redraws twice a second, for hours
        self.set_interval(1 / REDRAWS_PER_S, self.beat)
        self._show_status()
        url = self.query_one("#device-url", Input)
        if url.value:
            self.query_one("#watch-path").focus()
            self.connect()
        else:
            url.focus()

    def on_screen_suspend(self) -> None:
        self.query_one(LiveChart).pause()  # the beat still takes values in, draws nothing

    def on_screen_resume(self) -> None:
        self.query_one(LiveChart).resume()

    def on_unmount(self) -> None:
        self._closing = True
        self.take_values()
        if self.recorder is not None:
            self.recorder.stop()
        if self.request is not None:
            self.request.cancel()
        if self.client is not None:
            self.client.on_status = self.client.on_values = self.client.on_watch_refused = None
            self.client.disconnect()

    # -- connecting -----------------------------------------------------------------------

    def target(self) -> Target:
        """What the form asks for; raises ValueError with a readable message."""
        text = self.query_one("#device-url", Input).value
        choice = self.query_one("#device-transport", Select).value
        transport: TransportName = "tcp" if choice == "tcp" else "ws" if choice == "ws" else "auto"
        return parse_target(text, transport)

    @on(Input.Submitted, "#device-url")
    @on(Button.Pressed, "#device-connect-button")
    def connect(self) -> None:
        """Connect to what the form says (dropping any previous server)."""
        try:
            target = self.target()
        except ValueError as exc:
            self.connection = f"Invalid address: {exc}"
            self._show_status()
            return
        old, self.client = self.client, None
        client = ScrutinyClient(
            on_status=self._status_from_thread,
            on_values=self._values_from_thread,
            on_watch_refused=self._refused_from_thread,
            allow_writes=self.writes_allowed,
            poll_interval=STATUS_POLL,
            values_interval=1 / REDRAWS_PER_S,  # one hand-over per beat, not per value
        )
        client.target = target
        self.client, self.link_answer = client, ""
        self._reset_state()
        self.backoff.reset()
        self.query_one(LiveChart).clear()
        show_nothing(self._panels(), self.query_one(DataloggerPanel))
        self.connection = f"connecting to {target.url}…"
        self._show_status()
        self._connect(client, old, first=True)

    @work(thread=True, exclusive=True, group="device-connect", exit_on_error=False)
    def _connect(self, client: ScrutinyClient, old: ScrutinyClient | None, first: bool) -> None:
        if old is not None:
            old.on_status = old.on_values = old.on_watch_refused = None
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
        self.retry_at = self.clock() + self.backoff.next()
        self.retry_reason = reason
        self.tick()

    def action_reconnect_now(self) -> None:
        """Try the current server again now."""
        self.retry_at = None
        client = self.client
        if client is None or client.server_state == ServerState.Connected:
            return
        self.connection = "reconnecting…"
        self._show_status()
        self._connect(client, None, first=False)

    # -- status and values (posted from the client thread) --------------------------------

    def _status_from_thread(self, event: StatusEvent) -> None:
        self.post_message(StatusChanged(event))

    def _values_from_thread(self, updates: list[ValueUpdate]) -> None:
        with self._inbox_lock:  # taken by the next beat: no wake-up of the UI loop per hand-over
            self._inbox.extend(updates)

    def _refused_from_thread(self, path: str, reason: str) -> None:
        self.post_message(WatchFinished(path, "", reason))

    def on_status_changed(self, message: StatusChanged) -> None:
        event = message.event
        if self.client is None or self._closing:
            return
        self.take_values()  # what came before this news is recorded before it
        if event.server_state == ServerState.Disconnected:
            if event.lost:
                self.lost_at = self.clock()
                if self.recorder is not None:
                    self.recorder.connection(False)
                self._schedule_retry(event.error or "connection lost")
            return
        if event.server_state == ServerState.Connecting or event.info is None:
            if self.lost_at is None:
                self.connection = "connecting…"
                self._show_status()
            return
        self.show_info(event.info)

    def show_info(self, info: ServerInfo, *, force: bool = False) -> None:
        """Show a complete status; panel contents are redrawn only when something changed."""
        now = self.clock()
        changed = force or info != self.info or self.lost_at is not None
        if self.lost_at is not None and self.recorder is not None:
            self.recorder.connection(True)
        self.info, self.info_at, self.lost_at, self.retry_at = info, now, None, None
        if info.device_comm_state == DeviceCommState.ConnectedReady:
            self.device, self.device_at = info, now
        transport = self.client.transport if self.client is not None else None
        connection = f"connected over {transport or 'tcp'}"
        changed = changed or connection != self.connection
        self.connection = connection
        with self.app.batch_update():
            if changed:
                panels = self._panels()
                show_device(panels, info if self._device_live() else self.device or info)
                show_server(panels, self.query_one(DataloggerPanel), info, self.link_answer)
                self._show_status()  # a mere new age waits for the one-second tick
            self._show_freshness()
        self._watch_demo_paths(info)

    def _watch_demo_paths(self, info: ServerInfo) -> None:
        """Watch `DEMO_WATCHES` once per demo device session."""
        session = info.device_session_id
        if not session:
            return
        connected = self.client is not None and self.client.server_state == ServerState.Connected
        if connected and info.device_link.demo_mode and session not in self._auto_watched:
            self._auto_watched.add(session)
            for path in DEMO_WATCHES:
                self.watch_path(path)

    def _device_live(self) -> bool:
        return (
            self.lost_at is None
            and self.info is not None
            and self.info.device_comm_state == DeviceCommState.ConnectedReady
        )

    def take_values(self) -> None:
        """Hand the values in the inbox to the readouts, the chart and the recording."""
        with self._inbox_lock:
            updates, self._inbox = self._inbox, []
        if updates:
            self._chart.add(updates)  # the model only: safe once unmounted too
            if self.recorder is not None:
                self.recorder.add([(u.path, u.value, u.timestamp) for u in updates])

    # -- the beat: values in, readouts; the tick: ages, countdown, staleness, chart -------

    def beat(self) -> None:
        """The periodic timer: take the values in; every `TICK` s, tick (ages and readouts
        change with the new chart, in one frame), else redraw the readouts that changed."""
        self.take_values()
        chart = self._chart
        if chart.paused:  # hidden: values are kept, nothing is drawn, no reconnect
            return
        self._beats += 1
        if self._beats % round(TICK * REDRAWS_PER_S):
            chart.flush()
            return
        self._retry_when_due()
        chart.tick(then=self._show_times)

    def tick(self) -> None:
        """Refresh everything that depends on time now; reconnect when the countdown is over."""
        self._retry_when_due()
        self._show_times()
        self.query_one(LiveChart).tick()

    def _retry_when_due(self) -> None:
        if self.retry_at is not None and self.clock() >= self.retry_at:
            self.action_reconnect_now()

    def _show_times(self) -> None:
        self._show_status()
        self._show_freshness()

    def status_line(self) -> str:
        """The connection in words, with the countdown or the data's age."""
        now = self.clock()
        if self.retry_at is not None:
            wait = max(0, math.ceil(self.retry_at - now))
            attempt = self.backoff.attempts
            return f"reconnecting in {wait} s (attempt {attempt}): {self.retry_reason}"
        rows = self.recorder.rows if self.recorder is not None else None
        notes = "".join(
            f"  ·  {note}"
            for note, on in (
                ("writes allowed", self.writes_allowed),
                (f"recording {rows} rows", rows is not None),
                ("acquisition armed", self.request is not None),
            )
            if on
        )
        if self.info_at is not None and self.lost_at is None:
            return f"{self.connection}  ·  updated {self._status_age(now - self.info_at)}{notes}"
        return self.connection + notes

    def _status_age(self, age: float) -> str:
        """`≤ 3 s ago` while statuses come as often as the client polls (the line then
        stays still, not counting up and back every poll), else the age itself."""
        return f"≤ {STATUS_FRESH} s ago" if age <= STATUS_FRESH else age_text(age)

    def _badge(self) -> tuple[str, str]:
        if self.lost_at is not None:
            return "NO SERVER", "-bad"
        if self.info is None:
            return "OFFLINE", "-off"
        return COMM_STATES[self.info.device_comm_state]

    def _show_status(self) -> None:
        word, css = self._badge()
        self.query_one(DeviceStatusBar).show(word, css, literal(self.status_line()))

    def _show_freshness(self) -> None:
        """Dim what is old and say since when; live panels are left as they are."""
        now = self.clock()
        server_note = device_note = stale = ""
        if self.lost_at is not None and self.info_at is not None:
            server_note = f"server lost · last seen {age_text(now - self.info_at)}"
            device_note, stale = server_note, "server lost"
        elif not self._device_live() and self.device_at is not None:
            device_note = f"device gone · last seen {age_text(now - self.device_at)}"
            stale = "device gone"
        panels: dict[str, Widget] = {
            **self._panels(),
            "datalogger": self.query_one(DataloggerPanel),
        }
        for name, panel in panels.items():
            mark(panel, device_note if name in DEVICE_PANELS else server_note)
        self.query_one(LiveChart).set_stale(stale)

    def _panels(self) -> dict[str, Panel]:
        return {name: self.query_one(f"#panel-{name}", Panel) for name in PANELS}

    def action_show_details(self) -> None:
        """The full texts of the lines cut to the screen's width, as a notification."""
        client = self.client
        lines = [self.status_line()]
        if client is not None and client.last_error and client.last_error not in lines[0]:
            lines.append(f"last error: {client.last_error}")
        if self.link_answer:
            lines.append(f"link: {self.link_answer}")
        if self.query_one(LiveChart).message:
            lines.append(f"watch: {self.query_one(LiveChart).message}")
        self.notify("\n".join(lines), title="Connection", markup=False, timeout=15)

    # -- watches --------------------------------------------------------------------------

    @on(LiveChart.WatchRequested)
    def _watch_requested(self, message: LiveChart.WatchRequested) -> None:
        self.watch_path(message.path)

    def watch_path(self, path: str) -> None:
        """Watch `path`: a readout and a chart line; a refusal removes them with its reason."""
        client = self.client
        if client is None or client.server_state != ServerState.Connected:
            self.notify("Not connected to a Scrutiny server.", severity="warning")
            return
        if not self.query_one(LiveChart).track(path):
            self.notify("Watching as many paths as the table holds.", severity="warning")
            return
        self._watch(client, path)

    @work(thread=True, group="device-command", exit_on_error=False)
    def _watch(self, client: ScrutinyClient, path: str) -> None:
        try:
            handle = client.watch(path, WATCH_RATE)
        except Exception as exc:  # noqa: BLE001 - the server's answer is shown to the user
            self.post_message(WatchFinished(path, "", describe(exc)))
        else:
            self.post_message(WatchFinished(path, handle.datatype, ""))

    def on_watch_finished(self, message: WatchFinished) -> None:
        chart = self.query_one(LiveChart)
        if message.error:
            chart.refuse(message.path, message.error)
            self.notify(message.error, title="Watch refused", severity="error", markup=False)
        else:
            chart.describe(message.path, message.dtype)

    @on(WatchTable.RemoveRequested)
    def _remove_requested(self, message: WatchTable.RemoveRequested) -> None:
        self.query_one(LiveChart).forget(message.path)
        if self.client is not None:
            self._unwatch(self.client, message.path)

    @work(thread=True, group="device-command", exit_on_error=False)
    def _unwatch(self, client: ScrutinyClient, path: str) -> None:
        try:
            client.unwatch(path)
        except Exception as exc:  # noqa: BLE001 - the watch is gone here either way
            self.post_message(CommandFinished("unwatch", describe(exc), True))

    def action_focus_watch(self) -> None:
        """Focus the path input of the watch panel (scrolled into view)."""
        field = self.query_one("#watch-path", Input)
        field.focus()
        self.query_one(LiveChart).scroll_visible()

    # -- commands -------------------------------------------------------------------------

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
            if self.info is not None:
                show_server(
                    self._panels(), self.query_one(DataloggerPanel), self.info, self.link_answer
                )
        severity: SeverityLevel = "error" if message.error else "information"
        title = message.what.capitalize()
        self.notify(message.answer, title=title, severity=severity, markup=False)

    # -- the firmware's watchables --------------------------------------------------------

    def _connected(self) -> ScrutinyClient | None:
        client = self.client
        if client is None or client.server_state != ServerState.Connected:
            self.notify("Not connected to a Scrutiny server.", severity="warning")
            return None
        return client

    def action_pick_watch(self) -> None:
        """Choose a watchable from the loaded firmware description."""
        client = self._connected()
        if client is not None:
            watched = set(self.query_one(LiveChart).watches)
            self.app.push_screen(WatchPicker(client.get_watchable_list, watched), self._picked)

    def _picked(self, path: str | None) -> None:
        if path:
            self.watch_path(path)

    # -- guarded writes -------------------------------------------------------------------

    def action_toggle_writes(self) -> None:
        """Allow writes for this session (asked first), or forbid them again."""
        if self.writes_allowed:
            self._set_writes(False)
            return
        question = "Allow writing values to the device in this session? Each write still asks."
        self.app.push_screen(ConfirmScreen(question, yes="allow writes"), self._set_writes)

    def _set_writes(self, allowed: bool | None) -> None:
        self.writes_allowed = bool(allowed)
        if self.client is not None:
            self.client.allow_writes = self.writes_allowed
        self.notify("Writes allowed." if self.writes_allowed else "Writes are off.")
        self._show_status()

    @on(WatchTable.WriteRequested)
    def _write_requested(self, message: WatchTable.WriteRequested) -> None:
        self.ask_write(message.path)

    def ask_write(self, path: str) -> None:
        """Ask for a new value of the watched `path`, then confirm old → new, then write."""
        if not self.writes_allowed:
            self.notify(WRITES_OFF, severity="warning")
            return
        watch = self.query_one(LiveChart).watches.get(path)
        if watch is None or self._connected() is None:
            return
        dtype = watch.dtype

        def check(text: str) -> str | None:
            try:
                parse_value(text, dtype)
            except ValueError as exc:
                return str(exc)
            return None

        def entered(text: str | None) -> None:
            if text is not None:
                self._confirm_write(path, watch.value, parse_value(text, dtype))

        question = f"New value of {path} ({dtype or 'type unknown'}), now {value_text(watch.value)}"
        self.app.push_screen(PromptScreen(question, check=check), entered)

    def _firmware(self) -> str:
        info = self.info
        return info.sfd.firmware_id if info is not None and info.sfd is not None else ""

    def _record(
        self, path: str, old: float | int | bool | None, new: float | int | bool
    ) -> WriteRecord:
        server = self.client.target.url if self.client and self.client.target else ""
        return WriteRecord(server, self._firmware(), path, old, new)

    def _confirm_write(
        self, path: str, old: float | int | bool | None, new: float | int | bool
    ) -> None:
        record = self._record(path, old, new)

        def answered(yes: bool | None) -> None:
            client = self._connected() if yes else None
            if client is not None:
                self._write(client, [record])

        question = f"Write {path}: {value_text(old)} → {value_text(new)}?"
        self.app.push_screen(ConfirmScreen(question, yes="write"), answered)

    @work(thread=True, group="device-command", exit_on_error=False)
    def _write(self, client: ScrutinyClient, records: list[WriteRecord]) -> None:
        for record in records:
            try:
                client.write(record.path, record.new)
                append_write(self.settings.cache_dir, record)
            except Exception as exc:  # noqa: BLE001 - the server's answer is shown to the user
                self.post_message(WriteFinished(record, describe(exc)))
            else:
                self.post_message(WriteFinished(record, ""))

    # -- snapshots ------------------------------------------------------------------------

    def action_snapshots(self) -> None:
        """Save the watched values, compare a saved snapshot with them, restore one."""
        watches = self.query_one(LiveChart).watches

        def current() -> dict[str, float | int | bool | None]:
            return {p: w.value if w.received_at is not None else None for p, w in watches.items()}

        screen = SnapshotsScreen(self.settings.cache_dir, current, self._firmware())
        self.app.push_screen(screen, self._restore)

    def _restore(self, changes: list[Change] | None) -> None:
        if not changes:
            return
        if not self.writes_allowed:
            self.notify(WRITES_OFF, severity="warning")
            return
        records = [self._record(path, now, saved) for path, now, saved in changes]
        lines = [
            f"{r.path}: {'?' if r.old is None else value_text(r.old)} → {value_text(r.new)}"
            for r in records
        ]
        question = f"Restore {len(records)} values?\n" + "\n".join(lines)

        def answered(yes: bool | None) -> None:
            client = self._connected() if yes else None
            if client is not None:
                self._write(client, records)

        self.app.push_screen(ConfirmScreen(question, yes="write them all"), answered)

    def on_write_finished(self, message: WriteFinished) -> None:
        record = message.record
        if message.error:
            self.notify(message.error, title="Write failed", severity="error", markup=False)
            return
        text = f"{record.path}: {value_text(record.old)} → {value_text(record.new)} (logged)"
        self.notify(text, title="Written", markup=False)

    # -- datalogger -----------------------------------------------------------------------

    def action_acquire(self) -> None:
        """Configure and arm an acquisition; with one armed, stop waiting for it."""
        if self.request is not None:
            self.request.cancel()
            return
        client = self._connected()
        if client is None:
            return
        device = self.info.device if self.info is not None else None
        capabilities = device.datalogging_capabilities if device is not None else None
        if client.transport != "tcp" or capabilities is None:
            self.notify("The datalogger is not available on this server.", severity="warning")
            return
        watched = list(self.query_one(LiveChart).watches)
        self.app.push_screen(AcquireDialog(capabilities, watched), self._arm)

    def _arm(self, config: DataloggingConfig | None) -> None:
        client = self._connected() if config is not None else None
        if client is not None and config is not None:
            self.query_one(DataloggerPanel).say(f"arming {len(config.signals)} signals…")
            self._acquire(client, config)

    @work(thread=True, exclusive=True, group="device-acquire", exit_on_error=False)
    def _acquire(self, client: ScrutinyClient, config: DataloggingConfig) -> None:
        try:
            request = client.start_datalog(config)
        except Exception as exc:  # noqa: BLE001 - the server's answer is shown to the user
            self.post_message(AcquisitionFinished(None, None, describe(exc)))
            return
        self.app.call_from_thread(self._armed, request, config)
        try:
            request.wait_for_completion()
            acquisition = request.fetch_acquisition()
            path = keep_acquisition(self.settings.cache_dir, acquisition)
        except Exception as exc:  # noqa: BLE001 - cancelled, failed, lost: shown to the user
            self.post_message(AcquisitionFinished(None, None, describe(exc)))
        else:
            self.post_message(AcquisitionFinished(acquisition, path, ""))

    def _armed(self, request: DataloggingRequest, config: DataloggingConfig) -> None:
        self.request = request
        trigger = config.condition.name if config.operands else "immediately"
        self.query_one(DataloggerPanel).say(
            f"armed: {len(config.signals)} signals, trigger {trigger} · Ctrl+G stops waiting"
        )
        self._show_status()

    def on_acquisition_finished(self, message: AcquisitionFinished) -> None:
        self.request = None
        panel = self.query_one(DataloggerPanel)
        self._show_status()
        if message.error or message.acquisition is None or message.path is None:
            panel.say(f"acquisition: {message.error}", "bold")
            self.notify(message.error, title="Acquisition", severity="error", markup=False)
            return
        acquisition = message.acquisition
        panel.say(f"fetched {len(acquisition.xdata.data)} points · {message.path.name}")
        self.post_message(open_written(message.path, acquisition.name or message.path.name))

    def action_stored(self) -> None:
        """List the acquisitions stored on the server (open, rename, delete)."""
        client = self._connected()
        if client is None:
            return
        if client.transport != "tcp":
            self.notify("Stored acquisitions are not available on this server.", severity="warning")
            return
        self.app.push_screen(AcquisitionsScreen(client), self._open_stored)

    def _open_stored(self, reference_id: str | None) -> None:
        client = self._connected() if reference_id else None
        if client is not None and reference_id:
            self._fetch_stored(client, reference_id)

    @work(thread=True, group="device-acquire", exit_on_error=False)
    def _fetch_stored(self, client: ScrutinyClient, reference_id: str) -> None:
        try:
            acquisition = client.read_datalogging_acquisition(reference_id)
            path = keep_acquisition(self.settings.cache_dir, acquisition)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            self.post_message(AcquisitionFinished(None, None, describe(exc)))
        else:
            self.post_message(AcquisitionFinished(acquisition, path, ""))

    # -- recordings -----------------------------------------------------------------------

    def action_record(self) -> None:
        """Start recording the watched values to a PER log in the cache; again: stop and open."""
        self.take_values()  # what came before the key press is recorded (or not) as such
        if self.recorder is not None:
            recorder, self.recorder = self.recorder, None
            path = recorder.stop()
            self._show_status()
            self.notify(f"{recorder.rows} rows in {path}", title="Recording stopped", markup=False)
            self.post_message(open_written(path, path.name))
            return
        paths = list(self.query_one(LiveChart).watches)
        if not paths:
            self.notify("Watch some values first (Ctrl+B).", severity="warning")
            return
        try:
            self.recorder = Recorder.start(self.settings.cache_dir, paths)
        except OSError as exc:
            self.notify(describe(exc), title="Cannot record", severity="error", markup=False)
            return
        if self.lost_at is not None:
            self.recorder.connection(False)
        self.notify(f"Recording {len(paths)} values to {self.recorder.path.name} (F5 stops).")
        self._show_status()


def configure(client: ScrutinyClient, link_type: DeviceLinkType, config: LinkConfig | None) -> str:
    """Send a link configuration; the answer in words."""
    client.configure_device_link(link_type, config)
    return "accepted by the server"


def demo_mode(client: ScrutinyClient, enable: bool) -> str:
    """Switch the server's demo device on or off; the answer in words."""
    client.request_demo_mode(enable)
    return f"demo mode {'on' if enable else 'off'}"
