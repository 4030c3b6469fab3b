"""Where the browser's listings and files come from: the server, the local cache, or one file.

The screens talk to a `LogSource` (`perda_tui.tui.messages`) so that browsing online,
browsing the cache offline and opening a local file share the same browser and download
modal. Every method blocks and is called from a worker thread.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from perda_tui.progress import ProgressCallback

if TYPE_CHECKING:
    from perda_tui.clients.dataserver import LogCache, LogEntry, ServerClient


def cached_files(cache: LogCache, prefix: str) -> frozenset[str]:
    """Keys of the cached files directly under `prefix` (one pass over the cache index)."""
    return frozenset(e.key for e in cache.cached_entries(prefix) if not e.is_folder)


class ServerSource:
    """The data server through a logged-in `ServerClient`."""

    offline = False

    def __init__(self, client: ServerClient) -> None:
        self.client = client

    @property
    def cache_dir(self) -> Path | None:
        return self.client.cache.root if self.client.cache else None

    def list_logs(self, prefix: str) -> list[LogEntry]:
        return list(self.client.list_logs(prefix))

    def is_cached(self, key: str) -> bool:
        return self.client.cache is not None and self.client.cache.is_cached(key)

    def cached_keys(self, prefix: str) -> frozenset[str]:
        return cached_files(self.client.cache, prefix) if self.client.cache else frozenset()

    def fetch(self, key: str, progress: ProgressCallback, cancel: threading.Event) -> Path:
        # Online, the client checks a cached copy's size and ETag against the server
        # (one HEAD request) and fetches the log again if it changed.
        return Path(self.client.download(key, progress=progress, cancel=cancel))


class CacheSource:
    """The logs already downloaded, browsable with no server (`LogCache.cached_entries`)."""

    offline = True

    def __init__(self, cache: LogCache) -> None:
        self.cache = cache

    @property
    def cache_dir(self) -> Path | None:
        return self.cache.root

    def list_logs(self, prefix: str) -> list[LogEntry]:
        return list(self.cache.cached_entries(prefix))

    def cached_keys(self, prefix: str) -> frozenset[str]:
        return cached_files(self.cache, prefix)

    def is_cached(self, key: str) -> bool:
        return bool(self.cache.is_cached(key))

    def fetch(self, key: str, progress: ProgressCallback, cancel: threading.Event) -> Path:
        if not self.cache.is_cached(key):
            raise FileNotFoundError(f"{key} is not in the local cache")
        return Path(self.cache.path_for(key))


class LocalFileSource:
    """Log files on disk, a key being a file's name in `folder` (or its absolute path):
    `perda-tui open FILE` opens FILE from its folder; nothing is downloaded."""

    offline = True

    def __init__(self, folder: Path, cache_dir: Path | None = None) -> None:
        self.folder = folder
        self.cache_dir = cache_dir

    def list_logs(self, prefix: str) -> list[LogEntry]:
        return []

    def cached_keys(self, prefix: str) -> frozenset[str]:
        return frozenset()

    def is_cached(self, key: str) -> bool:
        return True

    def fetch(self, key: str, progress: ProgressCallback, cancel: threading.Event) -> Path:
        return self.folder / key
