"""The parsed-log cache: a log parsed once opens again from its columnar form in milliseconds.

`ParsedStore.open(path)` maps the parsed form of `path` when the store has a current one,
and otherwise parses the CSV (`Log.load`) and stores the result (`perda_tui.logs.columnar`)
before mapping it. An entry is current while the source file has the size, inode and
modification time it was parsed from, the same `ts_offset`, and this `PARSER_VERSION`;
anything else (a changed file, a newer parser, a damaged entry) is parsed again and
replaces it. One folder per source file, named by a hash of its resolved path.

Cross-process locks (`Locks`, e.g. the download cache's `CacheLocks`) keep a reader and a
prune apart: opening holds the entry's lock shared while it checks and maps the entry, and
exclusive while it parses and writes one (a second process opening the same log waits
and then maps what the first wrote); `remove` takes it exclusive without waiting and leaves
an entry in use alone. A log already mapped stays readable after its entry is removed or
replaced (its files are unlinked, never rewritten in place).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from perda_tui.logs.columnar import entry_bytes, read_entry, read_meta, write_entry
from perda_tui.logs.log import Log
from perda_tui.private_files import PRIVATE_FILE_MODE, private_mkdir
from perda_tui.progress import ProgressCallback

#: Bump when the parser's output changes for the same file: older entries are rebuilt.
PARSER_VERSION = 2  # 2: per-signal out-of-order row counts
OPENED = "opened"


class Locks(Protocol):
    """Cross-process shared/exclusive locks by key; `timeout=0` raises `TimeoutError` at
    once when the lock is held elsewhere."""

    def hold(
        self, key: str, *, exclusive: bool, timeout: float | None = None
    ) -> AbstractContextManager[None]:
        """Hold `key`'s lock for the `with` block."""
        ...


@dataclass(frozen=True)
class StoredLog:
    """One entry of the store: `source` None when its meta is damaged."""

    folder: Path
    source: Path | None
    size: int  # bytes on disk
    opened: float  # last opened, seconds since the epoch
    current: bool  # the source file is still the one it was parsed from


