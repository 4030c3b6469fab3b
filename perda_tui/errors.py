"""Turning any exception into one line a user can act on."""

from __future__ import annotations


def describe(exc: BaseException) -> str:
    """One readable line: the message, or the exception type when there is none."""
    message = str(exc).strip()
    return message if message else type(exc).__name__
