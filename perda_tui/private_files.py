"""Creating folders and files that only the user can read (config, caches, downloads)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import BinaryIO

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_mkdir(path: Path) -> None:
    """Create `path` and any missing parents with mode 0700 (existing folders are left alone)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)


def private_open_binary(path: Path) -> BinaryIO:
    """Open `path` for writing bytes (created with mode 0600, truncated if it exists)."""
    fd = os.open(
        path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), PRIVATE_FILE_MODE
    )
    return os.fdopen(fd, "wb")


def private_write_atomic(path: Path, data: bytes | str) -> None:
    """Replace `path` with `data` (str as UTF-8) in one step, user-only (mode 0600).

    The bytes go to a uniquely named temporary file beside `path` first, so concurrent
    writers never share one and a reader sees the old content or the new, never a part.
    """
    import tempfile  # here: reopening a parsed log imports this module, and never writes

    payload = data.encode() if isinstance(data, str) else data
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
        raise
