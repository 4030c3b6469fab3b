"""How many logs the compare screen parses at once: as many as memory allows.

A parse holds about twice its CSV's size at its peak (a 5M-row, 90 MB log: 186 MB). All
four logs of the bench parsed at once drew them 2.8 s after opening, against 3.45 s two
at a time, on two cores: a parse has single-threaded stretches the others fill. On a
1 GB Raspberry Pi the same four would not fit, so each parse waits until the memory its
log needs is free within the budget (half of what the system has available when the
screen opens); one parse always may run, however big its log.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: A parse's peak memory for each byte of its CSV.
PEAK_PER_BYTE = 2
#: The share of the system's available memory the parses may hold at once.
SHARE = 0.5
#: Assumed available memory where the system does not say (a 1 GB Raspberry Pi's).
FALLBACK_BYTES = 512 << 20


def available_memory(meminfo: Path = Path("/proc/meminfo")) -> int:
    """Bytes of memory the system can give without swapping (`MemAvailable`), or what
    `sysconf` says is free, or `FALLBACK_BYTES`."""
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return FALLBACK_BYTES


class ParseBudget:
    """A gate for parses: `hold(size)` waits until a parse of a `size`-byte log fits in
    `limit` bytes with those running (or none runs), and holds its share meanwhile."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._used = 0
        self._running = 0
        self._changed = threading.Condition()

    @classmethod
    def from_available_memory(cls) -> ParseBudget:
        """A budget of `SHARE` of the memory available now."""
        return cls(int(available_memory() * SHARE))

    def fits(self, size: int) -> bool:
        """Whether a parse of a `size`-byte log may start now."""
        return not self._running or self._used + PEAK_PER_BYTE * size <= self.limit

    @contextmanager
    def hold(self, size: int) -> Iterator[None]:
        """Wait for room for a `size`-byte log's parse, and hold it for the block."""
        need = PEAK_PER_BYTE * max(size, 0)
        with self._changed:
            self._changed.wait_for(lambda: self.fits(size))
            self._used += need
            self._running += 1
        try:
            yield
        finally:
            with self._changed:
                self._used -= need
                self._running -= 1
                self._changed.notify_all()
