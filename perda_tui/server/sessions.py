"""Login sessions: random tokens with an expiry, O(1) to create, bounded in number.

Every session lives `ttl` seconds, so tokens expire in the order they were made: creating
one drops the expired ones from the front of an insertion-ordered dict (amortised O(1),
not a scan of every live session). At most `per_client` sessions per address and `total`
overall are kept; beyond that the oldest one goes.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class _Session:
    client: str
    expiry: float


class SessionStore:
    """Random session tokens with an expiry time; thread-safe.

    `clock` (seconds, monotonic) is what expiry is measured on; tests may replace it.
    """

    def __init__(
        self,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        per_client: int = 100,
        total: int = 100_000,
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self.per_client = per_client
        self.total = total
        self._sessions: OrderedDict[str, _Session] = OrderedDict()
        self._by_client: dict[str, deque[str]] = {}
        self._lock = threading.Lock()

    def create(self, client: str = "?") -> str:
        """A new session token for `client` (its address) valid for `ttl` seconds."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            self._drop_expired(now)
            mine = self._by_client.setdefault(client, deque())
            while len(mine) >= self.per_client:
                self._sessions.pop(mine.popleft(), None)
            while len(self._sessions) >= self.total:
                self._drop(*self._sessions.popitem(last=False))
            self._sessions[token] = _Session(client, now + self.ttl)
            mine.append(token)
        return token

    def valid(self, token: str | None) -> bool:
        """True for a known, unexpired token."""
        if not token:
            return False
        with self._lock:
            session = self._sessions.get(token)
        return session is not None and session.expiry > self.clock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def clear(self) -> None:
        """End every session (clients get 401 on their next call)."""
        with self._lock:
            self._sessions.clear()
            self._by_client.clear()

    def _drop_expired(self, now: float) -> None:
        while self._sessions:
            token, session = next(iter(self._sessions.items()))
            if session.expiry > now:
                return
            del self._sessions[token]
            self._drop(token, session)

    def _drop(self, token: str, session: _Session) -> None:
        """Forget `token` (already out of `_sessions`) in its client's queue."""
        mine = self._by_client.get(session.client)
        if mine is None:
            return
        if mine and mine[0] == token:
            mine.popleft()
        else:  # out of order only if the clock went backwards
            mine.remove(token)
        if not mine:
            del self._by_client[session.client]
