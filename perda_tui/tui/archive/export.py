"""`ExportDialog`: check the email, choose method and protocol, follow the export, download.

The request id and the server's latest status stay on screen the whole time, so a stuck
export can be followed up. Files go to the export folder, one folder per request
(`<export folder>/<request id>/`, `url_quick_<time>/` for immediate answers); files already
there are replaced only when the user says so.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static

from perda_tui.clients.drms import (
    DownloadProgress,
    DrmsArchive,
    DrmsError,
    EmailCheck,
    ExportJob,
    ExportStatus,
    HttpJsonClient,
)
from perda_tui.clients.drms.client import EXPORT_METHODS
from perda_tui.errors import describe
from perda_tui.private_files import private_mkdir
from perda_tui.tui.archive.messages import (
    EmailChecked,
    ExportDone,
    ExportFailed,
    ExportFileProgress,
    ExportReady,
    ExportStatusChanged,
)
from perda_tui.tui.common.text import literal
from perda_tui.tui.stylesheets import stylesheet
from perda_tui.units import human_bytes

#: Protocols offered in the dialog (image/movie protocols need extra arguments).
DIALOG_PROTOCOLS = ("as-is", "fits")


@dataclass(frozen=True)
class ExportTiming:
    """How an export is followed: the first poll after `first_delay` s (then growing), and
    giving up after `timeout` s (the request id stays shown for follow-up)."""

    first_delay: float = 1.0
    timeout: float = 30 * 60.0


def folder_problem(folder: Path) -> str | None:
    """Create `folder` if missing; one line saying why files cannot go there, or None."""
    try:
        private_mkdir(folder)
    except OSError as exc:
        return f"Cannot create the export folder {folder}: {exc.strerror or describe(exc)}"
    if not folder.is_dir():
        return f"The export folder {folder} is not a folder."
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"The export folder {folder} is not writable."
    return None


class ExportDialog(ModalScreen[list[Path] | None]):
    """Modal export form and progress; dismissed with the downloaded paths (or None)."""

    CSS_PATH = stylesheet("archive.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cancel/close", id="archive.export.close"),
    ]

    def __init__(
        self,
        client: HttpJsonClient,
        recordset: str,
        folder: Path,
        *,
        email: str = "",
        timing: ExportTiming = ExportTiming(),
    ) -> None:
        super().__init__()
        self._client = client
        self._recordset = recordset
        self._folder = folder
        self._email = email
        self.entered_email = email
        """The address in the form when the dialog was closed."""
        self._timing = timing
        self._cancel = threading.Event()
        self._paths: list[Path] | None = None
        self._ready: ExportJob | None = None  # finished on the server, waiting for the user
        self.running = False

    def on_mount(self) -> None:
        self.query_one("#export-progress", ProgressBar).display = False  # until files flow
        self.query_one("#export-confirm").display = False  # until files would be replaced

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label(literal(f"Export from {self._client.server.name}", "bold"))
            yield Input(self._recordset, placeholder="record set", id="export-recordset")
            with Horizontal(classes="export-row"):
                yield Input(self._email, placeholder="registered email", id="export-email")
                yield Button("Check", id="export-check", compact=True)
            yield Static("", id="export-email-status")
            with Horizontal(classes="export-row"):
                yield Select(
                    [(m, m) for m in EXPORT_METHODS],
                    value="url_quick",
                    allow_blank=False,
                    id="export-method",
                    compact=True,
                )
                yield Select(
                    [(p, p) for p in DIALOG_PROTOCOLS],
                    value="as-is",
                    allow_blank=False,
                    id="export-protocol",
                    compact=True,
                )
                yield Button("Start", id="export-start", variant="primary", compact=True)
            yield Static("Not started.", id="export-status")
            with Horizontal(id="export-confirm", classes="export-row"):
                yield Static("", id="export-existing")
                yield Button("Overwrite", id="export-overwrite", variant="error", compact=True)
                yield Button("Keep both", id="export-keep", compact=True)
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static("", id="export-file")

    # -- user actions ---------------------------------------------------------------------

    @on(Button.Pressed, "#export-check")
    @on(Input.Submitted, "#export-email")
    def check_email(self) -> None:
        """Ask the server whether the address may export."""
        self._set("#export-email-status", f"checking {self.email}…")
        self._check(self.email)

    @on(Button.Pressed, "#export-start")
    def start(self) -> None:
        """Submit the export (the email is checked first)."""
        if self.running:
            return
        self.running = True
        self._cancel.clear()
        self.query_one("#export-start", Button).disabled = True
        self._set("#export-status", "checking the email address…")
        self._run(
            self.query_one("#export-recordset", Input).value.strip(),
            self.email,
            str(self.query_one("#export-method", Select).value),
            str(self.query_one("#export-protocol", Select).value),
        )

    @property
    def email(self) -> str:
        """The address in the form."""
        return self.query_one("#export-email", Input).value.strip()

    @on(Button.Pressed, "#export-overwrite")
    @on(Button.Pressed, "#export-keep")
    def _confirmed(self, event: Button.Pressed) -> None:
        job, self._ready = self._ready, None
        self.query_one("#export-confirm").display = False
        if job is not None:
            self._download(job, overwrite=event.button.id == "export-overwrite")

    def action_close(self) -> None:
        """Stop a running export/download and close."""
        self.entered_email = self.email
        self._cancel.set()
        self.dismiss(self._paths)

    # -- workers --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="export-email", exit_on_error=False)
    def _check(self, email: str) -> None:
        try:
            self.post_message(EmailChecked(self._archive_check(email)))
        except (DrmsError, ValueError) as exc:
            self.post_message(ExportFailed(exc))

    def _archive_check(self, email: str) -> EmailCheck:
        return DrmsArchive(self._client).check_email(email)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _run(self, recordset: str, email: str, method: str, protocol: str) -> None:
        try:
            problem = folder_problem(self._folder)
            if problem:
                raise ValueError(problem)
            check = self._archive_check(email)
            self.post_message(EmailChecked(check))
            if not check.registered:
                raise ValueError(f"{email} cannot export: {check.message or 'not registered'}")
            job = ExportJob.submit(self._client, recordset, email, method=method, protocol=protocol)
            self.post_message(ExportStatusChanged(job.status))
            job.wait(
                timeout=self._timing.timeout,
                first_delay=self._timing.first_delay,
                on_status=self._status_changed,
                cancel=self._cancel,
            )
            job.files()  # raises now if the finished export lists nothing usable
            self.post_message(ExportReady(job))
        except (DrmsError, ValueError, OSError) as exc:
            self.post_message(ExportFailed(exc))

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _download(self, job: ExportJob, *, overwrite: bool) -> None:
        try:
            paths = job.download(
                self._folder, overwrite=overwrite, progress=self._progress, cancel=self._cancel
            )
            self.post_message(ExportDone(paths))
        except (DrmsError, ValueError, OSError) as exc:
            self.post_message(ExportFailed(exc))

    def _status_changed(self, status: ExportStatus) -> None:
        self.post_message(ExportStatusChanged(status))

    def _progress(self, progress: DownloadProgress) -> None:
        self.post_message(ExportFileProgress(progress))

    # -- results --------------------------------------------------------------------------

    def on_email_checked(self, message: EmailChecked) -> None:
        check = message.check
        mark = "✓ registered" if check.registered else "✗ not usable"
        self._set("#export-email-status", f"{mark} (status {check.status}): {check.message}")

    def on_export_status_changed(self, message: ExportStatusChanged) -> None:
        self._set("#export-status", message.status.describe())

    def on_export_ready(self, message: ExportReady) -> None:
        job = message.job
        existing = job.existing(self._folder)
        if not existing:
            self._download(job, overwrite=False)
            return
        self._ready = job
        folder = job.folder(self._folder)
        self._set(
            "#export-existing",
            f"{len(existing)} of these files are already in {folder}:",
        )
        self.query_one("#export-confirm").display = True
        self.query_one("#export-keep", Button).focus()

    def on_export_file_progress(self, message: ExportFileProgress) -> None:
        p = message.progress
        bar = self.query_one("#export-progress", ProgressBar)
        bar.display = True
        bar.update(total=p.total_bytes, progress=p.done_bytes)
        total = human_bytes(p.total_bytes) or "?"
        self._set(
            "#export-file",
            f"file {p.index + 1} of {p.count}: {p.filename} {human_bytes(p.done_bytes)} / {total}",
        )

    def on_export_done(self, message: ExportDone) -> None:
        self.running = False
        self._paths = message.paths
        folder = message.paths[0].parent if message.paths else self._folder
        self._set("#export-file", f"{len(message.paths)} file(s) downloaded to {folder}")
        self.query_one("#export-start", Button).disabled = False

    def on_export_failed(self, message: ExportFailed) -> None:
        self.running = False
        self.query_one("#export-start", Button).disabled = False
        self._set("#export-file", f"Failed: {describe(message.error)}", error=True)

    def _set(self, selector: str, text: str, *, error: bool = False) -> None:
        widget = self.query_one(selector, Static)
        widget.update(literal(text, single_line=False))
        widget.set_class(error, "error")
