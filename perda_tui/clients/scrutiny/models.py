"""Immutable status models of a Scrutiny server (names as in the Scrutiny SDK).

Every object here is a frozen dataclass or an enum; lists are stored as tuples, so a
`ServerInfo` handed to another thread can never change under it.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

AddressSize = Literal[8, 16, 32, 64, 128]
SerialStopBits = Literal["1", "1.5", "2"]
SerialDataBits = Literal[5, 6, 7, 8]
SerialParity = Literal["none", "even", "odd", "mark", "space"]


class ServerState(enum.Enum):
    """State of the connection between this client and the server."""

    Disconnected = 0
    Connecting = 1
    Connected = 2
    Error = -1


class DeviceCommState(enum.Enum):
    """State of the link between the server and the device."""

    NA = 0
    Disconnected = 1
    Connecting = 2
    ConnectedReady = 3


class DataloggerState(enum.Enum):
    """State of the device's datalogger (`Downloading` is sent by 0.16 servers only)."""

    NA = 0
    Standby = 1
    WaitForTrigger = 2
    Acquiring = 3
    DataReady = 4
    Error = 5
    Downloading = 6


class DeviceLinkType(enum.Enum):
    """Kind of link between the server and the device."""

    _DummyThreadSafe = -2
    _Dummy = -1
    NA = 0
    UDP = 1
    TCP = 2
    Serial = 3
    RTT = 4
    CAN = 5


class WatchableType(enum.Enum):
    """What a watched path refers to."""

    NA = 0
    Variable = 1
    RuntimePublishedValue = 2
    Alias = 3


@dataclass(frozen=True)
class SupportedFeatureMap:
    """Optional features the device firmware was built with."""

    memory_write: bool
    datalogging: bool
    user_command: bool
    sixtyfour_bits: bool


@dataclass(frozen=True)
class MemoryRegion:
    """A contiguous memory range `[start, start + size)`."""

    start: int
    size: int

    @property
    def end(self) -> int:
        """Last address inside the region."""
        return self.start + self.size - 1


@dataclass(frozen=True)
class SamplingRate:
    """One of the device's sampling loops; `frequency` None for a variable-rate loop."""

    identifier: int
    name: str
    frequency: float | None


@dataclass(frozen=True)
class DataloggingCapabilities:
    """What the device's datalogger can do."""

    buffer_size: int
    max_nb_signal: int
    sampling_rates: tuple[SamplingRate, ...]


@dataclass(frozen=True)
class DeviceInfo:
    """Identity and limits of the connected device. `heartbeat_timeout` is in seconds."""

    device_id: str
    display_name: str
    max_tx_data_size: int
    max_rx_data_size: int
    max_bitrate_bps: int | None
    rx_timeout_us: int
    heartbeat_timeout: float
    address_size_bits: AddressSize
    protocol_major: int
    protocol_minor: int
    supported_features: SupportedFeatureMap
    forbidden_memory_regions: tuple[MemoryRegion, ...]
    readonly_memory_regions: tuple[MemoryRegion, ...]
    datalogging_capabilities: DataloggingCapabilities | None = None
    """Sent in the device info by 0.16 servers; None otherwise."""


@dataclass(frozen=True)
class DataloggingInfo:
    """Datalogger state; `completion_ratio` in 0..1 while acquiring, else None."""

    state: DataloggerState
    completion_ratio: float | None


@dataclass(frozen=True)
class SFDGenerationInfo:
    """How and when a firmware description was generated."""

    timestamp: datetime | None
    python_version: str | None
    scrutiny_version: str | None
    system_type: str | None


@dataclass(frozen=True)
class SFDMetadata:
    """Human metadata of a firmware description."""

    project_name: str | None
    author: str | None
    version: str | None
    generation_info: SFDGenerationInfo | None


@dataclass(frozen=True)
class SFDInfo:
    """The loaded Scrutiny Firmware Description (metadata None when unknown)."""

    firmware_id: str
    metadata: SFDMetadata | None


_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9-]{1,63})*$")


