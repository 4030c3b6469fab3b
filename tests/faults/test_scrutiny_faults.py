"""Scrutiny faults not covered in `tests/scrutiny/`: a link cut under a live session, a
legacy WebSocket server restarted, a server that accepts requests but never answers,
numbers too large for a float (values, completion ratio, timeouts), unknown enum strings
by the thousand, and the link cut mid-acquisition.

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
    DataloggerState,
    DataloggingConfig,
    OperationFailure,
    ScrutinyClient,
    ServerState,
    StatusEvent,
    TimeoutException,
    TriggerCondition,
)
from perda_tui.clients.scrutiny import parse as scrutiny_parse
from perda_tui.clients.scrutiny.framing import FrameDecoder, encode_frame
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


HUGE = 10**400  # a valid JSON integer no float can hold


def hostile_script(conn: socket.socket, requests: list[dict[str, Any]]) -> None:
    """Answer every request; a subscribe gets id "0"; each status poll is answered with a
    400-digit completion ratio, then values: one 400-digit integer and one good float."""
    conn.sendall(encode_frame(WELCOME))
    decoder = FrameDecoder()
    with contextlib.suppress(OSError):
        while data := conn.recv(65536):
            for request in decoder.feed(data):
                requests.append(request)
                cmd, reqid = request["cmd"], request["reqid"]
                if cmd == "get_server_status":
                    reply = status(reqid, "connected_ready")
                    reply["device_session_id"] = "s1"
                    reply["datalogging_status"] = {
                        "datalogging_state": "acquiring",
                        "completion_ratio": HUGE,
                    }
                elif cmd == "get_device_info":  # a timeout field no float can hold
                    reply = {"cmd": "response_get_device_info", "reqid": reqid}
                    reply |= {"available": True, "device_info": {"heartbeat_timeout_us": HUGE}}
                elif cmd == "subscribe_watchable":
                    info = {"id": "0", "type": "var", "dtype": "sint32", "path": "/a"}
                    reply = {"cmd": "response_subscribe_watchable", "reqid": reqid}
                    reply["subscribed"] = {"/a": info}
                else:
                    reply = {"cmd": f"response_{cmd}", "reqid": reqid, "sfd": None}
                conn.sendall(encode_frame(reply))
                if cmd == "subscribe_watchable":
                    bad = {"id": "0", "v": HUGE, "t": 1.0}
                    good = {"id": "0", "v": 7, "t": 2.0}
                    updates = {"cmd": "watchable_update", "reqid": None, "updates": [bad, good]}
                    conn.sendall(encode_frame(updates))


def test_numbers_too_large_for_a_float_are_dropped_never_fatal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Issue 12 #6: a 400-digit value, completion ratio or timeout raised OverflowError
    (the watch crashed the app, the status task died while the screen said Connected)."""
    peer = ScriptedPeer(hostile_script)
    statuses: list[StatusEvent] = []
    client = ScrutinyClient(poll_interval=30, on_status=statuses.append)
    try:
        client.connect("127.0.0.1", peer.port)
        info = client.get_server_status()
        assert info.datalogging.state == DataloggerState.Acquiring
        assert info.datalogging.completion_ratio is None  # the bad ratio alone is dropped
        assert info.device is None  # the device info with a bad timeout is dropped
        handle = client.watch("/a")
        handle.wait_update(5)
        assert handle.value == 7 and handle.update_count == 1  # the bad value is dropped
        count = len(statuses)
        client.request_server_status_update(wait=True, timeout=5)  # the loop still runs
        assert len(statuses) > count
        assert client.server_state == ServerState.Connected
    finally:
        client.disconnect()
        peer.close()
    assert "completion ratio" in caplog.text and "bad watched value" in caplog.text
    assert "device details" in caplog.text


def test_unknown_enum_strings_are_remembered_capped_and_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 12 #7: each unknown enum string (10 KB to 1 MB) was kept forever."""
    monkeypatch.setattr(scrutiny_parse, "_warned", set())
    for index in range(1000):
        raw = f"{index:04d}" + "x" * 10_000
        scrutiny_parse.enum_value({}, raw, "device status", None)
    kept = scrutiny_parse._warned
    assert len(kept) == scrutiny_parse.WARN_LIMIT
    assert max(len(text) for _, text in kept) == scrutiny_parse.WARN_KEY


def test_link_cut_mid_acquisition_says_so_and_keeps_what_was_stored(
    proxied_tcp: FaultProxy,
) -> None:
    """The server goes away while an acquisition waits for its trigger: the request ends
    with a clear reason (not a hang); acquisitions stored before are still readable."""
    client = ScrutinyClient(connect_timeout=1.0).connect(
        "127.0.0.1", proxied_tcp.port, transport="tcp"
    )
    try:
        client.request_demo_mode(True)
        client.wait_device_ready(10)
        first = client.start_datalog(DataloggingConfig(sampling_rate=0, signals=["/rpv/x1000"]))
        stored = first.wait_and_fetch(30)
        never = DataloggingConfig(
            sampling_rate=0,
            signals=["/rpv/x1000"],
            condition=TriggerCondition.GreaterThan,
            operands=["/rpv/x1000", 1e30],
        )
        pending = client.start_datalog(never)
        proxied_tcp.set_fault(Fault.REFUSE)
        proxied_tcp.cut_all()
        with pytest.raises(OperationFailure, match="connection lost mid-acquisition"):
            pending.wait_for_completion(10)
        proxied_tcp.set_fault(Fault.PASS)
        client.reconnect()
        again = client.read_datalogging_acquisition(stored.reference_id)
        assert [s.name for s in again.signals] == [s.name for s in stored.signals]
        assert (again.signals[0].data == stored.signals[0].data).all()
    finally:
        client.disconnect()
