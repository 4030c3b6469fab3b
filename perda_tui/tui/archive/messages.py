"""Messages the archive screen's thread workers post back (posting is thread-safe).

Each result carries the server `generation` it was asked of, so answers from a server the
user has since left are dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.message import Message

from perda_tui.clients.drms import (
    DownloadProgress,
    EmailCheck,
    ExportStatus,
    SeriesStructure,
    SeriesSummary,
)


class SeriesLoaded(Message):
    """The series list of the current server."""

    def __init__(self, generation: int, series: list[SeriesSummary]) -> None:
        super().__init__()
        self.generation = generation
        self.series = series


class StructureLoaded(Message):
    """The structure of the highlighted series."""

    def __init__(self, generation: int, structure: SeriesStructure) -> None:
        super().__init__()
        self.generation = generation
        self.structure = structure


class CountReady(Message):
    """How many records `query` selects (shown before the records arrive)."""

    def __init__(self, generation: int, query: str, count: int) -> None:
        super().__init__()
        self.generation = generation
        self.query = query
        self.count = count


class RecordsLoaded(Message):
    """The first `len(frame)` records of `query` (a pandas DataFrame), for page `page`."""

    def __init__(self, generation: int, query: str, frame: Any, page: int) -> None:
        super().__init__()
        self.generation = generation
        self.query = query
        self.frame = frame
        self.page = page


class ArchiveFailed(Message):
    """`what` (e.g. "loading the series list") failed with `error`."""

    def __init__(self, generation: int, what: str, error: Exception) -> None:
        super().__init__()
        self.generation = generation
        self.what = what
        self.error = error


class EmailChecked(Message):
    """checkAddress.sh answered for the export address."""

    def __init__(self, check: EmailCheck) -> None:
        super().__init__()
        self.check = check


class ExportStatusChanged(Message):
    """The server's latest answer about the export."""

    def __init__(self, status: ExportStatus) -> None:
        super().__init__()
        self.status = status


class ExportFileProgress(Message):
    """Download progress; a newer one replaces a queued older one."""

    def __init__(self, progress: DownloadProgress) -> None:
        super().__init__()
        self.progress = progress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ExportFileProgress)


class ExportDone(Message):
    """Every file of the export is in the cache."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths


class ExportFailed(Message):
    """The export or one of its downloads failed (or was cancelled)."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error