class ParsedStore:
    """Parsed forms of logs under `root`, guarded by `locks`."""

    def __init__(self, root: Path, locks: Locks) -> None:
        self.root = Path(root)
        self.locks = locks

    def folder_for(self, source: Path) -> Path:
        """The entry folder of `source` (whether or not it exists)."""
        resolved = str(Path(source).expanduser().resolve())
        name = hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        return self.root / name

    def open(
        self,
        path: str | Path,
        ts_offset: int = 0,
        parsing_errors_limit: int = 100,
        progress: ProgressCallback | None = None,
    ) -> Log:
        """The log at `path`, as `Log.load` returns it (same arguments), from the store when
        it holds a current entry; parsed and stored otherwise."""
        source = Path(path).expanduser().resolve()
        try:
            identity = _identity(source, ts_offset)
        except OSError:
            identity = None  # Log.load below says why the file cannot be read
        if identity is not None:
            try:
                return self._open(source, identity, parsing_errors_limit, progress)
            except OSError as exc:  # the cache folder cannot be used (read-only, not a folder)
                _warn("parsed cache unusable (%s); parsing %s", exc, source)
        return Log.load(
            source,
            ts_offset=ts_offset,
            parsing_errors_limit=parsing_errors_limit,
            progress=progress,
        )

    def _open(
        self,
        source: Path,
        identity: dict[str, Any],
        parsing_errors_limit: int,
        progress: ProgressCallback | None,
    ) -> Log:
        folder = self.folder_for(source)
        key = _lock_key(folder)
        with self.locks.hold(key, exclusive=False):
            log = _reuse(folder, identity, parsing_errors_limit)
        if log is None:
            with self.locks.hold(key, exclusive=True):
                log = _reuse(folder, identity, parsing_errors_limit)  # built meanwhile?
                if log is None:
                    return self._parse(source, folder, identity, parsing_errors_limit, progress)
        if progress is not None:
            progress(identity["size"], identity["size"])
        _touch(folder)
        return log

    def _parse(
        self,
        source: Path,
        folder: Path,
        identity: dict[str, Any],
        parsing_errors_limit: int,
        progress: ProgressCallback | None,
    ) -> Log:
        private_mkdir(folder)  # big logs are parsed into file-backed buffers there
        log = Log.load(
            source,
            ts_offset=identity["ts_offset"],
            parsing_errors_limit=parsing_errors_limit,
            progress=progress,
            scratch=folder,
        )
        try:
            if _identity(source, identity["ts_offset"]) != identity:
                return log  # the file changed while it was read: not worth keeping
            write_entry(folder, log, identity)
        except OSError as exc:
            _warn("cannot store the parsed form of %s: %s", source, exc)
            return log
        _touch(folder)
        # the mapped form: the parsed arrays are freed, pages load from disk as needed
        return read_entry(folder, identity) or log

    def entries(self) -> list[StoredLog]:
        """Every entry, least recently opened first."""
        found = []
        for folder in self._folders():
            meta = read_meta(folder)
            source = Path(meta["source"]) if meta and isinstance(meta.get("source"), str) else None
            current = False
            if meta is not None and source is not None:
                stored = meta.get("identity", {})
                with suppress(OSError, TypeError):
                    current = _identity(source, stored.get("ts_offset", 0)) == stored
            found.append(StoredLog(folder, source, entry_bytes(folder), _opened(folder), current))
        return sorted(found, key=lambda e: e.opened)

    def remove(self, folder: Path) -> bool:
        """Delete one entry unless a process is reading or writing it (then False)."""
        try:
            with self.exclusive(folder):
                self.discard(folder)
        except TimeoutError:
            return False
        return True

    def exclusive(self, folder: Path) -> AbstractContextManager[None]:
        """Hold the entry's lock alone, without waiting: `TimeoutError` if it is in use
        (opened, parsed). Also held while a log's source file is deleted (its prune)."""
        return self.locks.hold(_lock_key(folder), exclusive=True, timeout=0)

    @staticmethod
    def discard(folder: Path) -> None:
        """Delete the entry's files (hold `exclusive` first)."""
        import shutil

        shutil.rmtree(folder, ignore_errors=True)

    def total_bytes(self) -> int:
        """Disk space used by every entry."""
        return sum(entry_bytes(folder) for folder in self._folders())

    def _folders(self) -> Iterator[Path]:
        try:
            children = sorted(self.root.iterdir())
        except OSError:
            return
        yield from (child for child in children if child.is_dir())


def _identity(source: Path, ts_offset: int) -> dict[str, Any]:
    """What must not change for an entry to stay valid."""
    stat = os.stat(source)
    return {
        "size": stat.st_size,
        "inode": stat.st_ino,
        "mtime_ns": stat.st_mtime_ns,
        "ts_offset": ts_offset,
        "parser": PARSER_VERSION,
    }


def _reuse(folder: Path, identity: dict[str, Any], parsing_errors_limit: int) -> Log | None:
    """The stored log, unless missing, stale, damaged, or over the caller's error limit
    (then parsing again raises the same error a first parse would)."""
    log = read_entry(folder, identity)
    if log is not None and 0 < parsing_errors_limit <= log.parse_errors:
        return None
    return log


def _warn(message: str, *args: object) -> None:
    """Log a warning; `logging` is imported only then (reopening a log never needs it)."""
    import logging

    logging.getLogger(__name__).warning(message, *args)


def _lock_key(folder: Path) -> str:
    return f"parsed/{folder.name}"


def _touch(folder: Path) -> None:
    """Record the time the entry was last opened (best effort: a read-only cache is fine)."""
    with suppress(OSError):
        (folder / OPENED).touch(mode=PRIVATE_FILE_MODE)


def _opened(folder: Path) -> float:
    for name in (OPENED, "meta.json"):
        with suppress(OSError):
            return (folder / name).stat().st_mtime
    return 0.0
