"""A total deadline for one request: per-read timeouts never end a drip of one byte a second."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

#: a transfer may take its base deadline plus one second per this many bytes
MIN_BYTES_PER_SECOND = 64 * 1024

_current = threading.local()


class Deadline:
    """Ends one request at `seconds` from now, whatever phase it is in.

    A per-read timeout never fires against a server that sends one byte per second, in
    the headers or the body. The request's socket is shut down when the time is up, which
    wakes the blocked read. httpx hands the socket over through the `trace` hook when it
    connects; a client with its own connection pool (botocore) reads `Deadline.active()`
    in its connection class before it waits for the answer (see `applying`).
    """

    @staticmethod
    def active() -> Deadline | None:
        """The deadline `applying` in this thread, if any."""
        deadline: Deadline | None = getattr(_current, "deadline", None)
        return deadline

    @contextlib.contextmanager
    def applying(self) -> Iterator[Deadline]:
        """Make this the `active()` deadline of this thread for the duration of the block."""
        previous = Deadline.active()
        _current.deadline = self
        try:
            yield self
        finally:
            _current.deadline = previous

    @classmethod
    def for_bytes(cls, base: float, size: int) -> Deadline:
        """A deadline for moving `size` bytes: `base` s plus 1 s per `MIN_BYTES_PER_SECOND`."""
        return cls(base + size / MIN_BYTES_PER_SECOND)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx `trace` extension: watch the socket of each new connection."""
        if event == "connection.connect_tcp.complete":
            self.watch(info["return_value"].get_extra_info("socket"))

    def watch(self, sock: object) -> None:
        """Shut `sock` down when the time is up (at once if it already is)."""
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            self._expire()

    def check(self) -> None:
        """Raise `TimeoutError` once the time is up (between two pieces of an answer)."""
        if self.expired or time.monotonic() > self.ends:
            self.expired = True
            raise TimeoutError(f"no complete answer within {self.seconds:g} s")

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
