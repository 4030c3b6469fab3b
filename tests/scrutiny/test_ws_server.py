"""The client against a real legacy Scrutiny 0.1.0 server over WebSocket."""

from __future__ import annotations

import time

import pytest

from perda_tui.clients.scrutiny import (
    DataloggerState,
    DeviceCommState,
    DeviceLinkType,
    OperationFailure,
    ScrutinyClient,
    SerialLinkConfig,
    ServerInfo,
    UDPLinkConfig,
)
from perda_tui.server.scrutiny_launcher import RunningScrutinyServer

pytestmark = pytest.mark.scrutiny


def wait_for_link(client: ScrutinyClient, link_type: DeviceLinkType) -> ServerInfo:
    deadline = time.monotonic() + 8
    while (info := client.get_server_status()).device_link.type != link_type:
        assert time.monotonic() < deadline, info.device_link
        client.request_server_status_update(wait=True)
    return info


def test_status_is_parsed(ws_server: RunningScrutinyServer) -> None:
    with ScrutinyClient.from_url(ws_server.url).connect() as client:
        assert client.transport == "ws"
        info = client.get_server_status()
    assert info.device_comm_state == DeviceCommState.Disconnected
    assert info.device is None and info.sfd is None
    assert info.device_link.type == DeviceLinkType.NA and info.device_link.config is None
    assert info.device_link.operational is None  # 0.1.0 does not report it
    assert info.datalogging.state in (DataloggerState.NA, DataloggerState.Standby)


def test_auto_transport_falls_back_to_websocket(ws_server: RunningScrutinyServer) -> None:
    with ScrutinyClient().connect("127.0.0.1", ws_server.port, transport="auto") as client:
        assert client.transport == "ws"
        assert client.get_server_status().device_comm_state == DeviceCommState.Disconnected


def test_link_configuration_round_trip(ws_server: RunningScrutinyServer) -> None:
    with ScrutinyClient.from_url(ws_server.url).connect() as client:
        client.configure_device_link(DeviceLinkType.UDP, UDPLinkConfig("127.0.0.1", 50123))
        info = wait_for_link(client, DeviceLinkType.UDP)
        assert info.device_link.config == UDPLinkConfig("127.0.0.1", 50123)
        assert info.device_comm_state != DeviceCommState.ConnectedReady  # nothing answers there

        serial = SerialLinkConfig("/dev/perda-no-such-port", 115200, parity="even")
        client.configure_device_link(DeviceLinkType.Serial, serial)
        assert wait_for_link(client, DeviceLinkType.Serial).device_link.config == serial

        with pytest.raises(OperationFailure, match="Unknown link type none"):
            client.configure_device_link(DeviceLinkType.NA, None)  # the server's own answer
        assert client.get_server_status().device_link.config == serial


def test_demo_mode_is_refused_by_a_legacy_server(ws_server: RunningScrutinyServer) -> None:
    with ScrutinyClient.from_url(ws_server.url).connect() as client:
        with pytest.raises(OperationFailure, match="demo_mode"):
            client.request_demo_mode(True)
        assert client.get_server_status().device_comm_state == DeviceCommState.Disconnected
