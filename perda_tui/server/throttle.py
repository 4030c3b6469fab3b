"""The failed-login throttle: one password check at a time per address, slower after failures.

Guessing with many connections gains nothing: an address's attempts are checked one after
the other (`attempt`), each after that address's delay, so the guess rate stays at the
one-connection rate. Beyond `max_waiting` queued attempts an address gets `Busy` (HTTP
429) at once. The delay doubles per failure up to `cap`; failures decay (one forgiven per
`decay` seconds without a new one), and the table keeps at most `max_clients` addresses,
dropping the least recently failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

#: 2**30 times any base delay is beyond any cap: the exponent never needs more
MAX_EXPONENT = 30


class Busy(Exception):
    """Too many login attempts from one address are already waiting."""


@dataclass
class _Failures:
    count: int
    last: float


class LoginThrottle:
    """Per-address login pacing; `sleep` and `clock` are replaceable for tests."""

    def __init__(
        self,
        base: float,
        cap: float,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        *,
        clock: Callable[[], float] = time.monotonic,
        decay: float = 60.0,
        max_clients: int = 10_000,
        max_waiting: int = 8,
    ) -> None:
        self.base = base
        self.cap = cap
        self.sleep = sleep
        self.clock = clock
        self.decay = decay
        self.max_clients = max_clients
        self.max_waiting = max_waiting
        self._failures: OrderedDict[str, _Failures] = OrderedDict()
        self._lock = threading.Lock()
        self._turns: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    def failures(self, client: str) -> int:
        """Failures of `client` still counted (after decay)."""
        with self._lock:
            record = self._failures.get(client)
            return 0 if record is None else self._decayed(record)

    def delay(self, client: str) -> float:
        """Seconds to wait before checking this client's next attempt."""
        failures = self.failures(client)
        if failures == 0:
            return 0.0
        return min(self.base * 2 ** min(failures - 1, MAX_EXPONENT), self.cap)

    @contextlib.asynccontextmanager
    async def attempt(self, client: str) -> AsyncIterator[None]:
        """Wait for this client's turn and its delay, then check its password inside.

        Raises `Busy` when `max_waiting` attempts of the client are already queued.
        """
        if self._waiting.get(client, 0) >= self.max_waiting:
            raise Busy(f"too many login attempts from {client} at once; try again later")
        self._waiting[client] = self._waiting.get(client, 0) + 1
        turn = self._turns.setdefault(client, asyncio.Lock())
        try:
            async with turn:
                await self.sleep(self.delay(client))
                yield
        finally:
            self._waiting[client] -= 1
            if not self._waiting[client]:
                del self._waiting[client]
                self._turns.pop(client, None)

    def failed(self, client: str) -> None:
        """Record one failed attempt."""
        now = self.clock()
        with self._lock:
            record = self._failures.pop(client, None)
            count = 1 if record is None else self._decayed(record) + 1
            self._failures[client] = _Failures(min(count, MAX_EXPONENT + 1), now)
            while len(self._failures) > self.max_clients:
                self._failures.popitem(last=False)

    def succeeded(self, client: str) -> None:
        """Forget the client's failures."""
        with self._lock:
            self._failures.pop(client, None)

    def tracked(self) -> int:
        """How many addresses have failures on record."""
        with self._lock:
            return len(self._failures)

    def _decayed(self, record: _Failures) -> int:
        forgiven = int((self.clock() - record.last) / self.decay) if self.decay > 0 else 0
        return max(0, record.count - forgiven)
