"""The download modal: progress, rate and ETA of a download, then of parsing the log."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar, Static
from textual.worker import get_current_worker

from perda_tui.tui.common.text import clean, duration, literal
from perda_tui.tui.errors import explain, is_client_error, is_session_expired
from perda_tui.tui.messages import (
    DownloadCancelled,
    DownloadProgress,
    FileReady,
    LogParsed,
    LogSource,
    ParseProgress,
    SessionExpired,
    TaskFailed,
)
from perda_tui.tui.stylesheets import stylesheet
from perda_tui.units import human_bytes

if TYPE_CHECKING:
    from perda_tui.logs import Log  # noqa: F401 - the quoted result type below (no runtime import)


class Rate:
    """Transfer rate and time left, measured from the first progress report seen."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._start: tuple[float, int] | None = None

    def update(self, done: int, total: int) -> str:
        """`1.2 MiB / 5 MiB · 800 KiB/s · 0:04 left` (rate and ETA once measurable)."""
        now = self._clock()
        text = f"{human_bytes(done)} / {human_bytes(total)}"
        if self._start is None:
            self._start = (now, done)
            return text
        elapsed = now - self._start[0]
        moved = done - self._start[1]
        if elapsed <= 0 or moved <= 0:
            return text
        rate = moved / elapsed
        return f"{text} · {human_bytes(rate)}/s · {duration((total - done) / rate)} left"


#: Said when Esc comes after the last byte: nothing was cancelled, the log is on disk.
DOWNLOADED = "finished downloading; it is in the local cache."
DOWNLOADED_BEFORE_CANCEL = f"Too late to cancel: the log {DOWNLOADED}"


