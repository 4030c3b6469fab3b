"""The framed datagram stream of Scrutiny ≥ 0.4 servers over TCP (no I/O here).

A frame is `<SCRUTINY size=HEX flags=[c][h]>` + payload [+ 16-byte MD5 of the payload as
sent]; `c` means the payload is zlib-compressed JSON. Bad frames are logged and dropped,
the stream goes on, exactly as the server's own receiver behaves.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import zlib
from typing import Any

logger = logging.getLogger(__name__)

#: Largest payload (as sent) a frame may announce; bigger headers are ignored.
MTU = 1024 * 1024
#: Largest JSON accepted after decompression (guards against zlib bombs).
MAX_INFLATED = 16 * MTU
#: A partial frame is discarded when the next bytes arrive later than this (seconds).
STALE_AFTER = 1.0
DIGEST_SIZE = 16
_HEADER = re.compile(rb"<SCRUTINY size=([a-fA-F0-9]{1,8}) flags=(c?h?)>")
_MAX_HEADER = len(b"<SCRUTINY size=ffffffff flags=ch>")


def encode_frame(obj: dict[str, Any], *, compress: bool = True, digest: bool = True) -> bytes:
    """One frame holding `obj` as compact JSON."""
    body = json.dumps(obj, separators=(",", ":")).encode()
    if compress:
        body = zlib.compress(body, 1)
    if len(body) > MTU:
        raise ValueError(f"message of {len(body)} bytes exceeds the {MTU}-byte frame limit")
    flags = ("c" if compress else "") + ("h" if digest else "")
    tail = hashlib.md5(body).digest() if digest else b""
    return f"<SCRUTINY size={len(body):x} flags={flags}>".encode() + body + tail


class FrameDecoder:
    """Turns received bytes into JSON objects; feed it chunks as they arrive."""

    def __init__(self, max_size: int = MTU, stale_after: float = STALE_AFTER) -> None:
        self.max_size = max_size
        self.stale_after = stale_after
        self.dropped = 0
        self._buffer = bytearray()
        self._last_rx = 0.0

    @property
    def pending(self) -> int:
        """Bytes held from a frame not complete yet."""
        return len(self._buffer)

    def reset(self) -> None:
        """Forget any partial frame."""
        self._buffer.clear()

    def feed(self, data: bytes, now: float | None = None) -> list[dict[str, Any]]:
        """Add received bytes; return the complete, valid messages they finish."""
        now = time.monotonic() if now is None else now
        if self._buffer and now - self._last_rx > self.stale_after:
            logger.warning(
                "discarding a partial Scrutiny frame (%d bytes, stale)", len(self._buffer)
            )
            self.dropped += 1
            self._buffer.clear()
        self._last_rx = now
        self._buffer += data
        messages: list[dict[str, Any]] = []
        while (frame := self._next_frame()) is not None:
            message = self._decode(*frame)
            if message is not None:
                messages.append(message)
        return messages

    def _next_frame(self) -> tuple[bytes, bytes, bytes] | None:
        """Cut the next complete frame as (flags, payload, digest), or None if incomplete."""
        while True:
            match = _HEADER.search(self._buffer)
            if match is None:
                self._keep_possible_header_start()
                return None
            size = int(match.group(1), 16)
            if size > self.max_size:
                logger.warning("ignoring a Scrutiny frame header announcing %d bytes", size)
                self.dropped += 1
                del self._buffer[: match.end()]
                continue
            flags = match.group(2)
            digest_size = DIGEST_SIZE if b"h" in flags else 0
            start = match.end()
            end = start + size + digest_size
            if len(self._buffer) < end:
                del self._buffer[: match.start()]
                return None
            payload = bytes(self._buffer[start : start + size])
            digest = bytes(self._buffer[start + size : end])
            del self._buffer[:end]
            return flags, payload, digest

    def _keep_possible_header_start(self) -> None:
        cut = self._buffer.rfind(b"<")
        if cut < 0 or len(self._buffer) - cut >= _MAX_HEADER:
            self._buffer.clear()
        else:
            del self._buffer[:cut]

    def _decode(self, flags: bytes, payload: bytes, digest: bytes) -> dict[str, Any] | None:
        if digest and hashlib.md5(payload).digest() != digest:
            return self._drop("MD5 mismatch")
        if b"c" in flags:
            inflater = zlib.decompressobj()
            try:
                payload = inflater.decompress(payload, MAX_INFLATED)
            except zlib.error as exc:
                return self._drop(f"bad zlib data ({exc})")
            if inflater.unconsumed_tail:
                return self._drop("inflated payload too large")
        try:
            message = json.loads(payload)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return self._drop(f"invalid JSON ({exc})")
        if not isinstance(message, dict):
            return self._drop("JSON payload is not an object")
        return message

    def _drop(self, reason: str) -> dict[str, Any] | None:
        """Log and count a bad frame; None stands for the message it did not hold."""
        logger.warning("dropping a Scrutiny frame: %s", reason)
        self.dropped += 1
        return None
