"""The device screen's live panels: each renders one part of a Scrutiny `ServerInfo`.

Formatting is in plain functions (`*_text`) returning Rich `Text` built with `literal`,
so server strings can never inject markup or control characters.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import ProgressBar, Static

from perda_tui.clients.scrutiny import (
    DataloggerState,
    DataloggingInfo,
    DeviceCommState,
    DeviceInfo,
    DeviceLinkInfo,
    DeviceLinkType,
    MemoryRegion,
    SerialLinkConfig,
    ServerInfo,
    SFDInfo,
    UDPLinkConfig,
)
from perda_tui.tui.common.text import literal
from perda_tui.units import human_bytes

#: Word and CSS class of each device state (the class picks the colour in device.tcss).
COMM_STATES = {
    DeviceCommState.ConnectedReady: ("READY", "-ok"),
    DeviceCommState.Connecting: ("CONNECTING", "-busy"),
    DeviceCommState.Disconnected: ("NO DEVICE", "-bad"),
    DeviceCommState.NA: ("UNKNOWN", "-bad"),
}
DATALOGGER_WORDS = {
    DataloggerState.NA: "unavailable",
    DataloggerState.Standby: "standby",
    DataloggerState.WaitForTrigger: "waiting for trigger",
    DataloggerState.Acquiring: "acquiring",
    DataloggerState.DataReady: "data ready",
    DataloggerState.Downloading: "downloading",
    DataloggerState.Error: "error",
}
LINK_WORDS = {
    DeviceLinkType.NA: "none",
    DeviceLinkType.UDP: "UDP",
    DeviceLinkType.TCP: "TCP",
    DeviceLinkType.Serial: "serial",
    DeviceLinkType.RTT: "RTT (J-Link)",
    DeviceLinkType.CAN: "CAN bus",
    DeviceLinkType._Dummy: "emulated",
    DeviceLinkType._DummyThreadSafe: "emulated",
}
NONE = Text("—", style="dim")
FIELD_WIDTH = 12


def rows(*pairs: tuple[str, Text | str]) -> Text:
    """`label  value` lines with aligned values."""
    text = Text()
    for index, (label, value) in enumerate(pairs):
        if index:
            text.append("\n")
        text.append(f"{label:<{FIELD_WIDTH}}", style="bold")
        text.append_text(value if isinstance(value, Text) else literal(value))
    return text


def yes_no(flag: bool | None) -> Text:
    """`yes` / `no` in the success / error colours; `—` when unknown."""
    if flag is None:
        return NONE
    return Text("yes", style="green") if flag else Text("no", style="red")


def region_text(region: MemoryRegion) -> str:
    """`0x2000-0xFFFFFFFF 4 GiB`: bounds in hex, size in binary units."""
    return f"0x{region.start:X}-0x{region.end:X} {human_bytes(region.size)}"


def identity_text(device: DeviceInfo | None) -> Text:
    """Who the device is and what it can take."""
    if device is None:
        return Text("No device connected.", style="dim")
    bitrate = "no limit" if device.max_bitrate_bps is None else f"{device.max_bitrate_bps:,} bit/s"
    return rows(
        ("name", device.display_name),
        ("firmware", device.device_id),
        ("protocol", f"v{device.protocol_major}.{device.protocol_minor}"),
        ("addresses", f"{device.address_size_bits} bits"),
        ("tx / rx", f"{device.max_tx_data_size} / {device.max_rx_data_size} bytes"),
        ("bitrate", bitrate),
        ("rx timeout", f"{device.rx_timeout_us / 1000:g} ms"),
        ("heartbeat", f"{device.heartbeat_timeout:g} s"),
    )


def features_text(device: DeviceInfo | None) -> Text:
    """Supported features, then the forbidden and read-only memory regions."""
    if device is None:
        return Text("—", style="dim")
    features = device.supported_features
    text = rows(
        ("mem. write", yes_no(features.memory_write)),
        ("datalogging", yes_no(features.datalogging)),
        ("user cmd", yes_no(features.user_command)),
        ("64-bit", yes_no(features.sixtyfour_bits)),
    )
    for label, regions in (
        ("forbidden", device.forbidden_memory_regions),
        ("read-only", device.readonly_memory_regions),
    ):
        text.append("\n")
        if not regions:
            text.append_text(rows((label, NONE)))
        for index, region in enumerate(regions):
            if index:
                text.append("\n")
            text.append_text(rows((label if index == 0 else "", region_text(region))))
    return text


def datalogger_text(info: DataloggingInfo, device: DeviceInfo | None) -> Text:
    """Datalogger state word and progress in percent."""
    state = Text(
        DATALOGGER_WORDS[info.state],
        style="bold red" if info.state == DataloggerState.Error else "bold",
    )
    if info.completion_ratio is not None:
        state.append(f"  {info.completion_ratio:.0%}")
    supported = None if device is None else device.supported_features.datalogging
    return rows(("state", state), ("supported", yes_no(supported)))


def sfd_text(sfd: SFDInfo | None) -> Text:
    """The loaded firmware description and its metadata."""
    if sfd is None:
        return Text("No firmware description loaded.", style="dim")
    meta = sfd.metadata
    pairs: list[tuple[str, Text | str]] = [("firmware", sfd.firmware_id)]
    if meta is None:
        return rows(*pairs, ("metadata", NONE))
    pairs += [
        ("project", meta.project_name or NONE),
        ("version", meta.version or NONE),
        ("author", meta.author or NONE),
    ]
    gen = meta.generation_info
    if gen is not None:
        when = gen.timestamp.strftime("%Y-%m-%d %H:%M UTC") if gen.timestamp else NONE
        tools = ", ".join(
            part
            for part in (
                gen.scrutiny_version and f"scrutiny {gen.scrutiny_version}",
                gen.python_version and f"Python {gen.python_version}",
                gen.system_type,
            )
            if part
        )
        pairs += [("generated", when), ("with", tools or NONE)]
    return rows(*pairs)


def link_config_text(link: DeviceLinkInfo) -> Text | str:
    """The link configuration on one line."""
    config = link.config
    if isinstance(config, UDPLinkConfig):
        return f"{config.host}:{config.port}"
    if isinstance(config, SerialLinkConfig):
        parity = config.parity[0].upper()
        return f"{config.port} {config.baudrate} {config.databits}{parity}{config.stopbits}"
    if config is None:
        return NONE
    return ", ".join(f"{key}={value}" for key, value in config.to_api().items()) or NONE


def link_text(link: DeviceLinkInfo, answer: str = "") -> Text:
    """Link type, configuration, whether it works, demo mode and the last configure answer."""
    pairs: list[tuple[str, Text | str]] = [
        ("type", LINK_WORDS[link.type]),
        ("config", link_config_text(link)),
        ("operational", yes_no(link.operational)),
        ("demo mode", yes_no(link.demo_mode)),
    ]
    if answer:
        pairs.append(("last change", answer))
    return rows(*pairs)


def mark(panel: Widget, subtitle: str) -> None:
    """Dim `panel` and say how old its data is in its subtitle (empty: live, not dimmed)."""
    panel.set_class(bool(subtitle), "-stale")
    if (panel.border_subtitle or "") != subtitle:
        panel.border_subtitle = subtitle


class Panel(Static):
    """A bordered panel with a title; `show()` replaces its content."""

    can_focus = True  # Tab reaches every panel (and scrolls it into view)

    def __init__(self, title: str, *, id: str) -> None:
        super().__init__(Text("—", style="dim"), id=id, classes="device-panel")
        self.border_title = title

    def show(self, text: Text) -> None:
        """Replace the content."""
        self.update(text)


class RatioBar(ProgressBar):
    """A bar for a ratio the server pushes, without an ETA, so without ProgressBar's own
    one-second timer (it refreshes the ETA: here it only woke the app, bar hidden or not)."""

    @on(events.Mount)
    def _mounted(self, event: events.Mount) -> None:
        event.prevent_default()  # no base class handler: ProgressBar's starts that timer
        self.update()


class DataloggerPanel(Vertical):
    """Datalogger state and a progress bar for `completion_ratio` (hidden when None)."""

    can_focus = True

    def compose(self) -> ComposeResult:
        yield Static(Text("—", style="dim"), id="datalogger-text")
        yield RatioBar(total=100, show_eta=False, id="datalogger-progress")
        yield Static(id="datalogger-request")

    def say(self, text: str, style: str = "") -> None:
        """One line about the acquisition armed from here (empty: hidden)."""
        line = self.query_one("#datalogger-request", Static)
        line.update(literal(text, style))
        line.display = bool(text)

    def on_mount(self) -> None:
        self.border_title = "Datalogger"
        self.say("")

    def show(self, info: DataloggingInfo, device: DeviceInfo | None) -> None:
        """Show the state; the bar only while a ratio is known (no busy animation)."""
        self.query_one("#datalogger-text", Static).update(datalogger_text(info, device))
        bar = self.query_one("#datalogger-progress", RatioBar)
        bar.display = info.completion_ratio is not None
        if info.completion_ratio is not None:
            bar.update(progress=round(info.completion_ratio * 100))


def show_nothing(panels: dict[str, Panel], datalogger: DataloggerPanel) -> None:
    """Every panel as it is before any status arrived."""
    panels["identity"].show(identity_text(None))
    panels["features"].show(features_text(None))
    panels["sfd"].show(sfd_text(None))
    panels["link"].show(Text("—", style="dim"))
    datalogger.show(DataloggingInfo(DataloggerState.NA, None), None)
    for panel in (*panels.values(), datalogger):
        mark(panel, "")


def show_device(panels: dict[str, Panel], info: ServerInfo) -> None:
    """Fill the device panels (identity, features, firmware description) from a status."""
    panels["identity"].show(identity_text(info.device))
    panels["features"].show(features_text(info.device))
    panels["sfd"].show(sfd_text(info.sfd))


def show_server(
    panels: dict[str, Panel], datalogger: DataloggerPanel, info: ServerInfo, answer: str
) -> None:
    """Fill the panels the server reports on (link, datalogger) from a status."""
    panels["link"].show(link_text(info.device_link, answer))
    datalogger.show(info.datalogging, info.device)
