"""Open a PER log the device screen wrote (an acquisition, a recording) in the plot
screen: the app's own `OpenLog` navigation, with a source that serves one local file."""

from __future__ import annotations

import threading
from pathlib import Path

from perda_tui.clients.dataserver import LogEntry
from perda_tui.progress import ProgressCallback
from perda_tui.tui.messages import OpenLog


class WrittenFile:
    """A `LogSource` of one file on disk (always complete, never downloaded)."""

    offline = True
    cache_dir: Path | None = None  # the file is already where it stays

    def __init__(self, path: Path) -> None:
        self.path = path

    def list_logs(self, prefix: str) -> list[LogEntry]:
        """Nothing to browse: only the file itself is opened."""
        return []

    def is_cached(self, key: str) -> bool:
        """The file is on disk."""
        return True

    def cached_keys(self, prefix: str) -> frozenset[str]:
        """Nothing to browse."""
        return frozenset()

    def fetch(self, key: str, progress: ProgressCallback, cancel: threading.Event) -> Path:
        """The file itself."""
        return self.path


def open_written(path: Path, title: str) -> OpenLog:
    """The message that makes the app parse `path` and show it on the plot screen."""
    entry = LogEntry(key=str(path), name=title, is_folder=False, size=path.stat().st_size)
    return OpenLog(WrittenFile(path), entry)
