"""Downloading one S3 object: concurrent ranged GETs written in place, resumable, cancellable.

The object is split in `CHUNK_BYTES` chunks fetched by `WORKERS` threads and written with
`os.pwrite` into a pre-sized file. A JSON state file beside it records the object's ETag
and how many bytes of each chunk are on disk, so an interrupted or cancelled download
resumes with the missing bytes only, and a changed object restarts. Chunks are twice
s3transfer's default: fewer requests cost less on stores with a per-request overhead
(the embedded moto endpoint reads the whole object for every ranged GET).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perda_tui.clients.dataserver.cache import read_json
from perda_tui.clients.dataserver.errors import (
    DataServerError,
    DownloadCancelledError,
    LogNotFoundError,
    ServerError,
    ServerUnreachableError,
    TLSError,
)
from perda_tui.clients.dataserver.models import S3Credentials
from perda_tui.clients.deadline import Deadline
from perda_tui.private_files import private_mkdir, private_write_atomic
from perda_tui.progress import ThrottledProgress

CHUNK_BYTES = 16 * 1024 * 1024
READ_BYTES = 256 * 1024
WORKERS = 8
CHUNK_ATTEMPTS = 3
AUTH_ERROR_CODES = {
    "AccessDenied",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "TokenRefreshRequired",
    "403",
}


class TooSlow(ServerUnreachableError):
    """A ranged GET did not complete within its deadline (not retried: it would drip again)."""


class CredentialsRejected(DataServerError):
    """S3 refused the credentials (expired or revoked): fetch new ones from the gateway."""


class ObjectChanged(DataServerError):
    """The object's ETag changed during the download: start again."""


@dataclass(frozen=True)
class ObjectInfo:
    """Size and version of an S3 object."""

    size: int
    etag: str
    last_modified: str | None


@dataclass(frozen=True)
class TransferStats:
    """What one `download` did: bytes fetched now versus already present."""

    key: str
    size: int
    fetched_bytes: int
    resumed_bytes: int
    seconds: float
    from_cache: bool


class S3Reader:
    """A boto3 S3 client for one set of gateway credentials, errors mapped to ours."""

    def __init__(
        self, credentials: S3Credentials, *, verify: bool, timeout: float, deadline: float = 60.0
    ) -> None:
        import boto3
        from botocore.config import Config

        self.credentials = credentials
        self.deadline = deadline
        self.where = credentials.endpoint or "AWS S3"
        self._s3 = boto3.session.Session().client(
            "s3",
            endpoint_url=credentials.endpoint or None,
            aws_access_key_id=credentials.access_key,
            aws_secret_access_key=credentials.secret_key,
            region_name="us-east-1",
            verify=verify,
            config=Config(
                connect_timeout=min(timeout, 5.0),
                read_timeout=timeout,
                retries={"max_attempts": 3, "mode": "standard"},
                max_pool_connections=WORKERS + 2,
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                s3={"addressing_style": "path" if credentials.endpoint else "auto"},
            ),
        )
        _watch_sockets(self._s3)

    def head(self, key: str) -> ObjectInfo:
        """Size and ETag of `key`."""
        deadline = Deadline(self.deadline)
        with deadline, self.errors(key, deadline), deadline.applying():
            meta = self._s3.head_object(Bucket=self.credentials.bucket_name, Key=key)
        modified = meta.get("LastModified")
        return ObjectInfo(
            size=int(meta["ContentLength"]),
            etag=str(meta.get("ETag", "")),
            last_modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ") if modified else None,
        )

    def read_range(self, key: str, start: int, end: int, etag: str) -> Iterator[bytes]:
        """The bytes [start, end) of `key` in pieces, if its ETag is still `etag`.

        The whole GET, headers and body, must finish within `deadline` s plus one per
        64 KiB (see `Deadline.for_bytes`), else `TooSlow`: each piece is what one socket
        read brought, so a server sending a byte at a time is cut off at the deadline.
        """
        deadline = Deadline.for_bytes(self.deadline, end - start)
        with deadline, self.errors(key, deadline):
            extra = {"IfMatch": etag} if etag else {}
            with deadline.applying():  # the socket is watched from the request on
                response = self._s3.get_object(
                    Bucket=self.credentials.bucket_name,
                    Key=key,
                    Range=f"bytes={start}-{end - 1}",
                    **extra,
                )
            body = response["Body"]
            raw = body._raw_stream  # urllib3's response: read1 returns after one socket read
            try:
                while piece := raw.read1(READ_BYTES):
                    yield piece
                    deadline.check()
                deadline.check()  # the end of a socket the deadline shut down
            finally:
                body.close()

    def close(self) -> None:
        """Release the connection pool."""
        self._s3.close()

    @contextlib.contextmanager
    def errors(self, key: str, deadline: Deadline | None = None) -> Iterator[None]:
        """Turn botocore/urllib3 failures into data-server errors that say what to do."""
        from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError, SSLError
        from botocore.exceptions import ConnectionError as BotoConnectionError
        from urllib3.exceptions import HTTPError

        try:
            try:
                yield
            except Exception as exc:
                if deadline is not None and deadline.expired:
                    raise TooSlow(
                        f"S3 at {self.where} did not send {key!r} in time "
                        f"({deadline.seconds:.0f} s for this part); download again to resume"
                    ) from exc
                raise
        except DataServerError:  # already ours (TooSlow above): not an OSError to wrap
            raise
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in ("NoSuchKey", "404", "NotFound"):
                raise LogNotFoundError(f"no log {key!r} in the bucket (any more)") from exc
            if code in ("PreconditionFailed", "412"):
                raise ObjectChanged(f"{key!r} changed on the server during the download") from exc
            if code in AUTH_ERROR_CODES or status == 403:
                raise CredentialsRejected(
                    f"S3 at {self.where} rejected the credentials from the data server ({code})"
                ) from exc
            raise ServerError(
                f"S3 at {self.where} failed on {key!r}: {code} {exc}", status
            ) from exc
        except SSLError as exc:
            raise TLSError(
                f"the TLS certificate of S3 at {self.where} is not valid: {exc}"
            ) from exc
        except (BotoConnectionError, HTTPClientError, HTTPError, OSError) as exc:
            raise ServerUnreachableError(
                f"cannot reach S3 at {self.where} (reading {key!r}): {exc}; "
                "download again to resume"
            ) from exc
        except BotoCoreError as exc:
            raise ServerError(f"S3 at {self.where} failed on {key!r}: {exc}") from exc


