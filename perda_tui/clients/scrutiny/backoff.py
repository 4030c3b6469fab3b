"""Retry delays for reconnecting: exponential with a cap, reset after a success."""

from __future__ import annotations


class Backoff:
    """`next()` gives 1, 2, 4 … up to `maximum` seconds; `reset()` after a success."""

    def __init__(self, initial: float = 1.0, maximum: float = 30.0, factor: float = 2.0) -> None:
        if initial <= 0 or maximum < initial or factor < 1:
            raise ValueError("need 0 < initial <= maximum and factor >= 1")
        self.initial, self.maximum, self.factor = initial, maximum, factor
        self.attempts = 0

    def next(self) -> float:
        """Delay before the next attempt."""
        delay = min(self.maximum, self.initial * self.factor**self.attempts)
        self.attempts += 1
        return delay

    def reset(self) -> None:
        """Start again from the initial delay."""
        self.attempts = 0
