"""The two ways to talk to a Scrutiny server: framed TCP (≥ 0.4) and WebSocket (≤ 0.3).

Both expose the same small async interface used by the session: `send(obj)`,
`receive() -> list[dict]` (raises `ConnectionError` when the server goes away),
`rest(seconds, wake)` and `close()`. `greets` says whether the server opens with a
`welcome` message.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import struct
from typing import Any, Protocol, cast

from perda_tui.clients.scrutiny.errors import ConnectionError
from perda_tui.clients.scrutiny.framing import MTU, FrameDecoder, encode_frame

logger = logging.getLogger(__name__)
READ_SIZE = 64 * 1024


class Transport(Protocol):
    """What a session needs from a connection."""

    name: str
    greets: bool

    async def send(self, obj: dict[str, Any]) -> None:
        """Send one JSON message."""

    async def receive(self) -> list[dict[str, Any]]:
        """Wait for the next messages (possibly none if only bad data arrived)."""

    async def rest(self, seconds: float, wake: asyncio.Future[None]) -> None:
        """Read nothing for `seconds` or until `wake` is done (what arrives waits)."""

    async def close(self) -> None:
        """Close the connection; never raises."""


def _finish(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class TcpTransport:
    """Framed JSON datagrams over a TCP stream (zlib + MD5 on what we send)."""

    name = "tcp"
    greets = True

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self.decoder = FrameDecoder()

    @classmethod
    async def open(cls, host: str, port: int, timeout: float) -> TcpTransport:
        """Connect within `timeout` seconds."""
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, limit=2 * MTU), timeout
        )
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return cls(reader, writer)

    async def send(self, obj: dict[str, Any]) -> None:
        """Send one frame (compressed, with digest, as the official SDK does)."""
        try:
            self._writer.write(encode_frame(obj))
            await self._writer.drain()
        except OSError as exc:
            raise ConnectionError(f"connection lost while sending: {exc}") from exc

    async def receive(self) -> list[dict[str, Any]]:
        """Read the next chunk and return the messages it completes."""
        try:
            data = await self._reader.read(READ_SIZE)
        except OSError as exc:
            raise ConnectionError(f"connection lost: {exc}") from exc
        if not data:
            raise ConnectionError("the server closed the connection")
        return self.decoder.feed(data)

    async def rest(self, seconds: float, wake: asyncio.Future[None]) -> None:
        """Stop reading the socket for `seconds` or until `wake` is done: the kernel keeps
        what arrives and the next `receive()` takes it in one read, so a stream of small
        value pushes wakes this thread once per rest instead of once per push."""
        transport = cast(asyncio.ReadTransport, self._writer.transport)  # the socket's, reads too
        pausing = transport.is_reading()  # not: the stream's own flow control paused it
        if pausing:
            transport.pause_reading()
        timer = asyncio.get_running_loop().call_later(seconds, _finish, wake)
        try:
            await wake
        finally:
            timer.cancel()
            if pausing:
                transport.resume_reading()

    async def close(self) -> None:
        """Close the socket (abortive, like the server)."""
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()


class WebSocketTransport:
    """One JSON object per WebSocket text frame (Scrutiny 0.1.0 … 0.3.x)."""

    name = "ws"
    greets = False

    def __init__(self, connection: Any) -> None:
        self._ws = connection

    @classmethod
    async def open(
        cls, host: str, port: int, timeout: float, path: str = "/"
    ) -> WebSocketTransport:
        """Open `ws://host:port/path` within `timeout` seconds."""
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidHandshake

        uri = f"ws://{host}:{port}{path or '/'}"
        try:
            connection = await connect(uri, open_timeout=timeout, max_size=MTU, proxy=None)
        except InvalidHandshake as exc:
            raise ConnectionError(f"{uri} is not a WebSocket server: {exc}") from exc
        return cls(connection)

    async def send(self, obj: dict[str, Any]) -> None:
        """Send one text frame."""
        from websockets.exceptions import ConnectionClosed

        try:
            await self._ws.send(json.dumps(obj, separators=(",", ":")))
        except ConnectionClosed as exc:
            raise ConnectionError(f"connection lost while sending: {exc}") from exc

    async def receive(self) -> list[dict[str, Any]]:
        """Wait for the next frame; bad JSON is logged and dropped."""
        from websockets.exceptions import ConnectionClosed

        try:
            data = await self._ws.recv()
        except ConnectionClosed as exc:
            raise ConnectionError(f"connection lost: {exc}") from exc
        try:
            message = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            logger.warning("dropping a Scrutiny WebSocket message: invalid JSON (%s)", exc)
            return []
        if not isinstance(message, dict):
            logger.warning("dropping a Scrutiny WebSocket message: not a JSON object")
            return []
        return [message]

    async def rest(self, seconds: float, wake: asyncio.Future[None]) -> None:
        """No rest: the WebSocket library reads in its own task whatever we do."""

    async def close(self) -> None:
        """Close the WebSocket (bounded wait for the closing handshake)."""
        with contextlib.suppress(TimeoutError, OSError):
            await asyncio.wait_for(self._ws.close(), 2.0)
