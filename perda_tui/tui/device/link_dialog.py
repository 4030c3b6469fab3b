"""Dialog configuring the server ↔ device link: UDP/TCP host and port, or a serial port.

Serial ports are listed from this machine with pyserial; a path can also be typed. The
entries are validated by the client's config models before the dialog closes, so only a
well-formed configuration is ever sent. Dismisses with `(link_type, config)` or None.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from perda_tui.clients.scrutiny import (
    DeviceLinkInfo,
    DeviceLinkType,
    LinkConfig,
    SerialLinkConfig,
    TCPLinkConfig,
    UDPLinkConfig,
)
from perda_tui.tui.common.text import literal

LinkChoice = tuple[DeviceLinkType, LinkConfig | None]


def selected_link_type(value: object) -> DeviceLinkType:
    """The link type the type picker holds (it has no blank entry: `allow_blank=False`)."""
    return value if isinstance(value, DeviceLinkType) else DeviceLinkType.NA


TYPES = [
    ("None", DeviceLinkType.NA),
    ("UDP", DeviceLinkType.UDP),
    ("TCP", DeviceLinkType.TCP),
    ("Serial", DeviceLinkType.Serial),
]
BAUDRATES = (9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600)


def list_serial_ports() -> list[tuple[str, str]]:
    """(label, device path) of the serial ports on this machine."""
    from serial.tools import list_ports

    ports = sorted(list_ports.comports(), key=lambda port: port.device)
    return [
        (f"{p.device}  {p.description}" if p.description not in ("", "n/a") else p.device, p.device)
        for p in ports
    ]


def build_config(link_type: DeviceLinkType, fields: dict[str, str]) -> LinkConfig | None:
    """The config for the entered fields; raises ValueError with a readable message."""
    try:
        if link_type in (DeviceLinkType.UDP, DeviceLinkType.TCP):
            cls = UDPLinkConfig if link_type == DeviceLinkType.UDP else TCPLinkConfig
            port = fields["port"].strip()
            if not port.isdigit():
                raise ValueError(f"port must be a number, got {port!r}")
            return cls(host=fields["host"].strip(), port=int(port))
        if link_type == DeviceLinkType.Serial:
            baud = fields["baudrate"].strip()
            if not baud.isdigit():
                raise ValueError(f"baudrate must be a number, got {baud!r}")
            return SerialLinkConfig(
                port=fields["serial_port"].strip(),
                baudrate=int(baud),
                # the Literal types are checked at run time by SerialLinkConfig itself
                stopbits=fields["stopbits"],  # type: ignore[arg-type]
                databits=int(fields["databits"]),  # type: ignore[arg-type]
                parity=fields["parity"],  # type: ignore[arg-type]
            )
    except TypeError as exc:
        raise ValueError(str(exc)) from exc
    return None


class LinkDialog(ModalScreen[LinkChoice | None]):
    """Choose and validate a device link configuration."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="device.link.cancel"),
    ]

    def __init__(self, current: DeviceLinkInfo | None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        link = self.current
        config = link.config if link is not None else None
        net = config if isinstance(config, UDPLinkConfig) else None
        serial = config if isinstance(config, SerialLinkConfig) else None
        start = (
            link.type
            if link is not None and link.type in dict(TYPES).values()
            else DeviceLinkType.NA
        )
        with VerticalScroll(id="link-dialog"):
            yield Static("Device link", id="link-title")
            yield Select(TYPES, value=start, allow_blank=False, id="link-type")
            with Vertical(id="link-net"):
                with Horizontal(classes="link-row"):
                    yield Label("Host")
                    yield Input(net.host if net else "", placeholder="192.168.1.50", id="link-host")
                with Horizontal(classes="link-row"):
                    yield Label("Port")
                    yield Input(str(net.port) if net else "", placeholder="8765", id="link-port")
            with Vertical(id="link-serial"):
                with Horizontal(classes="link-row"):
                    yield Label("Port")
                    yield Select([], prompt="serial ports of this machine", id="serial-list")
                with Horizontal(classes="link-row"):
                    yield Label("or path")
                    yield Input(
                        serial.port if serial else "", placeholder="/dev/ttyUSB0", id="serial-path"
                    )
                with Horizontal(classes="link-row"):
                    yield Label("Baudrate")
                    yield Input(str(serial.baudrate if serial else 115200), id="serial-baud")
                with Horizontal(classes="link-row"):
                    yield Label("Framing")
                    yield Select(
                        [(str(n), str(n)) for n in (8, 7, 6, 5)],
                        value=str(serial.databits if serial else 8),
                        allow_blank=False,
                        id="serial-databits",
                    )
                    yield Select(
                        [(p, p) for p in ("none", "even", "odd", "mark", "space")],
                        value=serial.parity if serial else "none",
                        allow_blank=False,
                        id="serial-parity",
                    )
                    yield Select(
                        [(s, s) for s in ("1", "1.5", "2")],
                        value=serial.stopbits if serial else "1",
                        allow_blank=False,
                        id="serial-stopbits",
                    )
            yield Static(id="link-error")
            with Horizontal(id="link-buttons"):
                yield Button("Apply", variant="primary", id="link-apply")
                yield Button("Cancel", id="link-cancel")

    def on_mount(self) -> None:
        self._show_groups(selected_link_type(self.query_one("#link-type", Select).value))
        self._load_ports()

    @work(thread=True, exclusive=True, group="serial-ports", exit_on_error=False)
    def _load_ports(self) -> None:
        try:
            ports = list_serial_ports()
        except Exception:  # noqa: BLE001 - no port listing is not fatal: manual entry remains
            ports = []
        self.app.call_from_thread(self._set_ports, ports)

    def _set_ports(self, ports: list[tuple[str, str]]) -> None:
        select = self.query_one("#serial-list", Select)
        select.set_options(ports)
        select.prompt = (
            "serial ports of this machine" if ports else "no serial port found: type a path"
        )

    @on(Select.Changed, "#link-type")
    def _type_changed(self, event: Select.Changed) -> None:
        self._show_groups(selected_link_type(event.value))

    @on(Select.Changed, "#serial-list")
    def _port_picked(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#serial-path", Input).value = event.value

    def _show_groups(self, link_type: DeviceLinkType) -> None:
        self.query_one("#link-net").display = link_type in (DeviceLinkType.UDP, DeviceLinkType.TCP)
        self.query_one("#link-serial").display = link_type == DeviceLinkType.Serial

    def fields(self) -> dict[str, str]:
        """What is entered in the form."""
        values = {
            "host": "#link-host",
            "port": "#link-port",
            "serial_port": "#serial-path",
            "baudrate": "#serial-baud",
        }
        out = {key: self.query_one(selector, Input).value for key, selector in values.items()}
        for key in ("databits", "parity", "stopbits"):
            out[key] = str(self.query_one(f"#serial-{key}", Select).value)
        return out

    @on(Button.Pressed, "#link-apply")
    @on(Input.Submitted)
    def apply(self) -> None:
        """Validate; close with the configuration, or show what is wrong."""
        link_type = selected_link_type(self.query_one("#link-type", Select).value)
        try:
            config = build_config(link_type, self.fields())
        except ValueError as exc:
            self.query_one("#link-error", Static).update(literal(f"Invalid: {exc}", "bold"))
            return
        self.dismiss((link_type, config))

    @on(Button.Pressed, "#link-cancel")
    def cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)
