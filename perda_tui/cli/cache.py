"""`perda-tui cache [list]` and `perda-tui cache prune`: what the local cache holds, and
making room in it.

A row is one log: a downloaded CSV with its parsed form, or the parsed form of a local file
opened with `perda-tui open`/`plot` (the file itself is never touched). Prune removes the
least recently opened logs first: those not opened for `--older-than` days, then more until
the cache fits in `--max-size`. A log being read or downloaded by another process is left
alone (cross-process locks, taken without waiting).
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from perda_tui.text import without_control
from perda_tui.units import human_bytes, plural

if TYPE_CHECKING:
    from perda_tui.clients.dataserver import LogCache
    from perda_tui.clients.dataserver.locks import CacheLocks
    from perda_tui.logs.store import ParsedStore

UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)
DAY = 86_400.0


class CacheCommandError(ValueError):
    """A size or age on the command line that cannot be used."""


@dataclass(frozen=True)
class CachedLog:
    """One log in the cache: its key (downloads) or path (local files) and what it takes."""

    name: str
    key: str | None  # the download key, None for a local file's parsed form
    csv: Path | None  # the downloaded file, None for a local file
    csv_bytes: int
    parsed: Path  # the parsed entry's folder (may not exist)
    parsed_bytes: int
    opened: float  # last opened (or downloaded), seconds since the epoch

    @property
    def size(self) -> int:
        """Bytes this log takes in the cache."""
        return self.csv_bytes + self.parsed_bytes


def parse_size(text: str) -> int:
    """`500M`, `2G`, `1.5GiB`, `1024` (bytes; binary units) as a number of bytes."""
    match = SIZE_RE.match(text)
    if match is None:
        raise CacheCommandError(f"not a size: {text!r} (e.g. 500M, 2G, 1.5GiB)")
    return int(float(match.group(1)) * UNITS[match.group(2).lower()])


def cache_command(args: argparse.Namespace) -> int:
    """Handler of `perda-tui cache`: list the cached logs, or prune them."""
    from perda_tui.clients.dataserver import LogCache
    from perda_tui.config import load_settings
    from perda_tui.parsed_cache import parsed_store

    settings = load_settings(args)
    cache, store = LogCache(settings.cache_dir), parsed_store(settings.cache_dir)
    if args.action == "prune":
        if args.older_than is None and args.max_size is None:
            raise CacheCommandError("prune needs --older-than DAYS, --max-size SIZE or both")
        older = None if args.older_than is None else float(args.older_than)
        if older is not None and older < 0:
            raise CacheCommandError("--older-than must be 0 days or more")
        limit = None if args.max_size is None else parse_size(args.max_size)
        return prune(cache, store, older, limit, now=time.time())
    print_listing(cached_logs(cache, store), cache.root)
    return 0


def cached_logs(cache: LogCache, store: ParsedStore) -> list[CachedLog]:
    """Every downloaded log and every parsed form, least recently opened first."""
    from perda_tui.clients.dataserver.keys import RESERVED_SEGMENT

    parsed = {e.folder: e for e in store.entries()}
    logs = []
    for path in sorted(cache.root.rglob("*")):
        relative = path.relative_to(cache.root)
        if relative.parts[0] == RESERVED_SEGMENT or not path.is_file():
            continue
        key = relative.as_posix()
        if cache.record(key) is None:
            continue
        folder = store.folder_for(path)
        entry = parsed.pop(folder, None)
        opened = entry.opened if entry else path.stat().st_mtime
        logs.append(
            CachedLog(
                name=key,
                key=key,
                csv=path,
                csv_bytes=path.stat().st_size,
                parsed=folder,
                parsed_bytes=entry.size if entry else 0,
                opened=opened,
            )
        )
    for entry in parsed.values():  # local files, and entries whose download is gone
        name = str(entry.source) if entry.source else f"(damaged) {entry.folder.name}"
        logs.append(
            CachedLog(
                name=name,
                key=None,
                csv=None,
                csv_bytes=0,
                parsed=entry.folder,
                parsed_bytes=entry.size,
                opened=entry.opened,
            )
        )
    return sorted(logs, key=lambda log: log.opened)


def print_listing(logs: list[CachedLog], root: Path) -> None:
    """One line per log, newest last, then the totals. The CSV column says `local` for a
    local file's parsed form and `gone` when the source file no longer exists."""
    if logs:
        print(f"{'LAST OPENED':<16}  {'CSV':>10}  {'PARSED':>10}  LOG")
    for log in logs:
        csv = human_bytes(log.csv_bytes) if log.csv else _outside(log.name)
        parsed = human_bytes(log.parsed_bytes) if log.parsed_bytes else "-"
        print(f"{_when(log.opened):<16}  {csv:>10}  {parsed:>10}  {without_control(log.name)}")
    downloaded = sum(log.csv_bytes for log in logs)
    parsed_total = sum(log.parsed_bytes for log in logs)
    print(
        f"{plural(len(logs), 'log')} · {human_bytes(downloaded)} downloaded · "
        f"{human_bytes(parsed_total)} parsed · {human_bytes(downloaded + parsed_total)} in {root}"
    )


def prune(
    cache: LogCache, store: ParsedStore, older_days: float | None, max_bytes: int | None, now: float
) -> int:
    """Remove logs not opened for `older_days`, then the least recently opened until the
    cache holds at most `max_bytes`; logs in use are kept and named."""
    from perda_tui.clients.dataserver.keys import RESERVED_SEGMENT
    from perda_tui.clients.dataserver.locks import CacheLocks

    logs = cached_logs(cache, store)
    total = sum(log.size for log in logs)
    locks = CacheLocks(cache.root / RESERVED_SEGMENT)
    freed, removed, busy = 0, 0, 0
    for log in logs:
        stale = older_days is not None and log.opened < now - older_days * DAY
        too_big = max_bytes is not None and total - freed > max_bytes
        if not (stale or too_big):
            continue
        if _remove(cache, store, locks, log):
            freed += log.size
            removed += 1
            what = "" if log.csv else "the parsed form of "  # a local file itself stays
            print(f"removed {what}{without_control(log.name)} ({human_bytes(log.size)})")
        else:
            busy += 1
            print(f"kept {without_control(log.name)}: in use by another process")
    print(
        f"{plural(removed, 'log')} removed, {human_bytes(freed)} freed; "
        f"{human_bytes(total - freed)} left in {cache.root}"
        + (f"; {busy} in use kept" if busy else "")
    )
    return 0


def _remove(cache: LogCache, store: ParsedStore, locks: CacheLocks, log: CachedLog) -> bool:
    """Delete one log's parsed form and downloaded file, unless someone holds either."""
    from contextlib import ExitStack

    try:
        with ExitStack() as held:
            held.enter_context(store.exclusive(log.parsed))
            if log.key is not None:
                held.enter_context(locks.exclusive(log.key, timeout=0))
            store.discard(log.parsed)
            if log.key is not None and log.csv is not None:
                cache.forget(log.key)
                log.csv.unlink(missing_ok=True)
    except TimeoutError:
        return False
    return True


def _outside(name: str) -> str:
    """The CSV column of a parsed form whose source is not a download: a local file, or
    one that no longer exists (its parsed form is all that is left)."""
    return "local" if Path(name).is_file() else "gone"


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M") if timestamp else "-"
