"""Untrusted server JSON → immutable models, for both 0.1.0 and 0.16 message shapes.

Malformed messages raise `BadMessage`; an enum string we do not know maps to `NA` and is
logged once, so a newer server's status is still shown rather than dropped.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from perda_tui.clients.scrutiny.models import (
    AddressSize,
    DataloggerState,
    DataloggingCapabilities,
    DataloggingInfo,
    DeviceCommState,
    DeviceInfo,
    DeviceLinkInfo,
    DeviceLinkType,
    LinkConfig,
    MemoryRegion,
    RawLinkConfig,
    SamplingRate,
    SerialLinkConfig,
    SFDGenerationInfo,
    SFDInfo,
    SFDMetadata,
    SupportedFeatureMap,
    UDPLinkConfig,
    WatchableEntry,
    WatchableType,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")
E = TypeVar("E")

COMM_STATES = {
    "unknown": DeviceCommState.NA,
    "disconnected": DeviceCommState.Disconnected,
    "connecting": DeviceCommState.Connecting,
    "connected": DeviceCommState.Connecting,  # the SDK folds it on purpose: not ready yet
    "connected_ready": DeviceCommState.ConnectedReady,
}
DATALOGGER_STATES = {
    "unavailable": DataloggerState.NA,
    "standby": DataloggerState.Standby,
    "waiting_for_trigger": DataloggerState.WaitForTrigger,
    "acquiring": DataloggerState.Acquiring,
    "data_ready": DataloggerState.DataReady,
    "downloading": DataloggerState.Downloading,
    "error": DataloggerState.Error,
}
LINK_TYPES = {
    "none": DeviceLinkType.NA,
    "udp": DeviceLinkType.UDP,
    "tcp": DeviceLinkType.TCP,
    "serial": DeviceLinkType.Serial,
    "rtt": DeviceLinkType.RTT,
    "canbus": DeviceLinkType.CAN,
    "dummy": DeviceLinkType._Dummy,
    "thread_safe_dummy": DeviceLinkType._DummyThreadSafe,
}
LINK_NAMES = {value: key for key, value in LINK_TYPES.items() if key != "thread_safe_dummy"}
ADDRESS_SIZES = (8, 16, 32, 64, 128)
#: Largest magnitude accepted for an integer from a server (bigger ones are bad messages).
INT_LIMIT = 2**64
#: Unknown enum strings logged once each: at most this many remembered, each cut to `WARN_KEY`.
WARN_LIMIT = 64
WARN_KEY = 60
_warned: set[tuple[str, str]] = set()


class BadMessage(ValueError):
    """A server message does not have the expected shape."""


def optional_field(obj: object, key: str, kind: type[T]) -> T | None:
    """`obj[key]` checked to be of `kind`, or None when absent or null."""
    if not isinstance(obj, dict):
        raise BadMessage(f"expected an object holding {key!r}, got {type(obj).__name__}")
    return None if obj.get(key) is None else field(obj, key, kind)


def field(obj: object, key: str, kind: type[T]) -> T:
    """`obj[key]` checked to be of `kind` (bool is never accepted as a number)."""
    if not isinstance(obj, dict):
        raise BadMessage(f"expected an object holding {key!r}, got {type(obj).__name__}")
    value = obj.get(key)
    if isinstance(value, bool) and kind is not bool:
        raise BadMessage(f"{key!r} must be {kind.__name__}, got a boolean")
    if not isinstance(value, kind):
        raise BadMessage(f"{key!r} must be {kind.__name__}, got {type(value).__name__}")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT_LIMIT:
        raise BadMessage(f"{key!r} is out of range ({len(str(abs(value)))} digits)")
    return value


def optional_number(obj: object, key: str) -> float | None:
    """`obj[key]` as a float, or None when absent or null (booleans are not numbers)."""
    if not isinstance(obj, dict):
        raise BadMessage(f"expected an object holding {key!r}, got {type(obj).__name__}")
    value = obj.get(key)
    return None if value is None else number(obj, key)


def number(obj: object, key: str) -> float:
    """`obj[key]` as a float; JSON integers are accepted, booleans are not."""
    if not isinstance(obj, dict):
        raise BadMessage(f"expected an object holding {key!r}, got {type(obj).__name__}")
    return checked_number(obj.get(key), key)


def checked_number(value: object, what: str) -> float:
    """`value` as a float: a JSON number within ±`INT_LIMIT` when integral (booleans and
    integers too large for a float raise `BadMessage`; inf and nan pass)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadMessage(f"{what!r} must be a number, got {type(value).__name__}")
    if isinstance(value, int) and abs(value) > INT_LIMIT:
        raise BadMessage(f"{what!r} is out of range ({len(str(abs(value)))} digits)")
    return float(value)