def _check_host(host: object) -> None:
    if not isinstance(host, str):
        raise TypeError(f"host must be a string, got {type(host).__name__}")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _HOSTNAME.match(host):
            raise ValueError(f"invalid host name {host!r}") from None


def _check_int(value: object, name: str, low: int, high: int | None = None) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < low or (high is not None and value > high):
        upper = "" if high is None else f"..{high}"
        raise ValueError(f"{name} must be in {low}{upper}, got {value}")


@dataclass(frozen=True)
class UDPLinkConfig:
    """Device reachable over UDP."""

    host: str
    port: int

    def __post_init__(self) -> None:
        _check_host(self.host)
        _check_int(self.port, "port", 1, 0xFFFF)

    def to_api(self) -> dict[str, object]:
        """The `link_config` object sent to the server."""
        return {"host": self.host, "port": self.port}


@dataclass(frozen=True)
class TCPLinkConfig(UDPLinkConfig):
    """Device reachable over TCP (known to the SDK; current servers reject it)."""


@dataclass(frozen=True)
class SerialLinkConfig:
    """Device on a serial port."""

    port: str
    baudrate: int
    stopbits: SerialStopBits = "1"
    databits: SerialDataBits = 8
    parity: SerialParity = "none"

    def __post_init__(self) -> None:
        if not isinstance(self.port, str):
            raise TypeError(f"port must be a string, got {type(self.port).__name__}")
        if not self.port.strip() or any(ord(c) < 32 for c in self.port):
            raise ValueError(f"invalid serial port name {self.port!r}")
        _check_int(self.baudrate, "baudrate", 1, 100_000_000)
        for name, allowed in (
            ("stopbits", SerialStopBits),
            ("databits", SerialDataBits),
            ("parity", SerialParity),
        ):
            if getattr(self, name) not in get_args(allowed):
                choices = ", ".join(str(a) for a in get_args(allowed))
                raise ValueError(f"{name} must be one of {choices}, got {getattr(self, name)!r}")

    def to_api(self) -> dict[str, object]:
        """The `link_config` object sent to the server (servers expect `portname`)."""
        return {
            "portname": self.port,
            "baudrate": self.baudrate,
            "stopbits": self.stopbits,
            "databits": self.databits,
            "parity": self.parity,
        }


@dataclass(frozen=True)
class RawLinkConfig:
    """A link config this client does not model (RTT, CAN, dummy): kept as key/value pairs."""

    items: tuple[tuple[str, str], ...] = ()

    def to_api(self) -> dict[str, object]:
        """The configuration as it was received (values as text)."""
        return dict(self.items)


LinkConfig = UDPLinkConfig | TCPLinkConfig | SerialLinkConfig | RawLinkConfig

#: Link types this client can configure, and the config class each one takes.
CONFIGURABLE_LINKS: dict[DeviceLinkType, type | None] = {
    DeviceLinkType.NA: None,
    DeviceLinkType.UDP: UDPLinkConfig,
    DeviceLinkType.TCP: TCPLinkConfig,
    DeviceLinkType.Serial: SerialLinkConfig,
}


@dataclass(frozen=True)
class DeviceLinkInfo:
    """Server ↔ device link. `operational`/`demo_mode` are None on servers that omit them."""

    type: DeviceLinkType
    config: LinkConfig | None
    operational: bool | None = None
    demo_mode: bool | None = None


@dataclass(frozen=True)
class ServerInfo:
    """Everything the server reports about itself and the device, complete and immutable."""

    device_comm_state: DeviceCommState
    device_session_id: str | None
    device: DeviceInfo | None
    datalogging: DataloggingInfo
    sfd: SFDInfo | None
    device_link: DeviceLinkInfo


@dataclass(frozen=True)
class ValueUpdate:
    """One new value of a watched path; `timestamp` is seconds since the epoch."""

    path: str
    value: float | int | bool | None
    timestamp: float


@dataclass(frozen=True)
class WatchableEntry:
    """One thing the loaded firmware description offers to watch."""

    path: str
    type: WatchableType
    datatype: str
