"""Progress reports throttled for one caller, shared by the clients (no Textual import)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

#: `progress(done, total)`: bytes so far and the expected total.
ProgressCallback = Callable[[int, int], None]
#: Seconds between two throttled reports (about 10 updates/s).
PROGRESS_INTERVAL = 0.1
#: The totals a reporter passes on: always known (`int`) or possibly unknown (`int | None`).
TotalT = TypeVar("TotalT", int, "int | None")


class ThrottledProgress(Generic[TotalT]):
    """Sums byte increments and calls `callback(done, total)` at most every `interval` s.

    Calls never overlap (one lock), so many download threads can share one reporter.
    `total` is the expected size so far: a `ThrottledProgress[int]` always knows one, a
    `ThrottledProgress[int | None]` reports None while it is unknown.
    """

    def __init__(
        self,
        callback: Callable[[int, TotalT], None] | None,
        interval: float = PROGRESS_INTERVAL,
        *,
        total: TotalT,
    ) -> None:
        self._callback: Callable[[int, TotalT], None] | None = callback
        self._interval = interval
        self._lock = threading.Lock()
        self._last = 0.0
        self._reported: int | None = None
        self.done = 0
        self.total: TotalT = total

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

    def flush(self) -> None:
        """Report the count if it changed since the last report (the final call)."""
        with self._lock:
            if self._reported != self.done:
                self._emit()

    def finish(self, total: int) -> None:
        """Always report completion: `(total, total)`."""
        with self._lock:
            self.done = self.total = total
            self._emit()

    def _emit(self) -> None:
        self._last = time.monotonic()
        self._reported = self.done
        if self._callback is not None:
            self._callback(self.done, self.total)