def enum_value(table: dict[str, E], raw: object, what: str, default: E) -> E:
    """Look `raw` up in `table`; unknown strings give `default`, logged once per value."""
    if isinstance(raw, str) and raw in table:
        return table[raw]
    text = raw[:WARN_KEY] if isinstance(raw, str) else type(raw).__name__
    if (what, text) not in _warned and len(_warned) < WARN_LIMIT:
        _warned.add((what, text))
        cut = "…" if isinstance(raw, str) and len(raw) > WARN_KEY else ""
        logger.warning(
            "unknown %s %r%s from the Scrutiny server, shown as %s", what, text, cut, default
        )
    return default


def _regions(raw: object, key: str) -> tuple[MemoryRegion, ...]:
    items = optional_field(raw, key, list) or []
    regions = []
    for item in items:
        start, end = field(item, "start", int), field(item, "end", int)
        if start < 0 or end < start:
            raise BadMessage(f"invalid memory region {start}..{end}")
        regions.append(MemoryRegion(start=start, size=end - start + 1))
    return tuple(regions)


def parse_device_info(raw: object) -> DeviceInfo:
    """`device_info` of a 0.1.0 status or of a 0.16 `get_device_info` reply."""
    features = field(raw, "supported_feature_map", dict)
    address_size = field(raw, "address_size_bits", int)
    if address_size not in ADDRESS_SIZES:
        raise BadMessage(f"invalid address size {address_size}")
    bitrate = optional_field(raw, "max_bitrate_bps", int)
    return DeviceInfo(
        device_id=field(raw, "device_id", str),
        display_name=field(raw, "display_name", str),
        max_tx_data_size=field(raw, "max_tx_data_size", int),
        max_rx_data_size=field(raw, "max_rx_data_size", int),
        max_bitrate_bps=bitrate or None,
        rx_timeout_us=field(raw, "rx_timeout_us", int),
        heartbeat_timeout=number(raw, "heartbeat_timeout_us") * 1e-6,
        address_size_bits=cast(AddressSize, address_size),  # checked against ADDRESS_SIZES
        protocol_major=field(raw, "protocol_major", int),
        protocol_minor=field(raw, "protocol_minor", int),
        supported_features=SupportedFeatureMap(
            memory_write=field(features, "memory_write", bool),
            datalogging=field(features, "datalogging", bool),
            user_command=field(features, "user_command", bool),
            sixtyfour_bits=field(features, "_64bits", bool),
        ),
        forbidden_memory_regions=_regions(raw, "forbidden_memory_regions"),
        readonly_memory_regions=_regions(raw, "readonly_memory_regions"),
        datalogging_capabilities=_capabilities(raw),
    )


def _capabilities(raw: object) -> DataloggingCapabilities | None:
    """The 0.16 `datalogging_capabilities` (None when absent; dropped with a log line when bad)."""
    caps = raw.get("datalogging_capabilities") if isinstance(raw, dict) else None
    if caps is None:
        return None
    try:
        return parse_capabilities(caps)
    except BadMessage as exc:
        logger.warning("dropping bad datalogging capabilities: %s", exc)
        return None


