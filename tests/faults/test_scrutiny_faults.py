"""Scrutiny faults not covered in `tests/scrutiny/`: a link cut under a live session, a
legacy WebSocket server restarted, and a server that accepts requests but never answers.

(Bad frames, a silent server at connect and a killed-then-restarted TCP server are in
`tests/scrutiny/test_faults.py` and `test_tcp_server.py`.)
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from perda_tui.clients.scrutiny import (
    ConnectionError,
    ScrutinyClient,
    ServerState,
    StatusEvent,
    TimeoutException,
)
from perda_tui.clients.scrutiny.framing import encode_frame
from perda_tui.server.scrutiny_launcher import RunningScrutinyServer, start_scrutiny_server
from tests.faults.proxy import Fault, FaultProxy
from tests.scrutiny.test_faults import WELCOME, ScriptedPeer, status

pytestmark = pytest.mark.scrutiny


class Watcher:
    """Collects the client's status events; `lost` is set on a disconnection."""

    def __init__(self) -> None:
        self.events: list[StatusEvent] = []
        self.lost = threading.Event()

    def __call__(self, event: StatusEvent) -> None:
        self.events.append(event)
        if event.server_state == ServerState.Disconnected:
            self.lost.set()


@pytest.fixture
def proxied_tcp(tcp_server: RunningScrutinyServer) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", tcp_server.port) as proxy:
        yield proxy


def test_link_cut_mid_session_is_reported_then_reconnects_with_watches(
    proxied_tcp: FaultProxy,
) -> None:
    watcher = Watcher()
    client = ScrutinyClient(on_status=watcher, connect_timeout=1.0).connect(
        "127.0.0.1", proxied_tcp.port, transport="tcp"
    )
    try:
        client.request_demo_mode(True)
        client.wait_device_ready(10)
        handle = client.watch("/rpv/x1000", rate=20)
        handle.wait_update(5)
        proxied_tcp.set_fault(Fault.REFUSE)
        proxied_tcp.cut_all()
        assert watcher.lost.wait(5)
        assert "connection lost" in (client.last_error or "")
        assert watcher.events[-1].info is not None  # the last known status stays on screen
        with pytest.raises(ConnectionError, match="cannot connect"):
            client.reconnect()  # the link is still down: a clear failure
        proxied_tcp.set_fault(Fault.PASS)
        client.reconnect()
        assert client.server_state == ServerState.Connected
        count = handle.update_count
        handle.wait_update(10)  # the watch is restored on the new connection
        assert handle.update_count > count
    finally:
        client.disconnect()


def test_legacy_websocket_server_restarted_then_reconnect(
    ws_server: RunningScrutinyServer,
) -> None:
    watcher = Watcher()
    client = ScrutinyClient.from_url(ws_server.url, on_status=watcher).connect()
    try:
        assert client.transport == "ws"
        ws_server.kill()
        assert watcher.lost.wait(10)
        assert client.server_state == ServerState.Disconnected
        restarted = start_scrutiny_server("ws", port=ws_server.port)
        try:
            client.reconnect()
            assert client.server_state == ServerState.Connected
            assert client.get_server_status() is not None
        finally:
            restarted.stop()
    finally:
        client.disconnect()


def mute_script(conn: socket.socket, requests: list[dict[str, Any]]) -> None:
    """Welcome the client and send one status, then read and ignore every request."""
    conn.sendall(encode_frame(WELCOME) + encode_frame(status(None)))
    conn.settimeout(None)
    with contextlib.suppress(OSError):  # the client closes abortively (RST)
        while conn.recv(65536):
            pass


@pytest.fixture
def mute_peer() -> Iterator[ScriptedPeer]:
    peer = ScriptedPeer(mute_script)
    yield peer
    peer.close()


def test_server_that_stops_answering_times_out_as_documented(mute_peer: ScriptedPeer) -> None:
    client = ScrutinyClient(request_timeout=0.5, poll_interval=30).connect(
        "127.0.0.1", mute_peer.port
    )
    try:
        with pytest.raises(TimeoutException, match=r"no answer to demo_mode within 0\.5 s"):
            client.request_demo_mode(True)
        with pytest.raises(TimeoutException, match=r"did not update within 0\.3 s"):
            client.request_server_status_update(wait=True, timeout=0.3)
        assert client.server_state == ServerState.Connected  # still usable afterwards
    finally:
        client.disconnect()
