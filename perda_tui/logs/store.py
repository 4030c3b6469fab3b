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

`open_pending` is `open` for a caller with something more urgent to do first (the compare
screen draws its runs): a log it parses comes back unstored, with a `PendingEntry` that
keeps the entry's exclusive lock (a second open of the log, from this process or another,
waits and then maps it) until `write` is called, or at the latest `PENDING_LIMIT_S` later.
The write stores the signals the parse produced (not channels computed later on the log),
runs on a non-daemon thread (the interpreter joins it at exit, so a quit keeps the entry)
and hands the caller the mapped form, whose pages the system can reclaim, to use instead
of the parsed arrays. A crash or kill mid-write leaves nothing trusted (the meta is written
last, atomically). Logs parsed into file-backed scratch buffers (`SCRATCH_BYTES` and more)
are stored and mapped at once: mapping the stored form is what bounds their memory.
`wait_for_writes` waits for this process's pending writes.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, suppress
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
#: Longest time a `PendingEntry` holds its entry's lock before it is written anyway (its
#: caller did not get round to it: e.g. a screen closed before its message arrived).
PENDING_LIMIT_S = 20.0

_writers: set[threading.Thread] = set()  # pending entries' writer threads still running
_writers_lock = threading.Lock()


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
        log, pending = self._open_or_parse(path, ts_offset, parsing_errors_limit, progress, False)
        assert pending is None
        return log

    def open_pending(
        self,
        path: str | Path,
        ts_offset: int = 0,
        parsing_errors_limit: int = 100,
        progress: ProgressCallback | None = None,
    ) -> tuple[Log, PendingEntry | None]:
        """As `open`, but a log parsed now comes back before it is stored, with its
        `PendingEntry` (see the module); None when nothing is left to store."""
        return self._open_or_parse(path, ts_offset, parsing_errors_limit, progress, True)

    def reopen(
        self, path: str | Path, ts_offset: int = 0, parsing_errors_limit: int = 100
    ) -> Log | None:
        """The stored form of `path`, mapped, when the store holds a current entry; None
        otherwise, and at once when the entry is being written (nothing is parsed or
        waited for: `open` would)."""
        source = Path(path).expanduser().resolve()
        try:
            identity = _identity(source, ts_offset)
            folder = self.folder_for(source)
            log = self._stored(folder, identity, parsing_errors_limit, timeout=0)
        except OSError:  # TimeoutError included: the entry is being written
            return None
        if log is not None:
            _touch(folder)
        return log

    def _stored(
        self,
        folder: Path,
        identity: dict[str, Any],
        parsing_errors_limit: int,
        timeout: float | None = None,
    ) -> Log | None:
        """The entry in `folder` if current, read under its shared lock (waited for up to
        `timeout` seconds)."""
        with self.locks.hold(_lock_key(folder), exclusive=False, timeout=timeout):
            return _reuse(folder, identity, parsing_errors_limit)

    def _open_or_parse(
        self,
        path: str | Path,
        ts_offset: int,
        parsing_errors_limit: int,
        progress: ProgressCallback | None,
        defer: bool,
    ) -> tuple[Log, PendingEntry | None]:
        source = Path(path).expanduser().resolve()
        try:
            identity = _identity(source, ts_offset)
        except OSError:
            identity = None  # Log.load below says why the file cannot be read
        if identity is not None:
            try:
                return self._open(source, identity, parsing_errors_limit, progress, defer)
            except OSError as exc:  # the cache folder cannot be used (read-only, not a folder)
                _warn("parsed cache unusable (%s); parsing %s", exc, source)
        log = Log.load(
            source,
            ts_offset=ts_offset,
            parsing_errors_limit=parsing_errors_limit,
            progress=progress,
        )
        return log, None

    def _open(
        self,
        source: Path,
        identity: dict[str, Any],
        parsing_errors_limit: int,
        progress: ProgressCallback | None,
        defer: bool,
    ) -> tuple[Log, PendingEntry | None]:
        folder = self.folder_for(source)
        key = _lock_key(folder)
        log = self._stored(folder, identity, parsing_errors_limit)
        if log is None:
            with ExitStack() as held:
                held.enter_context(self.locks.hold(key, exclusive=True))
                log = _reuse(folder, identity, parsing_errors_limit)  # built meanwhile?
                if log is None:
                    return self._parse(
                        source, folder, identity, parsing_errors_limit, progress, held, defer
                    )
        if progress is not None:
            progress(identity["size"], identity["size"])
        _touch(folder)
        return log, None

    def _parse(
        self,
        source: Path,
        folder: Path,
        identity: dict[str, Any],
        parsing_errors_limit: int,
        progress: ProgressCallback | None,
        held: ExitStack,
        defer: bool,
    ) -> tuple[Log, PendingEntry | None]:
        """Parse `source` (holding the entry's lock exclusively, in `held`) and store it:
        now, or with `defer` later by a `PendingEntry` that takes the lock over."""
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
                return log, None  # the file changed while it was read: not worth keeping
        except OSError as exc:
            _warn("cannot store the parsed form of %s: %s", source, exc)
            return log, None
        from perda_tui.logs.reader import SCRATCH_BYTES  # loaded by the parse already

        if defer and identity["size"] < SCRATCH_BYTES:
            pending = PendingEntry(source, folder, log, identity)
            if pending.start(held):
                return log, pending
        if not _store(source, folder, log, identity):
            return log, None
        # the mapped form: the parsed arrays are freed, pages load from disk as needed
        return read_entry(folder, identity) or log, None

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