class _WatchedConnection:
    """Mixin for a botocore connection: the active `Deadline` watches its socket."""

    sock: object

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        if (deadline := Deadline.active()) is not None:
            deadline.watch(self.sock)
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]


@functools.cache
def _watched_pools() -> dict[str, type]:
    """botocore's HTTP and HTTPS pool classes with `_WatchedConnection` connections."""
    from botocore import awsrequest

    pools: dict[str, type] = {}
    for scheme, pool in (
        ("http", awsrequest.AWSHTTPConnectionPool),
        ("https", awsrequest.AWSHTTPSConnectionPool),
    ):
        connection = type(
            f"Watched{pool.ConnectionCls.__name__}", (_WatchedConnection, pool.ConnectionCls), {}
        )
        pools[scheme] = type(f"Watched{pool.__name__}", (pool,), {"ConnectionCls": connection})
    return pools


def _watch_sockets(s3: Any) -> None:
    """Let the active `Deadline` of the calling thread watch each request's socket.

    botocore keeps its sockets inside urllib3's pools, out of reach; its connection
    classes are swapped for ones that hand the socket to `Deadline.active()` before
    waiting for the answer, so a dripping server is cut in the header phase too. A retry
    after the deadline passed is refused instead of slept for.
    """
    # the dict the session's pool managers share; their pools are made on first use
    s3._endpoint.http_session._pool_classes_by_scheme.update(_watched_pools())
    s3.meta.events.register_first("needs-retry.s3", _no_retry_after_deadline)


def _no_retry_after_deadline(**_: Any) -> None:
    if (deadline := Deadline.active()) is not None:
        deadline.check()


@dataclass
class PartState:
    """Which object a partial file belongs to and how many bytes of each chunk it holds."""

    etag: str
    size: int
    chunk: int
    have: dict[int, int]

    def matches(self, info: ObjectInfo, chunk: int) -> bool:
        """True if this state describes `info` split in `chunk`-byte chunks."""
        return (self.etag, self.size, self.chunk) == (info.etag, info.size, chunk)

    def to_json(self) -> dict[str, Any]:
        """The JSON kept beside the partial file."""
        have = {str(i): n for i, n in sorted(self.have.items()) if n}
        return {"etag": self.etag, "size": self.size, "chunk": self.chunk, "have": have}

    @classmethod
    def load(cls, path: Path | None) -> PartState | None:
        """The state saved in `path`; None if missing or not understood."""
        doc = read_json(path) if path is not None else None
        if not isinstance(doc, dict) or not isinstance(doc.get("have"), dict):
            return None
        try:
            have = {int(i): int(n) for i, n in doc["have"].items()}
            return cls(str(doc["etag"]), int(doc["size"]), int(doc["chunk"]), have)
        except (KeyError, TypeError, ValueError):
            return None


