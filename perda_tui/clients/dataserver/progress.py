"""Progress from many download threads, serialised and throttled for one caller."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

ProgressCallback = Callable[[int, int], None]


class ThrottledProgress:
    """Sums byte increments and calls `callback(done, total)` at most every `interval` s.

    Calls never overlap (one lock), and `finish()` always makes a final call.
    """

    def __init__(self, callback: ProgressCallback | None, interval: float = 0.1) -> None:
        self._callback = callback
        self._interval = interval
        self._lock = threading.Lock()
        self._last = 0.0
        self.done = 0
        self.total = 0

    def start(self, done: int, total: int) -> None:
        """Set the starting point (bytes already present, object size) and report it."""
        with self._lock:
            self.done, self.total = done, total
            self._emit()

    def advance(self, count: int) -> None:
        """Add `count` bytes; report if the last report is old enough."""
        with self._lock:
            self.done += count
            if time.monotonic() - self._last >= self._interval:
                self._emit()

    def finish(self, total: int) -> None:
        """Report completion: `(total, total)`."""
        with self._lock:
            self.done = self.total = total
            self._emit()

    def _emit(self) -> None:
        self._last = time.monotonic()
        if self._callback is not None:
            self._callback(self.done, self.total)