def parse_capabilities(raw: object) -> DataloggingCapabilities:
    """`datalogging_capabilities` of a 0.16 device info."""
    rates = []
    for item in field(raw, "sampling_rates", list)[:256]:
        frequency = item.get("frequency") if isinstance(item, dict) else None
        rates.append(
            SamplingRate(
                identifier=field(item, "identifier", int),
                name=field(item, "name", str)[:80],
                frequency=None if frequency is None else checked_number(frequency, "frequency"),
            )
        )
    return DataloggingCapabilities(
        buffer_size=field(raw, "buffer_size", int),
        max_nb_signal=field(raw, "max_nb_signal", int),
        sampling_rates=tuple(rates),
    )


def _text(raw: object, key: str) -> str | None:
    value = raw.get(key) if isinstance(raw, dict) else None
    return value if isinstance(value, str) else None


def parse_sfd_metadata(raw: object) -> SFDMetadata | None:
    """SFD metadata; missing or odd fields become None rather than failing."""
    if not isinstance(raw, dict):
        return None
    gen = raw.get("generation_info")
    generation = None
    if isinstance(gen, dict):
        stamp = gen.get("time")
        when = None
        if isinstance(stamp, int | float) and not isinstance(stamp, bool) and math.isfinite(stamp):
            try:
                when = datetime.fromtimestamp(stamp, UTC)
            except (OverflowError, OSError, ValueError):
                when = None
        generation = SFDGenerationInfo(
            timestamp=when,
            python_version=_text(gen, "python_version"),
            scrutiny_version=_text(gen, "scrutiny_version"),
            system_type=_text(gen, "system_type"),
        )
    return SFDMetadata(
        project_name=_text(raw, "project_name"),
        author=_text(raw, "author"),
        version=_text(raw, "version"),
        generation_info=generation,
    )


