"""`ServerClient`: log in to the gateway, list logs with metadata, download from S3, load."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from perda_tui.clients.dataserver.cache import LogCache, matches_etag
from perda_tui.clients.dataserver.errors import (
    DataServerError,
    DownloadCancelledError,
)
from perda_tui.clients.dataserver.gateway import Gateway
from perda_tui.clients.dataserver.keys import check_key
from perda_tui.clients.dataserver.models import (
    LogEntry,
    S3Credentials,
    entry_from,
    format_listing,
    merge_listing,
)
from perda_tui.clients.dataserver.transfer import (
    ChunkedDownload,
    CredentialsRejected,
    ObjectChanged,
    ObjectInfo,
    S3Reader,
    TransferStats,
)
from perda_tui.private_files import private_mkdir
from perda_tui.progress import ProgressCallback, ThrottledProgress

if TYPE_CHECKING:
    from perda_tui.logs import Log

T = TypeVar("T")
_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


class ServerClient:
    """Client of the PER data server: gateway over httpx, downloads straight from S3.

    >>> client = ServerClient("https://data.example.com", cache_dir="~/.cache/perda")
    >>> client.login("password")
    >>> client.print_logs("REV 11/")
    >>> log = client.load("REV 11/2026-04-01/endurance.csv")

    Errors are `DataServerError`s (a `ConnectionError`): `AuthenticationError`,
    `ServerUnreachableError`/`TLSError`, `ServerError`, `SessionExpiredError`; a
    cancelled download raises `DownloadCancelledError`, an unsafe key `UnsafeKeyError`.
    `timeout` bounds each connect and read; `deadline` each whole gateway request (and
    each ranged S3 GET, plus a second per 64 KiB), so a dripping server is given up.
    """

    def __init__(
        self,
        url: str,
        cache_dir: str | Path | None = None,
        *,
        verify: bool = True,
        timeout: float = 10.0,
        deadline: float = 60.0,
    ) -> None:
        self._gateway = Gateway(url, verify=verify, timeout=timeout, deadline=deadline)
        self.url = self._gateway.url
        self.cache = LogCache(cache_dir) if cache_dir is not None else None
        self.verify = verify
        self.timeout = timeout
        self.deadline = deadline
        #: what the last `download` did (bytes fetched versus reused), for the curious
        self.last_transfer: TransferStats | None = None
        self._reader: S3Reader | None = None
        self._entries: dict[str, LogEntry] = {}
        self._lock = threading.Lock()

    def login(self, password: str) -> None:
        """Log in; `AuthenticationError` with the server's message on a wrong password."""
        self._gateway.login(password)

    def list_logs(self, prefix: str = "") -> list[LogEntry]:
        """Folders and files directly under `prefix` ('' = bucket root), with metadata."""
        if not isinstance(prefix, str):
            raise TypeError("prefix must be a string")
        listing = self._gateway.post("/api/v1/s3/list", {"prefix": prefix})
        metadata = self._gateway.post("/api/v1/metadata/page", {"path": prefix})
        entries = merge_listing(listing, metadata)
        with self._lock:
            self._entries.update((e.key, e) for e in entries if not e.is_folder)
        return entries

    def print_logs(self, prefix: str = "") -> None:
        """Print the listing under `prefix` with folder and file counts."""
        print(format_listing(prefix, self.list_logs(prefix)))

    def download(
        self,
        key: str,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Path:
        """Download `key` (or reuse the cached copy if its size and ETag still match).

        `progress(done_bytes, total_bytes)` is called at most ~10 times a second, never
        concurrently, and once more at completion. Setting `cancel` stops the transfer
        with `DownloadCancelledError`; a cached download then resumes where it stopped.
        Without a cache the file is a temporary one that the caller owns.
        """
        check_key(key)
        destination = self.cache.path_for(key) if self.cache is not None else None
        if cancel is not None and cancel.is_set():
            raise DownloadCancelledError(f"download of {key!r} cancelled")
        reporter = ThrottledProgress(progress, total=0)
        # one transfer per key across threads and processes: they would share a partial file
        hold = self.cache.locks.exclusive(key, cancel=cancel) if self.cache else nullcontext()
        with hold:
            for attempt in range(2):
                try:
                    return self._with_reader(
                        lambda reader: self._download(reader, key, destination, reporter, cancel)
                    )
                except ObjectChanged:
                    if self.cache is not None:
                        self.cache.discard_partial(key)
                    if attempt:
                        raise
        raise AssertionError("unreachable")

    def load(
        self,
        key: str,
        ts_offset: int = 0,
        parsing_errors_limit: int = 100,
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Log:
        """Download `key` and parse it; without a cache the download is removed afterwards."""
        from perda_tui.logs import Log

        parse = partial(Log.load, ts_offset=ts_offset, parsing_errors_limit=parsing_errors_limit)
        if self.cache is None:
            path = self.download(key, progress, cancel)
            try:
                return parse(path)
            finally:
                path.unlink(missing_ok=True)
        for attempt in range(2):
            self.download(key, progress, cancel)
            with self.cache.reading(key) as path:  # a prune waits until parsed
                if attempt or path.is_file():  # else removed between download and lock
                    return parse(path)
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the HTTP and S3 connection pools."""
        self._gateway.close()
        self._drop_reader()

    def __enter__(self) -> ServerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # S3 access -------------------------------------------------------------

    def _with_reader(self, action: Callable[[S3Reader], T]) -> T:
        """Run `action` with S3 credentials, fetching new ones once if S3 rejects them."""
        try:
            return action(self._s3_reader())
        except CredentialsRejected:
            self._drop_reader()
        try:
            return action(self._s3_reader())
        except CredentialsRejected as exc:
            raise CredentialsRejected(
                f"{exc}, even with freshly fetched ones; ask the data server's admin"
            ) from exc

    def _s3_reader(self) -> S3Reader:
        with self._lock:
            if self._reader is None:
                doc = self._gateway.post("/api/v1/s3/credentials", {})
                credentials = S3Credentials.from_json(doc)
                self._reader = S3Reader(
                    credentials, verify=self.verify, timeout=self.timeout, deadline=self.deadline
                )
            return self._reader

    def _drop_reader(self) -> None:
        with self._lock:
            reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()

    def _download(
        self,
        reader: S3Reader,
        key: str,
        destination: Path | None,
        reporter: ThrottledProgress[int],
        cancel: threading.Event | None,
    ) -> Path:
        started = time.perf_counter()
        info = reader.head(key)
        if self.cache is None or destination is None:
            return self._download_temporary(reader, key, info, reporter, cancel, started)
        record = self.cache.record(key)
        rescanned = record is not None and not record.etag and record.size == info.size
        if rescanned and matches_etag(destination, info.etag):  # after a corrupt index
            self.cache.store(key, info.etag, info.size, self._entry_for(key, info))
            record = self.cache.record(key)
        if record is not None and (record.etag, record.size) == (info.etag, info.size):
            self.last_transfer = TransferStats(key, info.size, 0, info.size, 0.0, True)
            reporter.finish(info.size)
            return destination
        part, state = self.cache.partial_paths(key)
        job = ChunkedDownload(reader, key, info, part, state)
        resumed = job.present_bytes
        try:
            job.run(reporter, cancel)
        finally:
            self.last_transfer = TransferStats(
                key, info.size, job.fetched, resumed, time.perf_counter() - started, False
            )
        self.cache.forget(key)
        private_mkdir(destination.parent)
        os.replace(part, destination)
        state.unlink(missing_ok=True)
        self.cache.store(key, info.etag, info.size, self._entry_for(key, info))
        reporter.finish(info.size)
        return destination

    def _download_temporary(
        self,
        reader: S3Reader,
        key: str,
        info: ObjectInfo,
        reporter: ThrottledProgress[int],
        cancel: threading.Event | None,
        started: float,
    ) -> Path:
        suffix = Path(key).suffix
        handle, name = tempfile.mkstemp(
            prefix="perda_", suffix=suffix if _SAFE_SUFFIX.match(suffix) else ".csv"
        )
        os.close(handle)
        path = Path(name)
        job = ChunkedDownload(reader, key, info, path, None)
        try:
            job.run(reporter, cancel)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        finally:
            self.last_transfer = TransferStats(
                key, info.size, job.fetched, 0, time.perf_counter() - started, False
            )
        reporter.finish(info.size)
        return path

    def _entry_for(self, key: str, info: ObjectInfo) -> LogEntry:
        """The entry to remember in the cache: from the last listing, else asked for."""
        with self._lock:
            known = self._entries.get(key)
        if known is not None:
            return known
        metadata: Any = None
        with contextlib.suppress(DataServerError):
            metadata = self._gateway.get_metadata(key)
        item = {
            "key": key,
            "isFolder": False,
            "size": info.size,
            "lastModified": info.last_modified,
        }
        entry = entry_from(item, metadata if isinstance(metadata, dict) else {})
        assert entry is not None
        return entry