class ChunkedDownload:
    """Fetch the missing bytes of `key` into `part`, recording progress in `state_path`.

    Each chunk is written front to back, so "bytes held" per chunk is one number and a
    stopped chunk resumes at its own offset.
    """

    def __init__(
        self,
        reader: S3Reader,
        key: str,
        info: ObjectInfo,
        part: Path,
        state_path: Path | None,
        *,
        chunk: int = CHUNK_BYTES,
        workers: int = WORKERS,
    ) -> None:
        self.reader, self.key, self.info = reader, key, info
        self.part, self.state_path = part, state_path
        self.chunk, self.workers = chunk, workers
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._cancel: threading.Event | None = None
        state = PartState.load(state_path)
        if state is None or not state.matches(info, chunk) or not self._part_has_size():
            state = PartState(info.etag, info.size, chunk, {})
        state.have = {
            i: n
            for i, n in state.have.items()
            if 0 <= i < self._count() and 0 < n <= self._length(i)
        }
        self.state = state
        self.fetched = 0

    @property
    def present_bytes(self) -> int:
        """Bytes already on disk from an earlier attempt (or this one so far)."""
        return sum(self.state.have.values())

    @property
    def complete(self) -> bool:
        """True once every chunk is fully on disk."""
        return all(self.state.have.get(i, 0) == self._length(i) for i in range(self._count()))

    def run(self, progress: ThrottledProgress[int], cancel: threading.Event | None) -> None:
        """Fetch every missing byte; on failure or cancel, save what is held and raise."""
        private_mkdir(self.part.parent)
        missing = self.info.size - self.present_bytes
        free = shutil.disk_usage(self.part.parent).free
        if free < missing:
            raise OSError(
                errno.ENOSPC,
                f"not enough disk space for {self.key!r}: {missing:,} bytes needed, "
                f"{free:,} free in {self.part.parent}",
            )
        flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
        fd = os.open(self.part, flags, 0o600)
        try:
            os.ftruncate(fd, self.info.size)
            self._save()
            progress.start(self.present_bytes, self.info.size)
            pending = [
                i for i in range(self._count()) if self.state.have.get(i, 0) < self._length(i)
            ]
            self._fetch_all(fd, pending, progress, cancel)
            if self.complete:
                os.fsync(fd)  # on disk before the rename publishes it
        finally:
            os.close(fd)
            self._save()
        if not self.complete:  # stopped early without an error: only a cancel does that
            raise DownloadCancelledError(f"download of {self.key!r} cancelled")

    def _fetch_all(
        self,
        fd: int,
        pending: list[int],
        progress: ThrottledProgress[int],
        cancel: threading.Event | None,
    ) -> None:
        self._cancel = cancel
        pool = ThreadPoolExecutor(max(1, min(self.workers, len(pending))), "perda-s3")
        try:
            futures = [pool.submit(self._fetch_chunk, fd, i, progress) for i in pending]
            wait(futures, return_when=FIRST_EXCEPTION)
        finally:  # also on KeyboardInterrupt: running chunks stop at their next piece
            self._stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
        for future in futures:
            if not future.cancelled() and (error := future.exception()) is not None:
                raise error

    def _stopping(self) -> bool:
        return self._stop.is_set() or (self._cancel is not None and self._cancel.is_set())

    def _fetch_chunk(self, fd: int, index: int, progress: ThrottledProgress[int]) -> None:
        start = index * self.chunk
        end = start + self._length(index)
        for attempt in range(CHUNK_ATTEMPTS):
            if self._stopping():
                return
            offset = start + self.state.have.get(index, 0)
            try:
                for piece in self.reader.read_range(self.key, offset, end, self.info.etag):
                    if offset + len(piece) > end:
                        raise ServerError(f"S3 sent more than the {end - start}-byte range asked")
                    _write_all(fd, piece, offset)
                    offset += len(piece)
                    with self._lock:
                        self.state.have[index] = offset - start
                        self.fetched += len(piece)
                    progress.advance(len(piece))
                    if self._stopping():
                        return
            except ServerUnreachableError as exc:
                if attempt + 1 == CHUNK_ATTEMPTS or self._stopping() or isinstance(exc, TooSlow):
                    raise
                continue
            if offset != end:
                raise ServerError(f"S3 sent {offset - start} bytes for a {end - start}-byte range")
            with self._lock:
                self._save()
            return

    def _save(self) -> None:
        if self.state_path is not None:
            private_write_atomic(self.state_path, json.dumps(self.state.to_json()))

    def _count(self) -> int:
        return -(-self.info.size // self.chunk)

    def _length(self, index: int) -> int:
        return min(self.chunk, self.info.size - index * self.chunk)

    def _part_has_size(self) -> bool:
        try:
            return self.part.stat().st_size == self.info.size
        except OSError:
            return False


def _write_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written