def parse_sfd(raw: object) -> SFDInfo | None:
    """`{firmware_id, metadata}` (0.1.0 `loaded_sfd`, 0.16 `get_loaded_sfd.sfd`) or None."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise BadMessage(f"expected an SFD object, got {type(raw).__name__}")
    return SFDInfo(field(raw, "firmware_id", str), parse_sfd_metadata(raw.get("metadata")))


def parse_link_config(link_type: DeviceLinkType, raw: object) -> LinkConfig | None:
    """The link config as a model; anything we cannot model is kept as raw text pairs."""
    if link_type == DeviceLinkType.NA or not isinstance(raw, dict) or not raw:
        return None
    try:
        if link_type == DeviceLinkType.UDP:
            return UDPLinkConfig(host=raw.get("host", ""), port=raw.get("port", 0))
        if link_type == DeviceLinkType.Serial:
            return SerialLinkConfig(
                port=raw.get("portname") or raw.get("port") or "",
                baudrate=raw.get("baudrate", 0),
                stopbits=raw.get("stopbits", "1"),
                databits=raw.get("databits", 8),
                parity=raw.get("parity", "none"),
            )
    except (TypeError, ValueError):
        pass
    items = tuple(
        (str(key), str(value))
        for key, value in raw.items()
        if isinstance(value, str | int | float | bool) or value is None
    )
    return RawLinkConfig(items)


def parse_link(raw: dict[str, Any]) -> DeviceLinkInfo:
    """`device_comm_link` of a status message."""
    link_type = enum_value(LINK_TYPES, field(raw, "link_type", str), "link type", DeviceLinkType.NA)
    return DeviceLinkInfo(
        type=link_type,
        config=parse_link_config(link_type, raw.get("link_config")),
        operational=optional_field(raw, "link_operational", bool),
        demo_mode=optional_field(raw, "demo_mode", bool),
    )


def parse_datalogging(raw: object) -> DataloggingInfo:
    """0.1.0 `device_datalogging_status` or 0.16 `datalogging_status`."""
    state_raw = (
        raw.get("datalogger_state", raw.get("datalogging_state")) if isinstance(raw, dict) else None
    )
    state = enum_value(DATALOGGER_STATES, state_raw, "datalogger state", DataloggerState.NA)
    try:
        ratio = optional_number(raw, "completion_ratio") if isinstance(raw, dict) else None
    except BadMessage as exc:  # the ratio alone is dropped: the state is still shown
        logger.warning("dropping a bad datalogger completion ratio: %s", exc)
        ratio = None
    if ratio is not None:
        ratio = min(1.0, max(0.0, ratio)) if math.isfinite(ratio) else None
    return DataloggingInfo(state=state, completion_ratio=ratio)


@dataclass(frozen=True)
class StatusMessage:
    """An `inform_server_status`, before details sent separately (0.16) are merged in.

    `device_inline`/`sfd_inline` say whether the message itself carried those details.
    """

    comm_state: DeviceCommState
    session_id: str | None
    device: DeviceInfo | None
    device_inline: bool
    sfd_firmware_id: str | None
    sfd: SFDInfo | None
    sfd_inline: bool
    datalogging: DataloggingInfo
    link: DeviceLinkInfo


def parse_status(msg: dict[str, Any]) -> StatusMessage:
    """Parse an `inform_server_status` from either server generation."""
    comm = enum_value(COMM_STATES, msg.get("device_status"), "device status", DeviceCommState.NA)
    session = optional_field(msg, "device_session_id", str)
    device_inline = "device_info" in msg
    device = None
    if device_inline and msg["device_info"] is not None:
        device = parse_device_info(msg["device_info"])
    sfd_inline = "loaded_sfd" in msg
    sfd = parse_sfd(msg["loaded_sfd"]) if sfd_inline else None
    firmware_id = sfd.firmware_id if sfd else optional_field(msg, "loaded_sfd_firmware_id", str)
    dl_raw = msg.get("device_datalogging_status", msg.get("datalogging_status"))
    return StatusMessage(
        comm_state=comm,
        session_id=session if comm == DeviceCommState.ConnectedReady else None,
        device=device,
        device_inline=device_inline,
        sfd_firmware_id=firmware_id,
        sfd=sfd,
        sfd_inline=sfd_inline,
        datalogging=parse_datalogging(dl_raw),
        link=parse_link(field(msg, "device_comm_link", dict)),
    )


def parse_value_updates(
    msg: dict[str, Any],
) -> list[tuple[str, float | int | bool | None, float | None]]:
    """`(server_id, value, t)` of a `watchable_update`; `t` µs since welcome (0.16) or None.

    An entry with a bad value or time (wrong type, an integer too large for a float, a
    time that is not finite) is dropped with a log line; the others are kept.
    """
    out = []
    for item in field(msg, "updates", list):
        try:
            server_id = field(item, "id", str)
            value = item.get("v", item.get("value"))
            if not (value is None or isinstance(value, int | float | bool)):
                raise BadMessage(f"unexpected value type {type(value).__name__}")
            if isinstance(value, int) and not isinstance(value, bool):
                checked_number(value, "v")
            stamp = optional_number(item, "t")
            if stamp is not None and not math.isfinite(stamp):
                raise BadMessage(f"'t' is not finite ({stamp})")
        except BadMessage as exc:
            logger.warning("dropping a bad watched value: %s", exc)
            continue
        out.append((server_id, value, stamp))
    return out


#: Wire names of the watchable kinds, in the order the server lists them.
WATCHABLE_KINDS = {
    "rpv": WatchableType.RuntimePublishedValue,
    "alias": WatchableType.Alias,
    "var": WatchableType.Variable,
}
#: Watchables kept from one listing at most, and the longest path kept.
MAX_WATCHABLES = 200_000
MAX_PATH = 1000


def parse_watchable_list(parts: list[dict[str, Any]]) -> list[WatchableEntry]:
    """Every part of a `get_watchable_list` reply; malformed entries are skipped."""
    out: list[WatchableEntry] = []
    for part in parts:
        content = field(part, "content", dict)
        for kind, watchable_type in WATCHABLE_KINDS.items():
            items = content.get(kind)
            for item in items if isinstance(items, list) else ():
                path = item.get("path") if isinstance(item, dict) else None
                dtype = item.get("dtype") if isinstance(item, dict) else None
                if not isinstance(path, str) or not path.startswith("/") or len(path) > MAX_PATH:
                    continue
                out.append(
                    WatchableEntry(
                        path, watchable_type, dtype[:20] if isinstance(dtype, str) else "?"
                    )
                )
                if len(out) >= MAX_WATCHABLES:
                    return out
    return out
