"""`ArchiveScreen`: browse a DRMS archive (JSOC, KIS or a custom CGI URL).

Pick a server, find a series by regex, read its structure, count and list the records of
a record-set query page by page, plot a numeric keyword against T_REC and export with
downloads. Every request runs in a thread worker (`Requests`): only the newest answer of
each kind is shown, and answers from a server the user has since left are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import (
    DataTable,
    Footer,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from perda_tui.charts.model import Chart
from perda_tui.clients.drms import (
    DrmsArchive,
    DrmsConnectionError,
    HttpJsonClient,
    SeriesStructure,
    SeriesSummary,
    ServerConfig,
    custom_server,
    registered_servers,
    resolve_server,
)
from perda_tui.errors import describe
from perda_tui.tui.archive.export import ExportDialog, ExportTiming
from perda_tui.tui.archive.picker import Picker
from perda_tui.tui.archive.records import (
    PAGE_SIZE,
    TIME_KEY,
    default_keys,
    keyword_chart,
    page_rows,
    plottable_keys,
)
from perda_tui.tui.archive.requests import RequestAnswered, Requests
from perda_tui.tui.archive.series import SeriesList
from perda_tui.tui.archive.structure import StructurePanel
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.common.covered import blink_inputs
from perda_tui.tui.common.text import clean, literal
from perda_tui.tui.help import InfoModal
from perda_tui.tui.stylesheets import stylesheet

if TYPE_CHECKING:
    import pandas as pd

    from perda_tui.config import Settings

CUSTOM = "custom"
#: The widget that takes the focus when a tab is opened with its key.
TAB_FOCUS = {"tab-structure": "#structure", "tab-records": "#records", "tab-plot": "#plot-key"}
#: From this width on, the structure is a sidebar beside the records instead of a tab.
SIDEBAR_WIDTH = 140
#: Actions on printable keys: off while a text field has the focus (it takes those keys).
TYPED_KEY_ACTIONS = frozenset({"focus_filter", "show_tab", "export", "page"})
#: Seconds before a DRMS request is given up (the server is then reported unreachable).
REQUEST_TIMEOUT = 20.0


class ArchiveScreen(Screen[None]):
    """The DRMS archive browser."""

    CSS_PATH = stylesheet("archive.tcss")
    AUTO_FOCUS = "#series-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Most important first: the footer shows them in this order. Keys that must work
        # while typing in a field are Ctrl keys (fields take every printable key).
        Binding("escape", "app.open_mode('logs')", "Back", id="archive.back"),
        Binding("ctrl+s", "pick_server", "Server", id="archive.server"),
        Binding("slash", "focus_filter", "Filter", id="archive.filter"),
        Binding("1", "show_tab('tab-structure')", "Structure", id="archive.structure"),
        Binding("2", "show_tab('tab-records')", "Records", id="archive.records"),
        Binding("3", "show_tab('tab-plot')", "Plot", id="archive.plot"),
        Binding("e", "export", "Export", id="archive.export"),
        Binding("ctrl+o", "full_message", "Full message", id="archive.message"),
        Binding("right_square_bracket", "page(1)", "Next page", id="archive.next_page"),
        Binding("left_square_bracket", "page(-1)", "Prev page", id="archive.prev_page"),
        Binding("ctrl+r", "reload", "Reload", id="archive.reload"),
    ]

    def __init__(self, settings: Settings, server: str | ServerConfig | None = None) -> None:
        """Browse `server` (a registered name, a CGI URL or a config), by default the one
        of `settings.drms_server`; the picker offers the registered servers."""
        super().__init__()
        self.settings = settings
        self._servers = registered_servers()
        self._server_arg = server
        self.export_timing = ExportTiming()
        """How the export dialog polls and when it gives up."""
        self.requests = Requests(self, self._failed)
        self.archive: DrmsArchive | None = None
        self._left: list[DrmsArchive] = []  # servers the user left, closed on unmount
        self.series: list[SeriesSummary] = []
        self.structure: SeriesStructure | None = None
        self.frame: pd.DataFrame | None = None
        self.count: int | None = None
        self.page = 0
        self.query_text = ""
        self._keys: list[str] = []
        self._email = ""
        self.message = ""
        """The whole text of the message line."""

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        key, url = self._initial_choice()
        options = [(config.name, name) for name, config in self._servers.items()]
        with Horizontal(id="archive-servers"):
            yield Label("DRMS server ", id="server-label")
            yield Picker(
                [*options, ("Custom URL…", CUSTOM)],
                value=key,
                allow_blank=False,
                id="server-select",
                compact=True,
            )
            yield Input(
                url,
                placeholder="CGI base URL, e.g. http://host/cgi-bin/ajax/",
                id="server-url",
                compact=True,
            )
        yield Static("", id="archive-message")
        with Horizontal(id="archive-body"):
            with Vertical(id="archive-left"):
                yield Input(placeholder="regex, e.g. hmi\\.m_", id="series-filter", compact=True)
                yield SeriesList(id="series-list")
            with TabbedContent(id="archive-tabs", initial="tab-structure"):
                with TabPane("Structure", id="tab-structure"):
                    yield StructurePanel(id="structure")
                with TabPane("Records", id="tab-records"):
                    yield Input(
                        placeholder="record set, e.g. hmi.M_45s[2024.01.01_00:00/1h]",
                        id="query",
                        compact=True,
                    )
                    yield Input(placeholder="keywords, comma separated", id="keys", compact=True)
                    yield Static("Enter a record set and press Enter.", id="records-count")
                    yield DataTable(id="records", zebra_stripes=True, cursor_type="row")
                with TabPane("Plot", id="tab-plot"):
                    yield Picker([], prompt="keyword to plot", id="plot-key", compact=True)
                    yield ChartView(id="plot")
            yield StructurePanel(id="structure-side")
        yield Footer()

    def _initial_choice(self) -> tuple[str, str]:
        """(picker key, custom URL) from the constructor argument or the settings."""
        wanted = self._server_arg if self._server_arg is not None else self.settings.drms_server
        if isinstance(wanted, ServerConfig):
            self._servers.setdefault(wanted.name.lower(), wanted)
            return wanted.name.lower(), ""
        if wanted.strip().lower() in self._servers:
            return wanted.strip().lower(), ""
        return CUSTOM, wanted.strip()

    def on_mount(self) -> None:
        key, url = self._initial_choice()
        self.query_one("#server-url", Input).display = key == CUSTOM
        if key == CUSTOM:
            self._connect_url(url)
        else:
            self.connect(self._servers[key])

    def on_screen_suspend(self) -> None:
        blink_inputs(self, False)

    def on_screen_resume(self) -> None:
        blink_inputs(self, True)

    def on_unmount(self) -> None:
        for archive in (*self._left, self.archive):
            if archive is not None:
                archive.close()

    # -- server ---------------------------------------------------------------------------

    def connect(self, config: ServerConfig) -> None:
        """Use `config` from now on: reload the series list, forget the previous server."""
        if self.archive is not None:
            # not closed yet: a request may still be reading from it in its thread
            self._left.append(self.archive)
        self.requests.forget()
        verify = not self.settings.insecure
        archive = DrmsArchive(HttpJsonClient(config, timeout=REQUEST_TIMEOUT, verify=verify))
        self.archive = archive
        self.series, self.structure, self.frame, self.count = [], None, None, None
        self.query_one("#series-list", SeriesList).set_items([])
        for panel in self.query(StructurePanel):
            panel.show_text("Highlight a series to read its structure.")
        self._clear_records("Enter a record set and press Enter.")
        self._say(f"Loading the series list of {config.name}…")
        self.requests.start(
            "series", "Loading the series list", archive.series, self._series_loaded
        )

    def _connect_url(self, url: str) -> None:
        if not url:
            self._say("Enter the CGI base URL of a DRMS server and press Enter.")
            self.query_one("#server-url", Input).focus()
            return
        try:
            config = resolve_server(url) if "://" not in url else custom_server(url)
        except ValueError as exc:
            self._say(f"{describe(exc)}. Ctrl+S picks another server.", error=True)
            return
        self.connect(config)

    @on(Select.Changed, "#server-select")
    def _server_changed(self, event: Select.Changed) -> None:
        url_input = self.query_one("#server-url", Input)
        url_input.display = event.value == CUSTOM
        if event.value == CUSTOM:
            self._connect_url(url_input.value.strip())
        else:
            config = self._servers[str(event.value)]
            failed = self.query_one("#archive-message").has_class("error")
            if self.archive is None or self.archive.server is not config or failed:
                self.connect(config)

    @on(Input.Submitted, "#server-url")
    def _url_submitted(self, event: Input.Submitted) -> None:
        self._connect_url(event.value.strip())

    def action_pick_server(self) -> None:
        """Open the server picker (from anywhere, also from a text field)."""
        picker = self.query_one("#server-select", Select)
        picker.focus()
        picker.expanded = True

    def action_reload(self) -> None:
        """Load the series list of the current server again."""
        if self.archive is not None:
            self.connect(self.archive.server)

    # -- series ---------------------------------------------------------------------------

    def on_request_answered(self, message: RequestAnswered) -> None:
        self.requests.answer(message)

    def _series_loaded(self, series: list[SeriesSummary]) -> None:
        self.series = series
        server = self.archive.server.name if self.archive else ""
        self._say(f"{len(self.series)} series on {server}. Type a regex to filter them.")
        self._show_series()

    @on(Input.Changed, "#series-filter")
    def _filter_changed(self) -> None:
        self._show_series()

    @on(Input.Submitted, "#series-filter")
    def _filter_submitted(self) -> None:
        series = self.query_one("#series-list", SeriesList)
        series.focus()
        if series.current is None:
            series.move_to(0)  # posts Highlighted, which reads the structure
        else:
            self._read_structure(series.current.name)

    def _show_series(self) -> None:
        pattern = self.query_one("#series-filter", Input).value.strip()
        try:
            regex = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            self._say(f"Not a valid regex: {exc}", error=True)
            return
        shown = [s for s in self.series if regex.search(s.name)]
        self.query_one("#series-list", SeriesList).set_items(shown)
        if pattern and self.series:
            self._say(f"{len(shown)} of {len(self.series)} series match “{pattern}”.")

    @on(SeriesList.Highlighted, "#series-list")
    def _series_highlighted(self, event: SeriesList.Highlighted) -> None:
        self._read_structure(event.series.name)

    def _read_structure(self, name: str | None) -> None:
        archive = self.archive
        if archive is not None and name:
            for panel in self.query(StructurePanel):
                panel.show_text(f"Reading {name}…")
            self.requests.start(
                "structure",
                f"Reading {name}",
                lambda: archive.structure(name),
                self._structure_loaded,
            )

    @on(SeriesList.Selected, "#series-list")
    def _series_selected(self) -> None:
        self.action_show_tab("tab-structure")

    def _structure_loaded(self, structure: SeriesStructure) -> None:
        self.structure = structure
        for panel in self.query(StructurePanel):
            panel.show(structure)
        current = self.query_one("#series-list", SeriesList).current
        name = current.name if current is not None else structure.name
        query = self.query_one("#query", Input)
        if not query.value.lower().startswith(structure.name.lower()):
            query.value = f"{name}[$]"
        self._keys = default_keys(structure)
        self.query_one("#keys", Input).value = ",".join(self._keys)

    # -- records --------------------------------------------------------------------------

    @on(Input.Submitted, "#query")
    @on(Input.Submitted, "#keys")
    def run_query(self) -> None:
        """Count the records of the query, then list the first page."""
        text = self.query_one("#query", Input).value.strip()
        keys = [k for k in re.split(r"[\s,]+", self.query_one("#keys", Input).value) if k]
        archive = self.archive
        if archive is None or not text:
            return
        self.query_text, self._keys, self.page, self.count, self.frame = text, keys, 0, None, None
        self._clear_records(f"Counting the records of {text}…")
        self.requests.start(
            "records", f"Querying {text}", lambda: archive.count(text), self._count_ready
        )

    def _count_ready(self, count: int) -> None:
        self.count = count
        self._set_count(f"{count} records; listing…" if count else "0 records match.")
        if count:
            self._load_page(0)

    def _load_page(self, page: int) -> None:
        """List the records up to the end of `page` (the records request of this query)."""
        archive, query, keys = self.archive, self.query_text, self._keys or [TIME_KEY]
        if archive is None:
            return

        def show(frame: pd.DataFrame) -> None:
            self._records_loaded(frame, page)

        self.requests.start(
            "records",
            f"Querying {query}",
            lambda: archive.records(query, keys, n=PAGE_SIZE * (page + 1)),
            show,
        )

    def _records_loaded(self, frame: pd.DataFrame, page: int) -> None:
        self.frame, self.page = frame, page
        self._show_page()
        if isinstance(self.focused, Input) and self.focused.id in ("query", "keys"):
            self.query_one("#records", DataTable).focus()
        self._update_plot_keys()

    def action_page(self, step: int) -> None:
        """Show the next (`1`) or previous (`-1`) page, fetching more records if needed."""
        if self.frame is None or self.count is None or self.archive is None:
            return
        page = self.page + step
        if page < 0 or page * PAGE_SIZE >= self.count:
            return
        if len(self.frame) >= min(self.count, (page + 1) * PAGE_SIZE):
            self.page = page
            self._show_page()
            return
        self._set_count(f"{self.count} records; loading page {page + 1}…")
        self._load_page(page)

    def _show_page(self) -> None:
        if self.frame is None:
            return
        table = self.query_one("#records", DataTable)
        table.clear(columns=True)
        table.add_columns(*(clean(c) for c in self.frame.columns))
        rows = page_rows(self.frame, self.page)
        table.add_rows(rows)
        self.refresh_bindings()
        first = self.page * PAGE_SIZE + 1
        total = self.count if self.count is not None else len(self.frame)
        pages = max(1, -(-total // PAGE_SIZE))
        self._set_count(
            f"{total} records; {first}-{first + len(rows) - 1}, page {self.page + 1} of {pages} "
            "([ ] to page)"
        )

    def _clear_records(self, text: str) -> None:
        self.query_one("#records", DataTable).clear(columns=True)
        self._set_count(text)
        self.refresh_bindings()

    def _set_count(self, text: str) -> None:
        self.query_one("#records-count", Static).update(literal(text))

    # -- plot -----------------------------------------------------------------------------

    def _update_plot_keys(self) -> None:
        if self.frame is None:
            return
        select = self.query_one("#plot-key", Select)
        keys = plottable_keys(self.frame)
        previous = select.value
        select.set_options([(k, k) for k in keys])
        if keys:
            select.value = previous if previous in keys else keys[0]
            self.draw_plot()
        else:
            hint = Chart(title=f"Nothing to plot: list {TIME_KEY} and a numeric keyword.")
            self.query_one("#plot", ChartView).draw(lambda _w, _h: hint)

    @on(Select.Changed, "#plot-key")
    def draw_plot(self) -> None:
        """Draw the chosen keyword of the loaded records against T_REC."""
        key = self.query_one("#plot-key", Select).value
        if self.frame is None or not isinstance(key, str):
            return
        frame, structure = self.frame, self.structure
        self.query_one("#plot", ChartView).draw(lambda _w, _h: keyword_chart(frame, key, structure))

    def action_show_tab(self, tab: str) -> None:
        """Switch to a tab (structure, records, plot) and focus its main widget."""
        if tab == "tab-structure" and self.wide:
            self.query_one("#structure-side").focus()
            return
        self.query_one("#archive-tabs", TabbedContent).active = tab
        self.query_one(TAB_FOCUS[tab]).focus()

    @property
    def wide(self) -> bool:
        """Whether the structure is shown as a sidebar (terminal at least `SIDEBAR_WIDTH`)."""
        return self.size.width >= SIDEBAR_WIDTH

    def on_resize(self) -> None:
        tabs = self.query_one("#archive-tabs", TabbedContent)
        self.query_one("#structure-side").display = self.wide
        if self.wide:
            if tabs.active == "tab-structure":
                tabs.active = "tab-records"
            tabs.hide_tab("tab-structure")
        else:
            tabs.show_tab("tab-structure")

    def action_focus_filter(self) -> None:
        """Focus the series filter."""
        self.query_one("#series-filter", Input).focus()

    # -- export ---------------------------------------------------------------------------

    def action_export(self) -> None:
        """Open the export dialog for the current query (or the highlighted series)."""
        if self.archive is None:
            return
        server = self.archive.server
        if not server.supports("export"):
            self._say(
                f"{server.name} offers no exports. Ctrl+S picks JSOC or a custom server.",
                error=True,
            )
            return
        recordset = self.query_one("#query", Input).value.strip()
        dialog = ExportDialog(
            self.archive.client,
            recordset,
            self.settings.export_dir / "drms",
            email=self._email,
            timing=self.export_timing,
        )

        def finished(paths: list[Path] | None) -> None:
            self._email = dialog.entered_email  # offered again next time (this session only)
            if paths:
                self._say(f"Exported {len(paths)} file(s) to {paths[0].parent}")

        self.app.push_screen(dialog, finished)

    # -- errors ---------------------------------------------------------------------------

    def _failed(self, what: str, error: Exception) -> None:
        """Show why a request (`what`, e.g. "Reading hmi.M_45s") failed."""
        if self.archive is None:
            return
        server = self.archive.server
        if isinstance(error, DrmsConnectionError):
            cause = error.__cause__ or error
            self._say(
                f"Cannot reach the DRMS server {server.name} at {server.cgi_baseurl} "
                f"({describe(cause)}). Ctrl+S picks another server or a custom URL; "
                "Ctrl+R retries.",
                error=True,
            )
        else:
            self._say(f"{what} failed: {describe(error)}", error=True)
        if what.startswith("Querying"):
            self._set_count(f"{what} failed.")

    def _say(self, text: str, *, error: bool = False) -> None:
        """Show `text` on the message line (cut to one line; Ctrl+O shows all of it)."""
        self.message = text
        line = self.query_one("#archive-message", Static)
        line.update(literal(text))
        line.set_class(error, "error")
        self.refresh_bindings()

    def action_full_message(self) -> None:
        """Show the whole message line in a box."""
        self.app.push_screen(InfoModal("Message", literal(self.message, single_line=False)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the full message only when the line cuts it, paging only when it pages."""
        if action == "full_message":
            return len(self.message) > self.query_one("#archive-message").content_size.width
        if action in TYPED_KEY_ACTIONS and isinstance(self.focused, Input):
            return False  # the key is typed into the field instead
        if action == "page":
            return self.frame is not None and (self.count or 0) > PAGE_SIZE
        return True
