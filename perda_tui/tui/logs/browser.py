"""The log browser: breadcrumb, filterable and sortable listing, metadata sidebar."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from perda_tui.parsed_cache import cache_bytes
from perda_tui.tui.common.covered import blink_inputs
from perda_tui.tui.common.heap import heap_frozen, release_heap, settle_heap
from perda_tui.tui.common.text import clean, literal
from perda_tui.tui.errors import explain, is_session_expired, is_unreachable
from perda_tui.tui.help import InfoModal
from perda_tui.tui.logs.log_table import LogTable
from perda_tui.tui.logs.metadata_panel import MetadataPanel
from perda_tui.tui.messages import (
    CompareRequested,
    ListingFailed,
    ListingLoaded,
    LogSource,
    OpenLog,
    OpenOffline,
    SessionExpired,
)
from perda_tui.tui.stylesheets import stylesheet
from perda_tui.units import human_bytes, plural

if TYPE_CHECKING:
    from perda_tui.clients.dataserver import LogEntry

SORTS = ("name", "date", "size")
#: Most logs marked for comparison at once (one chart colour each).
MAX_MARKED = 6
#: Below this width the sidebar goes under the table.
NARROW = 100


def sort_entries(entries: Sequence[LogEntry], by: str) -> list[LogEntry]:
    """Folders first (by name), then files by `by`: name A→Z, date and size newest/largest first."""
    folders = sorted((e for e in entries if e.is_folder), key=lambda e: e.name.casefold())
    files = sorted((e for e in entries if not e.is_folder), key=lambda e: e.name.casefold())
    if by == "date":
        files.sort(key=lambda e: e.last_modified or "", reverse=True)
    elif by == "size":
        files.sort(key=lambda e: e.size or 0, reverse=True)
    return folders + files


def haystack(entry: LogEntry) -> str:
    """What the filter searches: name, title and tags, case-folded."""
    return " ".join([entry.name, entry.title, *entry.tags]).casefold()


def breadcrumb(prefix: str, offline: bool) -> Text:
    """`Logs / REV 11 / 2026-04-01`, plus an offline marker."""
    parts = ["Logs", *(clean(p) for p in prefix.strip("/").split("/") if p)]
    text = Text(" / ".join(parts), style="bold")
    if offline:
        text.append("   [offline: logs in the local cache]")
    return text


class BrowserScreen(Screen[None]):
    """Browse a `LogSource` folder by folder; Enter opens folders and logs."""

    CSS_PATH = stylesheet("logs.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("backspace,h,left", "up", "Back", id="browser.up"),
        Binding("slash", "filter", "Filter", id="browser.filter"),
        Binding("i", "info", "Info", id="browser.info"),
        Binding("m", "full_status", "Full message", id="browser.full_status"),
        Binding("s", "sort", "Sort", id="browser.sort"),
        Binding("r", "refresh", "Refresh", id="browser.refresh"),
        Binding("y", "copy_key", "Copy key", id="browser.copy_key"),
        Binding("o", "offline", "Cached logs", id="browser.offline"),
        # listed by `?`; kept out of the footer, which is full at 80 columns
        Binding("space", "mark", "Mark to compare", show=False, id="browser.mark"),
        Binding(
            "C", "compare", "Compare marked", key_display="C", show=False, id="browser.compare"
        ),
        Binding("b", "toggle_sidebar", "Hide/show sidebar", show=False, id="browser.sidebar"),
        Binding("escape", "escape", "Clear filter / back", show=False, id="browser.escape"),
        Binding(
            "enter",
            "open_when_loaded",
            "Open when loaded",
            show=False,
            priority=True,
            id="browser.open_pending",
        ),
    ]

    def __init__(self, source: LogSource, prefix: str = "") -> None:
        super().__init__()
        self.source = source
        self.prefix = prefix
        self._requested = prefix
        self._loading = False
        self._entries: list[LogEntry] = []
        self._sorted: list[tuple[LogEntry, str]] = []  # entries in sort order with their haystack
        self._cached: set[str] = set()
        self._sort = SORTS[0]
        self._filter = ""
        self._error: str | None = None
        self._cursor_key: str | None = None
        self._described: tuple[str, bool] | None = None  # what the sidebar shows now
        self._open_pending = False  # Enter pressed while the listing was on its way
        self._status: tuple[Text, str] = (Text(), "")  # full status text and its keys
        self._marked: dict[str, LogEntry] = {}  # logs marked for comparison, in any folder
        self._status_cut = False
        self._cache_bytes = 0  # the local cache's size, measured with each listing
        self._heap_frozen = False  # this screen froze the heap (see `_settle_heap`)

    def compose(self) -> ComposeResult:
        yield Static(breadcrumb(self.prefix, self.source.offline), id="breadcrumb")
        yield Input(placeholder="filter: name, title, tags", id="filter", classes="-hidden")
        with Horizontal(id="body"):
            yield LogTable(id="table")
            yield MetadataPanel(id="sidebar")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(LogTable).focus()
        self.load(self.prefix)

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "narrow")
        self._render_status()

    def on_screen_suspend(self) -> None:
        blink_inputs(self, False)

    def on_screen_resume(self) -> None:
        """Back from a download, a plot or a comparison: the cache may have grown."""
        blink_inputs(self, True)
        if not self._loading and self._entries:
            self._measure_cache(self.prefix)
            self.call_after_refresh(self._settle_heap)

    def on_unmount(self) -> None:
        if self._heap_frozen:
            release_heap()

    def _settle_heap(self) -> None:
        """Once a listing is on screen (keys at rest): freeze the app's heap unless
        something already is, so a full collection over the whole app does not land in
        a filter keystroke (130-420 ms of a key in the bench). Screens that freeze more
        release it when they close; the browser freezes again when it is back."""
        if not heap_frozen():
            settle_heap(freeze=True)
            self._heap_frozen = True

    # -- loading ---------------------------------------------------------------------------

    def navigate(self, prefix: str) -> None:
        """Go to folder `prefix`: the filter is cleared now, so what is typed while the
        listing loads filters the new folder."""
        filtered = bool(self._filter)
        self._clear_filter()
        if filtered:
            self._show()
        self.load(prefix)

    def load(self, prefix: str) -> None:
        """Load `prefix` in a worker; a newer load cancels an older one."""
        self._requested = prefix
        self._loading = True
        self.refresh_bindings()
        self._set_status(self._loading_text())
        self._load(prefix)

    def _loading_text(self) -> Text:
        return Text(f"Loading {clean(self._requested) or 'the top level'}…")

    @work(thread=True, exclusive=True, group="listing", exit_on_error=False)
    def _load(self, prefix: str) -> None:
        worker = get_current_worker()
        try:
            entries = self.source.list_logs(prefix)
            cached = self.source.cached_keys(prefix)
            cache_dir = getattr(self.source, "cache_dir", None)  # a source may have no cache
            self._cache_bytes = cache_bytes(cache_dir) if cache_dir else 0
        except Exception as exc:  # noqa: BLE001 - shown in the status line with a retry key
            if not worker.is_cancelled:
                self.post_message(ListingFailed(prefix, exc))
            return
        if not worker.is_cancelled:
            self.post_message(ListingLoaded(prefix, entries, cached))

    @work(thread=True, exclusive=True, group="cache-marks", exit_on_error=False)
    def _measure_cache(self, prefix: str) -> None:
        """The ✓ marks of `prefix` and the cache's size, measured again."""
        cached = self.source.cached_keys(prefix)
        cache_dir = getattr(self.source, "cache_dir", None)
        size = cache_bytes(cache_dir) if cache_dir else 0
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._cache_measured, prefix, cached, size)

    def _cache_measured(self, prefix: str, cached: frozenset[str], size: int) -> None:
        if prefix != self.prefix or self._loading:
            return  # a newer listing brings its own marks
        self._cache_bytes = size
        if cached != self._cached:
            self._cached = set(cached)
            self.query_one(LogTable).set_cached(self._cached)
            self._show_entry(self.query_one(LogTable).highlighted)
        if self._error is None:
            self._set_status(self._summary(self._visible()))

    def on_listing_loaded(self, message: ListingLoaded) -> None:
        if message.prefix != self._requested:
            return
        self._loading = False
        self.refresh_bindings()
        self.prefix = message.prefix
        self._entries = message.entries
        self._described = None
        self._resort()
        self._cached = set(message.cached)
        self._error = None
        self.query_one("#breadcrumb", Static).update(breadcrumb(self.prefix, self.source.offline))
        self._show()
        if self._open_pending:
            self._open_pending = False
            self.query_one(LogTable).action_select()
        self.call_after_refresh(self._settle_heap)

    def on_listing_failed(self, message: ListingFailed) -> None:
        if message.prefix != self._requested:
            return
        self._loading = False
        self.refresh_bindings()
        self._open_pending = False
        if is_session_expired(message.error):
            retry = partial(self.load, message.prefix)
            self.post_message(SessionExpired(explain(message.error), retry))
            return
        self._error = explain(message.error)
        keys = "r retry"
        if is_unreachable(message.error) and not self.source.offline:
            keys += " · o browse cached logs"
        self._set_status(Text.assemble(("Error: ", "bold"), literal(self._error)), keys)

    # -- display ---------------------------------------------------------------------------

    def _resort(self) -> None:
        self._sorted = [(e, haystack(e)) for e in sort_entries(self._entries, self._sort)]

    def _visible(self) -> list[LogEntry]:
        needle = self._filter.casefold()
        return [e for e, text in self._sorted if needle in text]

    def _show(self) -> None:
        """Refill the table from entries, filter and sort, keeping the cursor on its entry."""
        table = self.query_one(LogTable)
        current = table.highlighted
        keep = self._cursor_key or (current.key if current is not None else None)
        self._cursor_key = None
        visible = self._visible()
        index = next((i for i, e in enumerate(visible) if e.key == keep), 0)
        table.show(visible, self._cached, index)
        self._show_entry(table.highlighted)
        if not self._loading:  # keep "Loading…" up while a listing is on its way
            self._set_status(self._summary(visible))

    def _summary(self, visible: list[LogEntry]) -> Text:
        folders = sum(1 for e in self._entries if e.is_folder)
        files = len(self._entries) - folders
        text = Text(f"{plural(folders, 'folder')}, {plural(files, 'file')} · sort: {self._sort}")
        if self._filter:
            text.append(" · filter: ")
            text.append(clean(self._filter))
            text.append(f" ({len(visible)} shown)")
        text.append(" · ✓ = in local cache")
        if self._cache_bytes:
            text.append(f" ({human_bytes(self._cache_bytes)})")
        if self._marked:
            text.append(f" · {len(self._marked)} marked ► (C compare)")
        return text

    def _set_status(self, text: Text, keys: str = "") -> None:
        """Show `text` and its `keys` hint in the one-line status bar."""
        self._status = (text, keys)
        self._render_status()

    @property
    def full_status(self) -> str:
        """The whole status message with its keys (the bar may show it shortened)."""
        text, keys = self._status
        return f"{text.plain}  ({keys})" if keys else text.plain

    def _render_status(self) -> None:
        """The status shortened to the bar, the keys kept; `m` shows the full text."""
        text, keys = self._status
        status = self.query_one("#status", Static)
        width = status.content_region.width or max(1, self.size.width - 2)
        tail = f"  ({keys})" if keys else ""
        cut = text.cell_len + len(tail) > width
        if cut:
            tail = f"  ({keys} · m full)" if keys else "  (m full)"
            text = text.copy()
            text.truncate(max(1, width - len(tail)), overflow="ellipsis")
        status.set_class(text.plain.startswith("Error:"), "error")
        status.update(text + tail)
        if cut != self._status_cut:
            self._status_cut = cut
            self.refresh_bindings()

    def _show_entry(self, entry: LogEntry | None) -> None:
        cached = entry is not None and entry.key in self._cached
        shown = (entry.key if entry is not None else "", cached)
        if shown != self._described:
            self._described = shown
            self.query_one(MetadataPanel).show(entry, cached)

    def on_log_table_highlighted(self, message: LogTable.Highlighted) -> None:
        self._show_entry(message.entry)

    def on_log_table_selected(self, message: LogTable.Selected) -> None:
        entry = message.entry
        if entry.is_folder:
            self.navigate(entry.key)
        else:
            self.post_message(OpenLog(self.source, entry, self._after_open))

    def _after_open(self, key: str) -> None:
        if self.source.is_cached(key):
            self._cached.add(key)
            self.query_one(LogTable).set_cached(self._cached)
            self._show_entry(self.query_one(LogTable).highlighted)

    # -- filter ----------------------------------------------------------------------------

    def action_filter(self) -> None:
        """Show the filter box and type into it; the table follows each keystroke."""
        box = self.query_one("#filter", Input)
        box.remove_class("-hidden")
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filter = event.value
        self._show()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(LogTable).focus()

    def _clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        self._filter = ""
        with box.prevent(Input.Changed):
            box.value = ""
        box.add_class("-hidden")

    def action_escape(self) -> None:
        """Leave the info view, else clear and hide the filter; offline, go back to the
        sign-in screen."""
        if self.has_class("-info"):
            self.action_info()
        elif self._filter or not self.query_one("#filter", Input).has_class("-hidden"):
            self._clear_filter()
            self.query_one(LogTable).focus()
            self._show()
        elif self.source.offline and len(self.app.screen_stack) > 1:
            self.dismiss()

    # -- navigation and other keys ---------------------------------------------------------

    def action_up(self) -> None:
        """Go to the parent folder, with the cursor on the folder we came from; at the
        top of the offline cache, back to the sign-in screen."""
        if not self.prefix:
            if self.source.offline and len(self.app.screen_stack) > 1:
                self.dismiss()
            return
        parent = self.prefix.rstrip("/").rpartition("/")[0]
        self.navigate(f"{parent}/" if parent else "")
        self._cursor_key = self.prefix  # where the cursor goes when the listing arrives

    def action_sort(self) -> None:
        """Cycle the sort order: name, date, size."""
        self._sort = SORTS[(SORTS.index(self._sort) + 1) % len(SORTS)]
        self._resort()
        self._show()

    def action_refresh(self) -> None:
        """Reload the folder (after an error: retry what failed)."""
        self.load(self._requested)

    def action_copy_key(self) -> None:
        """Copy the highlighted S3 key to the clipboard (OSC 52, works over SSH)."""
        entry = self.query_one(LogTable).highlighted
        if entry is not None:
            self.app.copy_to_clipboard(entry.key)
            self.notify(f"Copied: {clean(entry.key)}", markup=False)

    def action_toggle_sidebar(self) -> None:
        """Show or hide the metadata sidebar."""
        self.query_one(MetadataPanel).toggle_class("-hidden")

    def action_info(self) -> None:
        """Show the highlighted entry's metadata full-width (↑↓ scroll), or go back."""
        info = self.toggle_class("-info").has_class("-info")
        (self.query_one(MetadataPanel) if info else self.query_one(LogTable)).focus()

    def action_full_status(self) -> None:
        """Show the whole status message (the bar shortens long ones)."""
        self.app.push_screen(InfoModal("Message", Text(self.full_status)))

    def action_open_when_loaded(self) -> None:
        """Enter while a listing loads: open the entry under the cursor once it arrives."""
        if not (self._loading and isinstance(self.focused, LogTable)):
            raise SkipAction()
        self._open_pending = True
        self._set_status(self._loading_text(), "Enter pressed: opens when it arrives")

    def action_mark(self) -> None:
        """Mark or unmark the highlighted log for comparison (marks stay across folders)."""
        entry = self.query_one(LogTable).highlighted
        if entry is None or entry.is_folder:
            return
        if entry.key in self._marked:
            del self._marked[entry.key]
        elif len(self._marked) >= MAX_MARKED:
            self.notify(f"At most {MAX_MARKED} logs can be compared at once.", markup=False)
            return
        else:
            self._marked[entry.key] = entry
        self.query_one(LogTable).set_marked(set(self._marked))
        if not self._loading:
            self._set_status(self._summary(self._visible()))

    def action_compare(self) -> None:
        """Compare the marked logs (or the highlighted one when none is marked)."""
        entries = list(self._marked.values())
        if not entries:
            entry = self.query_one(LogTable).highlighted
            if entry is None or entry.is_folder:
                self.notify("Mark logs with Space, then press C to compare them.", markup=False)
                return
            entries = [entry]
        self.post_message(CompareRequested(self.source, entries))

    def action_offline(self) -> None:
        """Browse the logs in the local cache."""
        self.post_message(OpenOffline())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "offline":
            return not self.source.offline
        if action == "full_status":
            return self._status_cut
        if action == "open_when_loaded":  # else the table's own Enter shows in the footer
            return self._loading
        return True
