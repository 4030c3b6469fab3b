"""Typed messages: navigation requests the screens post to `PerdaApp`, and the results
thread workers post back to their screens (posting is thread-safe).

Screens never call the app's methods: to go somewhere they post one of the navigation
messages below, which bubble up to the app; `PerdaApp` alone decides which screen comes
next. `LogSource` is here because `OpenLog` carries one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from textual.message import Message

from perda_tui.progress import ProgressCallback

if TYPE_CHECKING:
    from perda_tui.clients.dataserver import LogEntry, ServerClient
    from perda_tui.logs import Log


class LogSource(Protocol):
    """A listing of log entries and a way to get a local file for one of them.

    Every method blocks and is called from a worker thread (implementations:
    `perda_tui.tui.logs.sources`).
    """

    offline: bool

    @property
    def cache_dir(self) -> Path | None:
        """The download cache folder, where parsed logs are kept to reopen fast (None: none)."""
        ...

    def list_logs(self, prefix: str) -> list[LogEntry]:
        """Direct children of `prefix` as `LogEntry` objects (folders and files)."""
        ...

    def is_cached(self, key: str) -> bool:
        """Whether `key` is complete on disk, so opening it needs no download."""
        ...

    def cached_keys(self, prefix: str) -> frozenset[str]:
        """Keys of the complete files directly under `prefix` in the local cache."""
        ...

    def fetch(self, key: str, progress: ProgressCallback, cancel: threading.Event) -> Path:
        """A complete local copy of `key` (downloading it if needed)."""
        ...


# -- navigation: posted by screens, handled by PerdaApp ---------------------------------


class SignedIn(Message):
    """The user signed in; `client` is the session's client: show its logs."""

    def __init__(self, client: ServerClient) -> None:
        super().__init__()
        self.client = client


class OpenOffline(Message):
    """Browse the logs already in the local cache (no server needed)."""


class OpenLog(Message):
    """Download (unless cached) and parse `entry` of `source`, then plot it.

    `on_done(key)` runs when the download modal closes, whatever the outcome.
    """

    def __init__(
        self,
        source: LogSource,
        entry: LogEntry,
        on_done: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.entry = entry
        self.on_done = on_done


class CompareRequested(Message):
    """Compare the logs `entries` of `source` (download and parse them, then overlay)."""

    def __init__(self, source: LogSource, entries: list[LogEntry]) -> None:
        super().__init__()
        self.source = source
        self.entries = entries


class SessionExpired(Message):
    """The server refused the session: ask for the password again over the current
    screen, then run `retry` (if any) once signed in."""

    def __init__(self, message: str, retry: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.message = message
        self.retry = retry


# -- worker results ----------------------------------------------------------------------


class LoginSucceeded(Message):
    """`client` is logged in to `url`."""

    def __init__(self, client: ServerClient, url: str) -> None:
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

    def __init__(self, prefix: str, entries: list[LogEntry], cached: frozenset[str]) -> None:
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
    """The file was parsed into `log`."""

    def __init__(self, log: Log) -> None:
        super().__init__()
        self.log = log


class TaskFailed(Message):
    """A download or parse failed with `error`."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error
