"""The download cache: `<cache_dir>/<key>` files plus bookkeeping under `<cache_dir>/.perda/`.

- `index.json` records, per key, the ETag and size of the complete file and the
  `LogEntry` seen at download time (for offline browsing).
- `partial/<hash>.part` is an unfinished download; `<hash>.part.json` says which object
  (ETag, size) and which chunks it holds, so a changed object restarts from zero.
Files only appear at their final path by atomic rename, once complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perda_tui.clients.dataserver.errors import UnsafeKeyError
from perda_tui.clients.dataserver.keys import RESERVED_SEGMENT, check_key
from perda_tui.clients.dataserver.locks import CacheLocks
from perda_tui.clients.dataserver.models import LogEntry, entry_from_json
from perda_tui.private_files import private_mkdir, private_write_atomic


@dataclass(frozen=True)
class CacheRecord:
    """What the index knows about one complete cached file."""

    etag: str
    size: int
    entry: LogEntry | None


def file_stamp(path: Path) -> list[int]:
    """[size, inode, modification time in ns]: changes whenever the file is rewritten."""
    stat = path.stat()
    return [stat.st_size, stat.st_ino, stat.st_mtime_ns]


def matches_etag(path: Path, etag: str) -> bool:
    """True if `etag` is the MD5 of `path` (S3's ETag of an object uploaded in one part)."""
    expected = etag.strip('"').lower()
    if len(expected) != 32:  # multipart ETags ("...-N") are not an MD5 of the content
        return False
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest() == expected


def read_json(path: Path) -> Any:
    """The JSON in `path`, or None when missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


class LogCache:
    """Cached logs under one folder; every path is checked to stay inside it."""

    def __init__(self, cache_dir: str | Path) -> None:
        self.root = Path(cache_dir).expanduser().resolve()
        self._meta = self.root / RESERVED_SEGMENT
        self._index_path = self._meta / "index.json"
        self.partial_dir = self._meta / "partial"
        #: cross-process per-key locks: exclusive to download or remove, shared to read
        self.locks = CacheLocks(self._meta)
        self._lock = threading.Lock()
        self._index_doc: dict[str, Any] = {}
        self._index_stamp: tuple[int, ...] | None = None

    def path_for(self, key: str) -> Path:
        """Where `key` is (or would be) cached; `UnsafeKeyError` if it escapes the cache."""
        path = self.root.joinpath(*check_key(key))
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root) or resolved == self.root:
            raise UnsafeKeyError(f"refusing log key {key!r}: it resolves outside {self.root}")
        return path

    @contextlib.contextmanager
    def reading(self, key: str) -> Iterator[Path]:
        """Hold `key` shared while its cached file is read: no download or prune replaces
        or removes it meanwhile. Yields its path (check that it exists).
        """
        path = self.path_for(key)
        with self.locks.shared(key):
            yield path

    def is_cached(self, key: str) -> bool:
        """True when a complete file for `key` is recorded (no network check)."""
        return self.record(key) is not None

    def record(self, key: str) -> CacheRecord | None:
        """The index record of a complete cached file still present with its size."""
        return self._record_from(key, self._index().get(key))

    def _record_from(self, key: str, doc: Any) -> CacheRecord | None:
        """`doc` (the index entry of `key`) as a record, if its file is still the same."""
        path = self.path_for(key)
        if not isinstance(doc, dict):
            return None
        etag, size = doc.get("etag"), doc.get("size")
        if not isinstance(etag, str) or not isinstance(size, int):
            return None
        try:
            if not path.is_file() or file_stamp(path) != [size, *doc.get("stamp", [])]:
                return None
        except (OSError, TypeError):
            return None
        return CacheRecord(etag, size, entry_from_json(doc.get("entry")))

    def cached_entries(self, prefix: str = "") -> list[LogEntry]:
        """Folders and files directly under `prefix` among the cached logs (offline browsing)."""
        folders: dict[str, LogEntry] = {}
        files: list[LogEntry] = []
        index = self._index()  # read once: one index lookup per key would copy it each time
        for key in sorted(index):
            if not key.startswith(prefix) or key == prefix:
                continue
            rest = key[len(prefix) :]
            if "/" in rest:
                name = rest.split("/", 1)[0]
                folder_key = f"{prefix}{name}/"
                folders.setdefault(folder_key, LogEntry(key=folder_key, name=name, is_folder=True))
                continue
            record = self._record_from(key, index[key])
            if record is not None:
                files.append(record.entry or LogEntry(key=key, name=rest, is_folder=False))
        return [*folders.values(), *files]

    def store(self, key: str, etag: str, size: int, entry: LogEntry | None) -> None:
        """Record a complete file for `key` (after it was renamed into place).

        The file's inode and modification time are recorded too, so a file changed on
        disk later (even keeping its size) is no longer taken for the downloaded one.
        """
        stamp = file_stamp(self.path_for(key))[1:]
        doc = {
            "etag": etag,
            "size": size,
            "stamp": stamp,
            "entry": entry.to_json() if entry else None,
        }
        with self._locked_index() as index:
            index[key] = doc

    def forget(self, key: str) -> None:
        """Drop the record of `key` (its file is about to be replaced or is gone)."""
        with self._locked_index() as index:
            index.pop(key, None)

    @contextlib.contextmanager
    def _locked_index(self) -> Iterator[dict[str, Any]]:
        """The index, read afresh and written back when it changed, under the index lock
        (threads and processes: two concurrent writers would otherwise lose records).
        """
        with self._lock, self.locks.index():
            self._index_stamp = None  # another process may have written it in the same tick
            index = self._index()
            before = dict(index)
            yield index
            if index != before:
                self._write_index(index)

    def partial_paths(self, key: str) -> tuple[Path, Path]:
        """(partial data file, its JSON state) for an unfinished download of `key`."""
        check_key(key)
        name = hashlib.sha256(key.encode()).hexdigest()[:32]
        return self.partial_dir / f"{name}.part", self.partial_dir / f"{name}.part.json"

    def discard_partial(self, key: str) -> None:
        """Remove any partial download of `key`."""
        for path in self.partial_paths(key):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def _index(self) -> dict[str, Any]:
        """The index (re-read only when the file changed, e.g. by another process)."""
        try:
            stat = self._index_path.stat()
            stamp: tuple[int, ...] | None = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        if stamp is None or stamp != self._index_stamp:
            doc = read_json(self._index_path) if stamp is not None else None
            if stamp is not None and not isinstance(doc, dict):
                doc = self._rescan()  # corrupt: rebuilt from the files, saved at the next store
            self._index_doc = doc if isinstance(doc, dict) else {}
            self._index_stamp = stamp
        return dict(self._index_doc)

    def _rescan(self) -> dict[str, Any]:
        """Index records for the files found in the cache, with an unknown ETag ("").

        A download then checks such a file against the server's ETag by its MD5
        (`matches_etag`) instead of fetching it again.
        """
        found: dict[str, Any] = {}
        for path in self.root.rglob("*"):
            relative = path.relative_to(self.root)
            if relative.parts[0] == RESERVED_SEGMENT or not path.is_file():
                continue
            key = relative.as_posix()
            try:
                check_key(key)
                stamp = file_stamp(path)
            except (UnsafeKeyError, OSError):
                continue
            found[key] = {"etag": "", "size": stamp[0], "stamp": stamp[1:], "entry": None}
        return found

    def _write_index(self, index: dict[str, Any]) -> None:
        private_mkdir(self._meta)
        private_write_atomic(self._index_path, json.dumps(index))
        stat = self._index_path.stat()
        self._index_doc = index
        self._index_stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
