"""Faults a real server cannot be made to produce, from a scripted TCP peer on 127.0.0.1."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from perda_tui.clients.scrutiny import (
    ConnectionError,
    DeviceCommState,
    ScrutinyClient,
    ServerState,
    StatusEvent,
)
from perda_tui.clients.scrutiny.framing import FrameDecoder, encode_frame
from perda_tui.server.scrutiny_launcher import free_port

WELCOME = {"cmd": "welcome", "reqid": None, "server_time_zero_timestamp": 1.0}


def status(reqid: int | None, device_status: str = "disconnected") -> dict[str, Any]:
    return {
        "cmd": "inform_server_status",
        "reqid": reqid,
        "device_status": device_status,
        "device_session_id": None,
        "loaded_sfd_firmware_id": None,
        "datalogging_status": {"datalogging_state": "unavailable", "completion_ratio": None},
        "device_comm_link": {"link_type": "none", "link_config": {}, "link_operational": False},
    }


class ScriptedPeer:
    """Accepts one client, runs `script(conn, requests)`; records the requests it receives."""

    def __init__(self, script: Callable[[socket.socket, list[dict[str, Any]]], None]) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.requests: list[dict[str, Any]] = []
        self._thread = threading.Thread(target=self._serve, args=(script,), daemon=True)
        self._thread.start()

    def _serve(self, script: Callable[[socket.socket, list[dict[str, Any]]], None]) -> None:
        conn, _ = self.listener.accept()
        with conn:
            script(conn, self.requests)

    def close(self) -> None:
        self.listener.close()
        self._thread.join(timeout=5)


def read_requests(conn: socket.socket, into: list[dict[str, Any]], device_status: str) -> None:
    """Collect framed requests until the client hangs up, answering every status request."""
    decoder = FrameDecoder()
    conn.settimeout(None)
    while True:
        try:
            data = conn.recv(65536)
        except OSError:  # the client closes abortively (RST), like the official SDK
            return
        if not data:
            return
        for request in decoder.feed(data):
            into.append(request)
            if request.get("cmd") == "get_server_status":
                conn.sendall(encode_frame(status(request["reqid"], device_status)))


@pytest.fixture
def peer_factory() -> Iterator[Callable[..., ScriptedPeer]]:
    peers: list[ScriptedPeer] = []

    def make(script: Callable[[socket.socket, list[dict[str, Any]]], None]) -> ScriptedPeer:
        peers.append(ScriptedPeer(script))
        return peers[-1]

    yield make
    for peer in peers:
        peer.close()


def test_silent_server_fails_within_the_connect_timeout(
    peer_factory: Callable[..., ScriptedPeer],
) -> None:
    release = threading.Event()
    peer = peer_factory(lambda conn, _: release.wait(10))
    try:
        with pytest.raises(ConnectionError, match=r"sent no welcome in 0\.5 s"):
            ScrutinyClient(connect_timeout=0.5).connect("127.0.0.1", peer.port)
    finally:
        release.set()


def test_refused_port_raises_connection_error() -> None:
    with pytest.raises(ConnectionError, match=r"cannot connect.*tcp: .*ws: "):
        ScrutinyClient().connect("127.0.0.1", free_port(), transport="auto")


def test_bad_frames_are_dropped_and_the_connection_survives(
    peer_factory: Callable[..., ScriptedPeer], monkeypatch: pytest.MonkeyPatch
) -> None:
    half_held = threading.Event()  # the client holds the first half of a split frame
    feed = FrameDecoder.feed

    def feed_and_tell(self: FrameDecoder, data: bytes, now: float | None = None) -> list[Any]:
        messages = feed(self, data, now)
        if self.pending:
            half_held.set()
        return messages

    monkeypatch.setattr(FrameDecoder, "feed", feed_and_tell)
    connecting = threading.Event()  # the client reported the status of the split frame

    def script(conn: socket.socket, requests: list[dict[str, Any]]) -> None:
        conn.sendall(encode_frame(WELCOME))
        good = encode_frame(status(None, "connecting"))  # polls are answered "disconnected"
        corrupted = good[:-1] + bytes([good[-1] ^ 0xFF])  # MD5 mismatch
        conn.sendall(b"garbage" + corrupted + b"<SCRUTINY size=3 flags=>{x}")
        conn.sendall(
            encode_frame({"cmd": "inform_server_status", "reqid": None, "device_status": 3})
        )
        conn.sendall(good[:20])
        half_held.wait(10)  # the rest of the split frame comes in a later read
        conn.sendall(good[20:])
        # Statuses coalesce (newest wins): answer polls only once "connecting" was seen.
        connecting.wait(10)
        read_requests(conn, requests, "disconnected")

    def on_status(event: StatusEvent) -> None:
        if event.info is not None and event.info.device_comm_state == DeviceCommState.Connecting:
            connecting.set()

    peer = peer_factory(script)
    with ScrutinyClient(poll_interval=0.3, on_status=on_status).connect(
        "127.0.0.1", peer.port, wait_status=False
    ) as client:
        assert connecting.wait(5)  # the split frame, put together again
        client.wait_server_status_update(5)  # polls keep working after the bad frames
        assert client.server_state == ServerState.Connected
    reqids = [r["reqid"] for r in peer.requests]
    assert reqids and all(type(r) is int for r in reqids)
    assert reqids == sorted(set(reqids))  # counted per connection, never reused


def test_connection_dropped_by_the_peer_is_reported(
    peer_factory: Callable[..., ScriptedPeer],
) -> None:
    hang_up = threading.Event()

    def script(conn: socket.socket, requests: list[dict[str, Any]]) -> None:
        conn.sendall(encode_frame(WELCOME) + encode_frame(status(None)))
        hang_up.wait(10)

    peer = peer_factory(script)
    events: list[StatusEvent] = []
    lost = threading.Event()

    def on_status(event: StatusEvent) -> None:
        events.append(event)
        if event.lost:
            lost.set()

    client = ScrutinyClient(on_status=on_status).connect("127.0.0.1", peer.port)
    try:
        assert not any(event.lost for event in events)  # connecting is not losing
        hang_up.set()
        assert lost.wait(5)
        assert client.server_state == ServerState.Disconnected
        assert (client.last_error or "").startswith("connection lost")
    finally:
        client.disconnect()
    assert [event.lost for event in events].count(True) == 1  # disconnect() is not a loss


def test_watch_refused_after_a_new_device_session_is_dropped_and_reported(
    peer_factory: Callable[..., ScriptedPeer],
) -> None:
    """The server forgets watches when the device session changes; one it then refuses
    (the new firmware lacks the path) is dropped and reported, never silently kept."""

    def script(conn: socket.socket, requests: list[dict[str, Any]]) -> None:
        conn.sendall(encode_frame(WELCOME))
        decoder = FrameDecoder()
        with contextlib.suppress(OSError):
            while data := conn.recv(65536):
                for request in decoder.feed(data):
                    requests.append(request)
                    conn.sendall(encode_frame(answer(request, requests)))

    def answer(request: dict[str, Any], requests: list[dict[str, Any]]) -> dict[str, Any]:
        cmd, reqid = request["cmd"], request["reqid"]
        subscribes = sum(r["cmd"] == "subscribe_watchable" for r in requests)
        if cmd == "get_server_status":  # a new device session once the path is watched
            return {**status(reqid, "connected_ready"), "device_session_id": f"s{subscribes}"}
        if cmd == "subscribe_watchable" and subscribes == 1:
            info = {"id": "0", "type": "var", "dtype": "float32", "path": "/a"}
            return {
                "cmd": "response_subscribe_watchable",
                "reqid": reqid,
                "subscribed": {"/a": info},
            }
        if cmd == "subscribe_watchable":
            msg = "Unknown watchable : /a"
            return {"cmd": "error", "reqid": reqid, "request_cmd": cmd, "msg": msg}
        return {"cmd": f"response_{cmd}", "reqid": reqid, "available": False, "sfd": None}

    refused: list[tuple[str, str]] = []
    reported = threading.Event()

    def on_watch_refused(path: str, reason: str) -> None:
        refused.append((path, reason))
        reported.set()

    peer = peer_factory(script)
    client = ScrutinyClient(poll_interval=30, on_watch_refused=on_watch_refused)
    with client.connect("127.0.0.1", peer.port):
        client.watch("/a")
        client.request_server_status_update(wait=True)  # device session s1: restore /a
        assert reported.wait(5)
        assert refused == [("/a", "subscribe_watchable refused: Unknown watchable : /a")]
        assert client.watched == ()
