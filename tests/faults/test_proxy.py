"""The fault proxy itself: each fault does what the fault tests rely on."""

import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest

from tests.faults.proxy import Fault, FaultProxy

PAYLOAD = bytes(range(256)) * 400  # 100 KiB


class _Sender(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.recv(16)
        self.request.sendall(PAYLOAD)


@pytest.fixture
def proxy() -> Iterator[FaultProxy]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Sender)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with FaultProxy("127.0.0.1", server.server_address[1]) as fault_proxy:
        yield fault_proxy
    server.shutdown()
    server.server_close()


def fetch(port: int, timeout: float = 2.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(b"go")
        received = bytearray()
        while chunk := sock.recv(65536):
            received += chunk
        return bytes(received)


def test_pass_forwards_everything(proxy: FaultProxy) -> None:
    assert fetch(proxy.port) == PAYLOAD


def test_reset_cuts_after_the_given_bytes(proxy: FaultProxy) -> None:
    proxy.set_fault(Fault.RESET, after_bytes=1000)
    try:
        received = fetch(proxy.port)
    except ConnectionResetError:
        return
    assert received == PAYLOAD[:1000]


def test_stall_times_out(proxy: FaultProxy) -> None:
    proxy.set_fault(Fault.STALL)
    with pytest.raises(TimeoutError):
        fetch(proxy.port, timeout=0.5)


def test_refuse_closes_at_once(proxy: FaultProxy) -> None:
    proxy.set_fault(Fault.REFUSE)
    try:
        received = fetch(proxy.port)
    except (ConnectionResetError, BrokenPipeError):
        return
    assert received == b""
