"""Export lifecycle: request → poll with backoff → file list → download into the cache.

The latest status answer is always kept (`ExportJob.status`) with its request id, so a stuck
export can be followed up on the server's web page or by mail.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from perda_tui.clients.deadline import Deadline
from perda_tui.clients.drms.client import HttpJsonClient
from perda_tui.clients.drms.errors import (
    DownloadCancelledError,
    DrmsDownloadError,
    DrmsExportError,
    ExportTimeoutError,
)
from perda_tui.clients.drms.models import items, text
from perda_tui.private_files import private_mkdir, private_open_binary
from perda_tui.progress import ThrottledProgress

STATUS_DONE = 0
STATUS_NOT_FOUND = 6
PENDING_STATUSES = frozenset({1, 2, STATUS_NOT_FOUND})
STATUS_MEANING = {
    0: "done",
    1: "processing",
    2: "queued",
    3: "too large",
    4: "error",
    5: "deleted",
    6: "not found yet",
    7: "too many pending requests",
    25: "waiting for an operator",
    -1: "interrupted",
}
NO_DATA_FILE = "NoDataFile"
#: largest file accepted when the export declares no size (an endless body stops here)
MAX_FILE_BYTES = 4 * 1024**3
#: margin over the export's declared size (it is rounded, in MB)
SIZE_MARGIN = 1.25
SIZE_SLACK_BYTES = 16 * 1024**2
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._+-]")
_RECORD = re.compile(r"^\s*([\w.]+)\s*((?:\[[^\]]*\])*)\s*(?:\{([^}]*)\})?\s*$")
KNOWN_SUFFIXES = (".fits", ".txt", ".jpg", ".mpg", ".mp4", ".tar")


@dataclass(frozen=True)
class ExportFile:
    """One downloadable file of a finished export."""

    record: str
    filename: str
    url: str


@dataclass(frozen=True)
class ExportStatus:
    """One `exp_request`/`exp_status` answer."""

    status: int | None
    requestid: str | None
    method: str = ""
    protocol: str = ""
    wait: float = 0.0
    error: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExportStatus:
        """Parse an answer; a missing or empty request id (url_quick) is None."""
        status = data.get("status")
        try:
            wait = float(data.get("wait") or 0)
        except (TypeError, ValueError):
            wait = 0.0
        return cls(
            status=status if isinstance(status, int) else None,
            requestid=text(data, "requestid") or text(data, "reqid") or None,
            method=text(data, "method"),
            protocol=text(data, "protocol"),
            wait=max(wait, 0.0),
            error=text(data, "error").strip(),
            raw=dict(data),
        )

    @property
    def pending(self) -> bool:
        """Still queued or processing (1, 2, or 6: not registered yet)."""
        return self.status in PENDING_STATUSES

    @property
    def done(self) -> bool:
        """Finished successfully."""
        return self.status == STATUS_DONE

    @property
    def failed(self) -> bool:
        """Finished with an error."""
        return not self.pending and not self.done

    def describe(self) -> str:
        """One line for the user: request id, status code and its meaning, server message."""
        ident = self.requestid or "(immediate)"
        meaning = STATUS_MEANING.get(self.status, "unknown") if self.status is not None else "?"
        line = f"{ident}: status {self.status} ({meaning})"
        return f"{line}: {self.error}" if self.error else line


@dataclass(frozen=True)
class DownloadProgress:
    """Where a multi-file download stands."""

    index: int
    count: int
    filename: str
    done_bytes: int
    total_bytes: int | None


def record_filename(record: str, server_path: str) -> str:
    """A file name from a record (`hmi.m_45s[2024.01.01_00:00:00_TAI]{magnetogram}` →
    `hmi.m_45s.20240101_000000_TAI.magnetogram` + the server file's extension)."""
    match = _RECORD.match(record)
    if not match:
        return server_path
    series, keys, segments = match.groups()
    parts = [series]
    parts += [re.sub(r"[.:-]", "", key) for key in re.findall(r"\[([^\]]*)\]", keys) if key.strip()]
    parts += [seg for seg in re.split(r"[\s,]+", segments or "") if seg]
    suffix = Path(server_path).suffix
    return ".".join(parts) + (suffix if suffix in KNOWN_SUFFIXES else "")


def safe_filename(name: str) -> str:
    """A server-supplied file name reduced to one safe path component."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_CHARS.sub("_", base).lstrip(".")[:200]
    return base or "file"


class ExportJob:
    """One export request on a server; `wait()` then `download()`."""

    def __init__(
        self, client: HttpJsonClient, answer: Mapping[str, Any], requestid: str | None = None
    ) -> None:
        self.client = client
        self.created = datetime.now()
        """When the request was made (names the folder of an immediate url_quick answer)."""
        self._quick_folder: Path | None = None
        self._update(answer, requestid)

    @classmethod
    def submit(cls, client: HttpJsonClient, ds: str, notify: str, **options: Any) -> ExportJob:
        """Send `exp_request` (options as `HttpJsonClient.exp_request`); raises if it failed."""
        return cls(client, client.exp_request(ds, notify, **options))

    @classmethod
    def from_id(cls, client: HttpJsonClient, requestid: str) -> ExportJob:
        """Follow up an existing request by its id."""
        return cls(client, client.exp_status(requestid), requestid)

    @property
    def requestid(self) -> str | None:
        """The server's request id (None for an immediate url_quick answer)."""
        return self.status.requestid

    def poll(self) -> ExportStatus:
        """Ask for the current status once (a finished job is not asked again)."""
        if self.status.pending and self.requestid:
            self._update(self.client.exp_status(self.requestid), self.requestid)
        return self.status

    def wait(
        self,
        *,
        timeout: float = 600.0,
        first_delay: float = 1.0,
        max_delay: float = 30.0,
        factor: float = 1.5,
        retries_notfound: int = 5,
        on_status: Callable[[ExportStatus], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> ExportStatus:
        """Poll until done, with growing delays (at least the server's `wait`, at most
        `max_delay`); `DrmsExportError` on failure, `ExportTimeoutError` after `timeout` s."""
        deadline = time.monotonic() + timeout
        delay = first_delay
        stop = cancel if cancel is not None else threading.Event()
        while self.status.pending:
            if not self.requestid:
                raise DrmsExportError(self.status.raw, "pending export without a request id")
            pause = min(max(delay, self.status.wait), max_delay)
            if time.monotonic() + pause > deadline:
                raise ExportTimeoutError(
                    f"export still pending after {timeout:g} s; last {self.status.describe()}",
                    requestid=self.requestid,
                    status=self.status.status,
                )
            if stop.wait(pause):
                raise DownloadCancelledError(f"stopped waiting for {self.requestid}")
            self.poll()
            if self.status.status == STATUS_NOT_FOUND:
                retries_notfound -= 1
                if retries_notfound < 0:
                    raise DrmsExportError(self.status.raw, "export request not found")
            if on_status is not None:
                on_status(self.status)
            delay *= factor
        return self.status

    def files(self) -> list[ExportFile]:
        """The files of a finished export, with download URLs (missing-data rows dropped)."""
        if not self.status.done:
            raise DrmsExportError(self.status.raw, f"export not finished: {self.status.describe()}")
        base = self.client.server.http_download_baseurl
        if not base:
            error = f"{self.client.server.name} has no download URL"
            raise DrmsExportError({"error": error}, error)
        raw = self.status.raw
        tarfile = text(raw, "tarfile")
        folder = text(raw, "dir")
        if tarfile:
            return [ExportFile(record="", filename=tarfile, url=_file_url(base, tarfile))]
        files = []
        for row in items(raw, "data"):
            name = text(row, "filename")
            if not name or name == NO_DATA_FILE:
                continue
            record = text(row, "record")
            url = _file_url(base, f"{folder}/{name}" if folder else name)
            if not folder:  # url_quick: bare server paths, named after the record (as drms)
                name = record_filename(record, name)
            files.append(ExportFile(record=record, filename=name, url=url))
        return files

    def folder(self, root: Path) -> Path:
        """This request's own folder under `root`: its request id, or for an immediate
        url_quick answer (which has none) `url_quick_<local time of the request>`, numbered
        `_2`, `_3`, ... if another request took that name (chosen once per job)."""
        if self.requestid:
            return Path(root) / safe_filename(self.requestid)
        if self._quick_folder is None or self._quick_folder.parent != Path(root):
            stamp = f"url_quick_{self.created:%Y%m%d_%H%M%S}"
            candidate, number = Path(root) / stamp, 2
            while candidate.exists():
                candidate, number = Path(root) / f"{stamp}_{number}", number + 1
            self._quick_folder = candidate
        return self._quick_folder

    def existing(self, root: Path) -> list[Path]:
        """Files of this export already in its folder (a download would replace them)."""
        folder = self.folder(root)
        return [
            path
            for path in (folder / safe_filename(item.filename) for item in self.files())
            if path.exists()
        ]

    def download(
        self,
        root: Path,
        *,
        overwrite: bool = False,
        progress: Callable[[DownloadProgress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> list[Path]:
        """Download every file into `folder(root)`; all failures raise together.

        An existing file is replaced only with `overwrite`; otherwise the new one is saved
        beside it as `name.1`, `name.2`, ... (as drms).
        """
        folder = self.folder(root)
        private_mkdir(folder)
        import httpx

        files = self.files()
        paths: list[Path] = []
        failures: list[tuple[str, str]] = []
        for index, item in enumerate(files):
            name = safe_filename(item.filename)
            target = folder / name if overwrite else _free_path(folder, name)
            try:
                self._fetch(item, target, index, len(files), progress, cancel)
            except httpx.HTTPError as exc:
                failures.append((item.filename, str(exc) or type(exc).__name__))
            else:
                paths.append(target)
        if failures:
            raise DrmsDownloadError(failures)
        return paths

    def byte_limit(self) -> int:
        """Most bytes one file of this export may have: its declared size (`size`, MB) with
        a margin, else `MAX_FILE_BYTES`."""
        try:
            declared = float(self.status.raw.get("size") or 0)
        except (TypeError, ValueError):
            declared = 0.0
        if not 0 < declared < MAX_FILE_BYTES:
            return MAX_FILE_BYTES
        return min(int(declared * SIZE_MARGIN * 2**20) + SIZE_SLACK_BYTES, MAX_FILE_BYTES)

    def _fetch(
        self,
        item: ExportFile,
        target: Path,
        index: int,
        count: int,
        progress: Callable[[DownloadProgress], None] | None,
        cancel: threading.Event | None,
    ) -> None:
        import httpx

        def report(done: int, total: int | None) -> None:
            if progress is not None:
                progress(DownloadProgress(index, count, target.name, done, total))

        reporter = ThrottledProgress(report, total=None)
        partial = target.with_name(target.name + ".part")
        limit = self.byte_limit()
        deadline = Deadline.for_bytes(self.client.deadline, limit)
        try:
            with (
                deadline,
                self.client.http.stream(
                    "GET", item.url, extensions={"trace": deadline.trace}
                ) as response,
                private_open_binary(partial) as out,
            ):
                response.raise_for_status()
                length = response.headers.get("content-length", "")
                reporter.total = int(length) if length.isdigit() else None
                if (reporter.total or 0) > limit:
                    raise httpx.ReadError(f"declares {reporter.total:,} bytes, over {limit:,}")
                for chunk in response.iter_bytes(64 * 1024):
                    if cancel is not None and cancel.is_set():
                        raise DownloadCancelledError(f"download of {item.filename} cancelled")
                    if reporter.done + len(chunk) > limit:
                        raise httpx.ReadError(f"more than {limit:,} bytes: {_LIMIT_REASON}")
                    out.write(chunk)
                    reporter.advance(len(chunk))
                    deadline.check()
            if reporter.total is not None and reporter.done != reporter.total:
                raise httpx.ReadError(f"got {reporter.done} of {reporter.total} bytes")
        except TimeoutError as exc:
            partial.unlink(missing_ok=True)
            raise httpx.ReadTimeout(f"not complete within {deadline.seconds:.0f} s") from exc
        except httpx.HTTPError as exc:
            partial.unlink(missing_ok=True)
            if deadline.expired:
                raise httpx.ReadTimeout(f"not complete within {deadline.seconds:.0f} s") from exc
            raise
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(target)
        reporter.flush()

    def _update(self, answer: Mapping[str, Any], requestid: str | None) -> None:
        """Keep the latest answer (with the known id if it names none); raise if it failed."""
        self.status = ExportStatus.from_json(answer)
        if self.status.requestid is None and requestid:
            self.status = replace(self.status, requestid=requestid)
        if self.status.failed:
            raise DrmsExportError(self.status.raw, "DRMS export request failed.")


_LIMIT_REASON = "over the export's declared size, or the ceiling when it declares none"


def _file_url(base: str, path: str) -> str:
    """Download URL of a server path, always under `base` (never another host)."""
    url = urljoin(base, quote(path.lstrip("/"), safe="/._-+~"))
    if urlsplit(url).netloc != urlsplit(base).netloc:
        raise DrmsExportError({"error": f"refusing file outside the server: {path!r}"}, "bad path")
    return url


def _free_path(folder: Path, name: str) -> Path:
    """`folder/name`, or `name.1`, `name.2`, ... when taken (as drms)."""
    candidate = folder / name
    number = 1
    while candidate.exists():
        candidate = folder / f"{name}.{number}"
        number += 1
    return candidate
