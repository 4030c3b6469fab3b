"""Checking S3 keys before they become local paths: nothing may resolve outside the cache."""

from __future__ import annotations

import re
from urllib.parse import unquote

from perda_tui.clients.dataserver.errors import UnsafeKeyError
from perda_tui.text import UNSAFE_CHARACTERS, has_control

#: First path segment reserved for the cache's own bookkeeping.
RESERVED_SEGMENT = ".perda"
MAX_SEGMENT_BYTES = 255
_DRIVE = re.compile(r"^[A-Za-z]:")


def _problem(key: str) -> str | None:
    if not key:
        return "it is empty"
    if has_control(key):
        return "it contains control characters"
    if UNSAFE_CHARACTERS.search(key):  # a file named with U+202E shows another extension
        return "it contains bidi or zero-width characters"
    if "\\" in key:
        return "it contains a backslash"
    if key.startswith("/") or _DRIVE.match(key):
        return "it is an absolute path"
    if key.endswith("/"):
        return "it is a folder, not a log file"
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            return f"it has a '{segment or '//'}' path segment"
        if len(segment.encode()) > MAX_SEGMENT_BYTES:
            return "a path segment is too long"
    if key.split("/", 1)[0] == RESERVED_SEGMENT:
        return f"'{RESERVED_SEGMENT}/' is reserved for the cache"
    return None


def check_key(key: object) -> list[str]:
    """The key's path segments, or `UnsafeKeyError` saying why the key cannot be stored.

    Refuses `..`/`.`/empty segments, absolute and drive paths, backslashes, control
    characters (NUL included), bidi and zero-width characters, folder keys, and the same
    tricks percent-encoded.
    """
    if not isinstance(key, str):
        raise UnsafeKeyError(f"log key must be a string, not {type(key).__name__}")
    problem = _problem(key)
    decoded = unquote(key)
    if problem is None and decoded != key:
        inner = _problem(decoded)
        problem = f"once percent-decoded, {inner}" if inner else None
    if problem is not None:
        raise UnsafeKeyError(f"refusing log key {key!r}: {problem}")
    return key.split("/")
