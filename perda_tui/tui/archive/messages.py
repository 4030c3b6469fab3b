"""Messages the export dialog's thread workers post back (posting is thread-safe)."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from perda_tui.clients.drms import (
    DownloadProgress,
    EmailCheck,
    ExportJob,
    ExportStatus,
)


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


class ExportReady(Message):
    """The export finished on the server; its files can be downloaded."""

    def __init__(self, job: ExportJob) -> None:
        super().__init__()
        self.job = job


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
