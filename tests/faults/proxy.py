"""A TCP proxy on 127.0.0.1 that injects network faults between a real client and server.

The fault applies to connections accepted after it is set:

- ``PASS``: forward both ways untouched;
- ``REFUSE``: accept, then close at once (the server "died");
- ``STALL``: accept and never forward or answer (a black hole);
- ``RESET``: forward the server's first ``after_bytes`` bytes, then reset both sides;
- ``DELAY``: forward, pausing ``delay`` seconds (or until the proxy stops) before each
  chunk from the server;
- ``HTTP_ERROR``: answer ``HTTP/1.1 <status>`` and close, as a load balancer in front of a
  dead backend does;
- ``DRIP``: forward the server's first ``after_bytes`` bytes, then one byte per ``delay``
  seconds (headers included when ``after_bytes`` is 0): no read ever times out.

A fault set with ``times=N`` applies to the next N connections, then the proxy passes again.
"""

from __future__ import annotations

import contextlib
import enum
import fcntl
import select
import socket
import struct
import termios
import threading
from dataclasses import dataclass

CHUNK = 64 * 1024


class Fault(enum.Enum):
    PASS = "pass"
    REFUSE = "refuse"
    STALL = "stall"
    RESET = "reset"
    DELAY = "delay"
    HTTP_ERROR = "http_error"
    DRIP = "drip"


@dataclass(frozen=True)
class FaultPlan:
    fault: Fault = Fault.PASS
    after_bytes: int = 0
    delay: float = 0.0
    status: int = 503
    body: bytes = b""


def _abort(sock: socket.socket) -> None:
    """Close with RST instead of FIN, as a crashed peer or a broken link would."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _delivered(sock: socket.socket, stopped: threading.Event) -> None:
    """Return once the peer has acknowledged every byte sent on `sock` (Linux `SIOCOUTQ`),
    so a reset that follows cannot swallow them; or when the proxy stops."""
    while not stopped.is_set():
        try:
            queued = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, struct.pack("i", 0))
        except OSError:
            return
        if struct.unpack("i", queued)[0] == 0:
            return
        stopped.wait(0.001)


class FaultProxy:
    """Listen on an ephemeral loopback port and forward to ``target``."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.plan = FaultPlan()
        self.connections = 0
        self._remaining: int | None = None
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._stopped = threading.Event()
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self._listener.getsockname()[1]

    def url(self, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}"

    def set_fault(
        self,
        fault: Fault,
        *,
        after_bytes: int = 0,
        delay: float = 0.0,
        status: int = 503,
        body: bytes = b"",
        times: int | None = None,
    ) -> None:
        """Apply `fault` to new connections (the next `times` of them, or all)."""
        with self._lock:
            self.plan = FaultPlan(fault, after_bytes, delay, status, body)
            self._remaining = times

    def _next_plan(self) -> FaultPlan:
        with self._lock:
            plan = self.plan
            if self._remaining is not None:
                self._remaining -= 1
                if self._remaining <= 0:
                    self.plan, self._remaining = FaultPlan(), None
            return plan

    def cut_all(self) -> None:
        """Reset every connection currently open (a link going down mid-transfer)."""
        with self._lock:
            sockets, self._open = self._open, set()
        for sock in sockets:
            _abort(sock)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=2)
        self._listener.close()
        self.cut_all()

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            plan = self._next_plan()
            threading.Thread(target=self._serve, args=(client, plan), daemon=True).start()

    def _track(self, *sockets: socket.socket) -> None:
        with self._lock:
            self._open.update(sockets)

    def _serve(self, client: socket.socket, plan: FaultPlan) -> None:
        if plan.fault is Fault.REFUSE:
            _abort(client)
            return
        self._track(client)
        if plan.fault is Fault.HTTP_ERROR:
            client.settimeout(2)
            with contextlib.suppress(OSError):
                client.recv(CHUNK)
                body = plan.body or f"upstream unavailable ({plan.status})".encode()
                kind = "application/xml" if body.startswith(b"<") else "text/plain"
                client.sendall(
                    f"HTTP/1.1 {plan.status} Fault\r\nContent-Type: {kind}\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                    + body
                )
            client.close()
            return
        if plan.fault is Fault.STALL:
            self._stopped.wait()
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            _abort(client)
            return
        self._track(upstream)
        self._pump(client, upstream, plan)

    def _pump(self, client: socket.socket, upstream: socket.socket, plan: FaultPlan) -> None:
        sent_down = 0
        peers = {client: upstream, upstream: client}
        reading = [client, upstream]
        try:
            while reading and not self._stopped.is_set():
                readable, _, _ = select.select(reading, [], [], 0.2)
                for sock in readable:
                    data = sock.recv(CHUNK)
                    if not data:  # orderly half-close: pass the EOF on
                        peers[sock].shutdown(socket.SHUT_WR)
                        reading.remove(sock)
                        continue
                    if sock is upstream:
                        if plan.fault is Fault.DELAY and self._stopped.wait(plan.delay):
                            break  # the proxy stops: no need to finish the pause
                        if plan.fault is Fault.RESET and sent_down + len(data) >= plan.after_bytes:
                            client.sendall(data[: plan.after_bytes - sent_down])
                            _delivered(client, self._stopped)
                            _abort(client)
                            _abort(upstream)
                            return
                        if plan.fault is Fault.DRIP and sent_down + len(data) > plan.after_bytes:
                            if self._drip(client, data, sent_down, plan):
                                break
                            sent_down += len(data)
                            continue
                        sent_down += len(data)
                    peers[sock].sendall(data)
        except (OSError, ValueError):  # ValueError: cut_all closed a socket under select
            _abort(client)
            _abort(upstream)
            return
        client.close()
        upstream.close()

    def _drip(self, client: socket.socket, data: bytes, sent_down: int, plan: FaultPlan) -> bool:
        """Send `data` past `after_bytes` one byte per `delay`; True once the proxy stops."""
        free = max(0, plan.after_bytes - sent_down)
        client.sendall(data[:free])
        for offset in range(free, len(data)):
            if self._stopped.wait(plan.delay):
                return True
            client.sendall(data[offset : offset + 1])
        return False