class PendingEntry:
    """A parsed log's entry, written when `write` is called (or `PENDING_LIMIT_S` after
    the parse) by a thread that holds the entry's lock exclusively until then."""

    def __init__(self, source: Path, folder: Path, log: Log, identity: dict[str, Any]) -> None:
        self.source, self.folder, self.identity = source, folder, identity
        # what the parse produced: channels computed on `log` later are not stored
        self._log: Log | None = Log(
            list(log),
            header=log.header,
            time_unit=log.time_unit,
            recording_time=log.recording_time,
            parse_errors=log.parse_errors,
            bad_lines=log.bad_lines,
            warnings=log.warnings,
            source=log.source,
            span=(log.start_time, log.end_time),
        )
        self._go = threading.Event()
        self._state = threading.Lock()  # guards the three below
        self._then: Callable[[Log | None], object] | None = None
        self._done = False
        self._mapped: Log | None = None

    def start(self, held: ExitStack) -> bool:
        """Start the writer thread, which takes over the lock in `held`; False (the lock
        left in `held`) if no thread can start (the interpreter is exiting)."""
        handed = held.pop_all()
        writer = threading.Thread(
            target=self._run,
            args=(handed,),
            name=f"parsed-cache write {self.source.name}",
            daemon=False,  # joined at exit (see the module); a worker's thread may be a daemon
        )
        with _writers_lock:  # started and listed at once: `wait_for_writes` joins it
            try:
                writer.start()
            except RuntimeError:
                held.enter_context(handed)
                return False
            _writers.add(writer)
        return True

    def write(self, then: Callable[[Log | None], object] | None = None) -> None:
        """Write the entry now, in the writer thread, then call `then` with the mapped log,
        or None if it could not be stored (at once, here, if it was written already: the
        time limit passed); only the first call's `then` is called."""
        with self._state:
            if self._then is not None or self._go.is_set():
                return
            self._then = then
            done, mapped = self._done, self._mapped
        self._go.set()
        if done and then is not None:
            then(mapped)

    def _run(self, held: ExitStack) -> None:
        mapped: Log | None = None
        try:
            self._go.wait(PENDING_LIMIT_S)
            log, self._log = self._log, None  # the parsed arrays are not kept from here on
            with held:
                if log is not None and _store(self.source, self.folder, log, self.identity):
                    mapped = read_entry(self.folder, self.identity)
        except Exception as exc:  # noqa: BLE001 - nobody waits for this thread: say so in the log
            _warn("cannot store the parsed form of %s: %s", self.source, exc)
        finally:
            with self._state:
                self._done, self._mapped, then = True, mapped, self._then
            with _writers_lock:
                _writers.discard(threading.current_thread())
        if then is not None:
            then(mapped)


def wait_for_writes(timeout: float | None = None) -> bool:
    """Wait until this process's pending entries are written (at most `timeout` seconds);
    False if some are still pending or being written then."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        with _writers_lock:
            running = next(iter(_writers), None)
        if running is None:
            return True
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            return False
        running.join(left)


def _store(source: Path, folder: Path, log: Log, identity: dict[str, Any]) -> bool:
    """Write `log`'s entry (the caller holds its lock exclusively); False if it could not."""
    try:
        write_entry(folder, log, identity)
    except OSError as exc:
        _warn("cannot store the parsed form of %s: %s", source, exc)
        return False
    _touch(folder)
    return True


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
