"""Typed messages that worker threads post back to the screens (posting is thread-safe)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.message import Message


class LoginSucceeded(Message):
    """`client` is logged in to `url`."""

    def __init__(self, client: Any, url: str) -> None:
        super().__init__()
        self.client = client
        self.url = url


class LoginFailed(Message):
    """Logging in to `url` failed with `error`."""

    def __init__(self, error: Exception, url: str) -> None:
        super().__init__()
        self.error = error
        self.url = url


class ListingLoaded(Message):
    """The entries under `prefix`, and which of their keys are in the local cache."""

    def __init__(self, prefix: str, entries: list[Any], cached: frozenset[str]) -> None:
        super().__init__()
        self.prefix = prefix
        self.entries = entries
        self.cached = cached


class ListingFailed(Message):
    """Loading the listing of `prefix` failed with `error`."""

    def __init__(self, prefix: str, error: Exception) -> None:
        super().__init__()
        self.prefix = prefix
        self.error = error


class _Progress(Message):
    """`done` of `total` units; a newer one replaces a queued older one."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total

    def can_replace(self, message: Message) -> bool:
        return type(message) is type(self)


class DownloadProgress(_Progress):
    """Bytes downloaded so far."""


class ParseProgress(_Progress):
    """Bytes of the file parsed so far."""


class FileReady(Message):
    """The log is complete on disk at `path`."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


class DownloadCancelled(Message):
    """The download stopped on request; the partial file is kept for resuming."""


class LogParsed(Message):
    """The file was parsed into `log` (a `perda_tui.logs.Log`)."""

    def __init__(self, log: Any) -> None:
        super().__init__()
        self.log = log


class TaskFailed(Message):
    """A download or parse failed with `error`."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error