class DownloadScreen(ModalScreen["Log | None"]):
    """Fetches one log (download or cache), parses it, dismisses with the `Log` or None."""

    CSS_PATH = stylesheet("logs.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="download.cancel"),
        Binding("r", "retry", "Retry", id="download.retry"),
        Binding("enter", "open", "Open", id="download.open"),
    ]

    def __init__(
        self,
        source: LogSource,
        key: str,
        name: str,
        size: int | None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.source = source
        self.key = key
        self.log_name = name
        self.log_size = size
        self.state = "starting"
        self._path: Path | None = None
        self._downloaded = False  # fetched from the server in this modal (not from a cache)
        self._cancel = threading.Event()
        self._rate = Rate(clock)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(literal(self.log_name, "bold"), id="name")
            size = "size unknown" if self.log_size is None else human_bytes(self.log_size)
            yield Static(Text.assemble("Size: ", size), id="size")
            yield Label("Download")
            yield ProgressBar(total=self.log_size or 100, show_eta=False, id="download-bar")
            yield Static(id="download-detail")
            yield Label("Parse")
            yield ProgressBar(total=100, show_eta=False, id="parse-bar")
            yield Static(id="parse-detail")
            yield Static("Esc cancel", id="hint")

    def on_mount(self) -> None:
        self._start()

    def _start(self) -> None:
        self._cancel.clear()
        if self.source.is_cached(self.key):
            self.state = "parsing"
            self._detail("#download-detail", "In the local cache: no download needed.")
        else:
            self.state = "downloading"
            self._detail("#download-detail", "Starting download…")
        self._fetch()

    @work(thread=True, exclusive=True, group="download", exit_on_error=False)
    def _fetch(self) -> None:
        try:
            path = self.source.fetch(self.key, self._report, self._cancel)
        except Exception as exc:  # noqa: BLE001 - every failure is shown in the modal
            cancelled = is_client_error(exc, "DownloadCancelledError")
            self.post_message(DownloadCancelled() if cancelled else TaskFailed(exc))
            return
        self.post_message(FileReady(path))

    def _report(self, done: int, total: int) -> None:
        self.post_message(DownloadProgress(done, total))

    def on_download_progress(self, message: DownloadProgress) -> None:
        if self.state != "downloading":
            return
        self.query_one("#download-bar", ProgressBar).update(
            total=max(message.total, 1), progress=message.done
        )
        self._detail("#download-detail", self._rate.update(message.done, message.total))

    def on_file_ready(self, message: FileReady) -> None:
        bar = self.query_one("#download-bar", ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        self._path = message.path
        self._downloaded = self.state in ("downloading", "cancelling")
        if self.state == "cancelling":  # the last byte was in before the cancel reached it
            self.state = "downloaded"
            self._detail("#download-detail", DOWNLOADED_BEFORE_CANCEL)
            self._detail("#hint", "Enter open · Esc close")
            self.refresh_bindings()
            return
        if self._downloaded:
            self._detail("#download-detail", "Downloaded.")
        self._start_parse(message.path)

    def _start_parse(self, path: Path) -> None:
        self.state = "parsing"
        self._detail("#parse-detail", "Parsing…")
        self._detail("#hint", "Esc cancel")
        self._parse(path)

    @work(thread=True, exclusive=True, group="parse", exit_on_error=False)
    def _parse(self, path: Path) -> None:
        from perda_tui.parsed_cache import open_log

        worker = get_current_worker()

        def report(done: int, total: int) -> None:
            if not worker.is_cancelled:
                self.post_message(ParseProgress(done, total))

        try:
            cache_dir = getattr(self.source, "cache_dir", None)  # a source may have no cache
            log = open_log(path, cache_dir, progress=report)  # parsed once, then mapped
        except Exception as exc:  # noqa: BLE001 - shown in the modal
            if not worker.is_cancelled:
                self.post_message(TaskFailed(exc))
            return
        if not worker.is_cancelled:
            self.post_message(LogParsed(log))

    def on_parse_progress(self, message: ParseProgress) -> None:
        self.query_one("#parse-bar", ProgressBar).update(
            total=max(message.total, 1), progress=message.done
        )
        self._detail(
            "#parse-detail", f"Parsing… {human_bytes(message.done)} / {human_bytes(message.total)}"
        )

    def on_log_parsed(self, message: LogParsed) -> None:
        self.state = "done"
        self.dismiss(message.log)

    def on_task_failed(self, message: TaskFailed) -> None:
        if is_session_expired(message.error):
            # posted to the app: this screen is closing and would drop its own queue
            self.app.post_message(SessionExpired(explain(message.error)))
            self.dismiss(None)
            return
        stage = "#parse-detail" if self.state == "parsing" else "#download-detail"
        self.state = "failed"
        detail = self.query_one(stage, Static)
        detail.add_class("error")
        detail.update(Text.assemble(("Error: ", "bold"), literal(explain(message.error))))
        self._detail("#hint", "r retry · Esc close")

    def on_download_cancelled(self) -> None:
        self.dismiss(None)
        self.app.notify(
            "Download cancelled. The part already downloaded is kept: it resumes next time.",
            markup=False,
        )

    def action_cancel(self) -> None:
        """Stop the download (the partial file is kept) or stop waiting for the parse."""
        if self.state == "downloading":
            self.state = "cancelling"
            self._cancel.set()
            self._detail("#download-detail", "Cancelling… the part already downloaded is kept.")
        elif self.state != "cancelling":
            self.workers.cancel_group(self, "parse")
            if self.state == "parsing" and self._downloaded:
                self.notify(f"{clean(self.log_name)}: {DOWNLOADED}", markup=False)
            self.dismiss(None)

    def action_open(self) -> None:
        """Open a log that finished downloading although Esc was pressed."""
        if self._path is not None:
            self._start_parse(self._path)
            self.refresh_bindings()

    def action_retry(self) -> None:
        """Start again after a failure (a download resumes where it stopped)."""
        if self.state == "failed":
            for selector in ("#download-detail", "#parse-detail"):
                self.query_one(selector, Static).remove_class("error")
            self._detail("#hint", "Esc cancel")
            self._start()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.state == "failed"
        if action == "open":
            return self.state == "downloaded"
        return True

    def _detail(self, selector: str, text: str) -> None:
        self.query_one(selector, Static).update(literal(text))
