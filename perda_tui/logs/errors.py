"""Errors raised when a file cannot be read as a PER log."""

from __future__ import annotations


class LogParseError(ValueError):
    """The file is not a PER log, or holds no usable data; the message says what was found."""


class TooManyParseErrors(LogParseError):
    """Malformed data rows reached `parsing_errors_limit`."""

    def __init__(self, message: str, count: int, lines: list[int]) -> None:
        super().__init__(message)
        self.count = count
        self.lines = lines
