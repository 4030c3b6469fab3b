"""Client for Scrutiny debugger servers: live device, datalogger and link status.

`ScrutinyClient` keeps the Scrutiny SDK's synchronous API (`connect`, `get_server_status`,
`wait_server_status_update`, `wait_device_ready`, `request_demo_mode`, …) and speaks
both server generations: framed TCP (0.4 and later) and WebSocket (0.1 to 0.3).
"""

from perda_tui.clients.scrutiny.backoff import Backoff
from perda_tui.clients.scrutiny.client import (
    DEFAULT_PORT,
    TRANSPORTS,
    ScrutinyClient,
    StatusEvent,
    Target,
    TransportName,
    WatchableHandle,
    parse_target,
)
from perda_tui.clients.scrutiny.errors import (
    ConnectionError,
    InvalidValueError,
    OperationFailure,
    ScrutinyError,
    TimeoutException,
)
from perda_tui.clients.scrutiny.models import (
    DataloggerState,
    DataloggingInfo,
    DeviceCommState,
    DeviceInfo,
    DeviceLinkInfo,
    DeviceLinkType,
    LinkConfig,
    MemoryRegion,
    RawLinkConfig,
    SerialLinkConfig,
    ServerInfo,
    ServerState,
    SFDGenerationInfo,
    SFDInfo,
    SFDMetadata,
    SupportedFeatureMap,
    TCPLinkConfig,
    UDPLinkConfig,
    ValueUpdate,
    WatchableType,
)

__all__ = [
    "DEFAULT_PORT",
    "TRANSPORTS",
    "Backoff",
    "ConnectionError",
    "DataloggerState",
    "DataloggingInfo",
    "DeviceCommState",
    "DeviceInfo",
    "DeviceLinkInfo",
    "DeviceLinkType",
    "InvalidValueError",
    "LinkConfig",
    "MemoryRegion",
    "OperationFailure",
    "RawLinkConfig",
    "SFDGenerationInfo",
    "SFDInfo",
    "SFDMetadata",
    "ScrutinyClient",
    "ScrutinyError",
    "SerialLinkConfig",
    "ServerInfo",
    "ServerState",
    "StatusEvent",
    "SupportedFeatureMap",
    "TCPLinkConfig",
    "Target",
    "TimeoutException",
    "TransportName",
    "UDPLinkConfig",
    "ValueUpdate",
    "WatchableHandle",
    "WatchableType",
    "parse_target",
]
