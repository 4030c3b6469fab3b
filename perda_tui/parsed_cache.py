"""The parsed-log cache of a download cache folder: where it lives and how callers open logs.

Parsed forms live in `<cache_dir>/.perda/parsed/` (the bookkeeping folder no log key can
name), guarded by the download cache's cross-process locks. `open_log` is what the app,
the CLI and `ServerClient` users call instead of `Log.load` to reopen logs instantly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from perda_tui.logs import Log
    from perda_tui.logs.store import ParsedStore, PendingEntry
    from perda_tui.progress import ProgressCallback

PARSED = "parsed"


def parsed_store(cache_dir: str | Path) -> ParsedStore:
    """The parsed-log store of the download cache at `cache_dir`."""
    from perda_tui.clients.dataserver.keys import RESERVED_SEGMENT
    from perda_tui.clients.dataserver.locks import CacheLocks
    from perda_tui.logs.store import ParsedStore

    meta = Path(cache_dir).expanduser().resolve() / RESERVED_SEGMENT
    return ParsedStore(meta / PARSED, CacheLocks(meta))


def open_log(
    path: str | Path,
    cache_dir: str | Path | None,
    *,
    ts_offset: int = 0,
    parsing_errors_limit: int = 100,
    progress: ProgressCallback | None = None,
) -> Log:
    """`Log.load(path, ...)`, through the parsed cache of `cache_dir` when one is given."""
    if cache_dir is None:
        from perda_tui.logs import Log

        return Log.load(
            path, ts_offset=ts_offset, parsing_errors_limit=parsing_errors_limit, progress=progress
        )
    return parsed_store(cache_dir).open(path, ts_offset, parsing_errors_limit, progress)


def reopen_log(path: str | Path, cache_dir: str | Path | None) -> Log | None:
    """The parsed form of `path` from the parsed cache of `cache_dir`, if it holds a
    current one (mapped, nothing parsed); None otherwise."""
    return None if cache_dir is None else parsed_store(cache_dir).reopen(path)


def open_log_pending(
    path: str | Path,
    cache_dir: str | Path | None,
    *,
    progress: ProgressCallback | None = None,
) -> tuple[Log, PendingEntry | None]:
    """As `open_log`, but a log parsed now comes back before its parsed form is stored,
    with the `PendingEntry` that stores it (`ParsedStore.open_pending`)."""
    if cache_dir is None:
        return open_log(path, None, progress=progress), None
    return parsed_store(cache_dir).open_pending(path, progress=progress)


def cache_bytes(cache_dir: str | Path) -> int:
    """Disk space the cache folder takes: downloaded logs, parsed forms, partial downloads."""
    import os

    total = 0
    for folder, _, files in os.walk(Path(cache_dir).expanduser()):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                continue  # removed meanwhile
    return total
