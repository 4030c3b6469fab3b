"""Cross-process locks on the download cache: one lock file per key under `.perda/locks/`.

`flock` locks belong to an open file, so they exclude other threads of this process as
well as other processes (the app and `perda-tui download` at once). A download or a
prune holds a key's lock exclusively; a reader parsing a cached log holds it shared, so
a prune never removes a log being read and a download never rewrites one under a reader.
Lock files are never removed: removing one while another process waits on it would let
two holders in.

>>> locks = CacheLocks(cache.root / ".perda")
>>> with locks.exclusive("REV 11/run.csv", cancel=event):   # download, prune
...     ...
>>> with locks.shared("REV 11/run.csv"):                    # parse the cached file
...     ...
>>> with locks.exclusive("REV 11/run.csv", timeout=0):      # LockBusy if anyone holds it
...     ...
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from perda_tui.clients.dataserver.errors import DownloadCancelledError
from perda_tui.private_files import PRIVATE_FILE_MODE, private_mkdir

#: longest pause between two attempts while waiting for a busy lock
POLL_SECONDS = 0.05
INDEX_LOCK = "index"


class LockBusy(TimeoutError):
    """The lock was still held by someone else when the timeout ran out."""


class CacheLocks:
    """Per-key shared/exclusive locks in `folder` (the cache's `.perda` bookkeeping folder)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "locks"

    def path_for(self, key: str) -> Path:
        """The lock file of `key` (a hash: keys may be long or hold any character)."""
        name = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return self.folder / f"{name}.lock"

    def exclusive(
        self,
        key: str,
        *,
        timeout: float | None = None,
        cancel: threading.Event | None = None,
    ) -> contextlib.AbstractContextManager[None]:
        """Hold `key` alone (download, prune). See `hold` for `timeout` and `cancel`."""
        return self.hold(key, exclusive=True, timeout=timeout, cancel=cancel)

    def shared(
        self,
        key: str,
        *,
        timeout: float | None = None,
        cancel: threading.Event | None = None,
    ) -> contextlib.AbstractContextManager[None]:
        """Hold `key` with other readers (reading the cached file)."""
        return self.hold(key, exclusive=False, timeout=timeout, cancel=cancel)

    def index(self) -> contextlib.AbstractContextManager[None]:
        """Hold the cache index alone for one read-modify-write."""
        return self._hold_path(self.folder / f"{INDEX_LOCK}.lock", True, None, None, INDEX_LOCK)

    def hold(
        self,
        key: str,
        *,
        exclusive: bool,
        timeout: float | None = None,
        cancel: threading.Event | None = None,
    ) -> contextlib.AbstractContextManager[None]:
        """Lock `key`; wait without limit (`timeout=None`), up to `timeout` seconds, or not
        at all (`timeout=0`), then raise `LockBusy`. Setting `cancel` while waiting raises
        `DownloadCancelledError`.
        """
        return self._hold_path(self.path_for(key), exclusive, timeout, cancel, key)

    @contextlib.contextmanager
    def _hold_path(
        self,
        path: Path,
        exclusive: bool,
        timeout: float | None,
        cancel: threading.Event | None,
        what: str,
    ) -> Iterator[None]:
        private_mkdir(path.parent)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE_MODE)
        try:
            _acquire(fd, exclusive, timeout, cancel, what)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _acquire(
    fd: int,
    exclusive: bool,
    timeout: float | None,
    cancel: threading.Event | None,
    what: str,
) -> None:
    """Take the flock on `fd`, polling so a cancel or the timeout can end the wait."""
    mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
    deadline = None if timeout is None else time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, mode)
            return
        except BlockingIOError:
            pass
        if cancel is not None and cancel.is_set():
            raise DownloadCancelledError(f"cancelled while {what!r} was busy in another process")
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise LockBusy(f"{what!r} is in use by another download or reader; try again")
        pause = min(pause * 2, POLL_SECONDS, left if left is not None else POLL_SECONDS)
        if cancel is not None:
            cancel.wait(pause)
        else:
            time.sleep(pause)
