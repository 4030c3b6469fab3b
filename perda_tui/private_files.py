"""Creating folders and files that only the user can read (config, caches, downloads)."""

from __future__ import annotations

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


def private_write_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to a new or truncated file created with mode 0600."""
    with private_open_binary(path) as handle:
        handle.write(text.encode())


def private_open_binary(path: Path) -> BinaryIO:
    """Open `path` for writing bytes (created with mode 0600, truncated if it exists)."""
    fd = os.open(
        path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), PRIVATE_FILE_MODE
    )
    return os.fdopen(fd, "wb")
