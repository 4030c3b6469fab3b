"""The compare screen: marked logs load in parallel (a progress line each), then their
signals are overlaid, one panel per signal on a shared time axis, with a delta trace
and a summary table."""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from perda_tui.analysis.align import AlignError, Alignment
from perda_tui.analysis.compare import (
    Run,
    Stats,
    signal_stats,
    sort_rows,
    summary,
    summary_columns,
    summary_csv,
)
from perda_tui.charts.backend import rich_color
from perda_tui.charts.model import swatch_text
from perda_tui.charts.series import unit_of
from perda_tui.errors import describe
from perda_tui.progress import ProgressCallback
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.common.prompt import PromptScreen
from perda_tui.tui.common.text import clean, literal
from perda_tui.tui.compare.budget import ParseBudget
from perda_tui.tui.compare.charts import (
    ChartStack,
    Trace,
    delta_chart,
    frame_column,
    overlay_chart,
    time_window,
)
from perda_tui.tui.compare.footer import CoalescedFooter
from perda_tui.tui.compare.messages import (
    RunFailed,
    RunLoaded,
    RunProgress,
    RunStored,
    StatsReady,
)
from perda_tui.tui.compare.sizes import SHORT
from perda_tui.tui.errors import explain, is_session_expired
from perda_tui.tui.messages import SessionExpired
from perda_tui.tui.stylesheets import stylesheet
from perda_tui.units import duration, human_bytes

if TYPE_CHECKING:
    from collections.abc import Callable

    from perda_tui.analysis.compare import SummaryRow
    from perda_tui.charts.model import Chart
    from perda_tui.clients.dataserver import LogEntry
    from perda_tui.logs import Log
    from perda_tui.logs.store import PendingEntry
    from perda_tui.tui.messages import LogSource

#: Signals shown first when the runs have them: a speed and a power (first present each).
SPEEDS = ("gps.speed", "pcm.wheelSpeeds.frontLeft")
POWERS = ("ams.pack.power", "ams.pack.current", "ams.pack.voltage")
#: Most signals compared at once (one panel each).
MAX_SIGNALS = 4
#: Most metadata columns in the summary.
MAX_METADATA = 6
#: Metadata columns of the summary table until others are chosen (`k`).
METADATA = ("driver",)
#: Summary column titles where the key is not the title.
COLUMN_TITLES = {"duration_s": "duration"}
#: Manual nudge steps (seconds): `,` `.` small, `<` `>` large.
NUDGE_SMALL, NUDGE_LARGE = 0.1, 1.0


def column_title(key: str, runs: Sequence[Run]) -> str:
    """A summary column's title; an integral's says its unit: the signal's times seconds
    (`ams.pack.power integral [kW·s]`), from the first run that has the signal."""
    name, _, stat = key.partition(":")
    if stat != "integral":
        return COLUMN_TITLES.get(key, key.replace(":", " "))
    unit = next((unit_of(run.log[name].description) for run in runs if name in run.log), "")
    return f"{name} integral [{unit}·s]" if unit else f"{name} integral [·s]"


#: A summary cell whose figures are still being computed.
PENDING = "…"
#: Suggested event when switching to event alignment.
DEFAULT_EVENT = "gps.speed > 5"


def entry_metadata(entry: LogEntry) -> dict[str, str | float]:
    """A log entry's string and numeric metadata, and its tags comma-joined."""
    found: dict[str, str | float] = {**entry.string_metadata, **entry.numeric_metadata}
    if entry.tags:
        found["tags"] = ", ".join(entry.tags)
    return found


class RunSlot:
    """One marked log: where its loading stands and, once parsed, its run."""

    def __init__(self, entry: LogEntry) -> None:
        self.entry = entry
        self.state = "waiting"
        self.detail = "waiting…"
        self.run: Run | None = None


class CompareScreen(Screen[None]):
    """Overlay up to six runs; align at the start, an event or by hand; summarise."""

    CSS_PATH = stylesheet("compare.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="compare.back"),
        Binding("l", "laps", "Laps", id="compare.laps"),
        Binding("s", "next_signal", "Delta signal", id="compare.next_signal"),
        Binding("slash", "choose_signals", "Signals", key_display="/", id="compare.signals"),
        Binding("a", "align", "Align", id="compare.align"),
        Binding("d", "toggle_delta", "Delta", id="compare.delta"),
        Binding("n", "next_run", "Nudge run", id="compare.next_run"),
        Binding(
            "comma", "nudge(-0.1)", "Nudge -", key_display=",", show=False, id="compare.nudge_down"
        ),
        Binding(
            "full_stop", "nudge(0.1)", "Nudge +", key_display=".", show=False, id="compare.nudge_up"
        ),
        Binding(
            "less_than_sign", "nudge(-1.0)", "Nudge -1 s", show=False, id="compare.nudge_down_big"
        ),
        Binding(
            "greater_than_sign", "nudge(1.0)", "Nudge +1 s", show=False, id="compare.nudge_up_big"
        ),
        Binding("0", "reset_nudges", "Reset nudges", show=False, id="compare.reset"),
        Binding("o", "sort", "Sort", id="compare.sort"),
        Binding("O", "reverse", "Reverse sort", show=False, id="compare.reverse"),
        Binding("m", "markers", "Markers", show=False, id="compare.markers"),
        Binding("k", "metadata", "Metadata columns", show=False, id="compare.metadata"),
        Binding("x", "export", "Export CSV", id="compare.export"),
    ]

    def __init__(
        self,
        source: LogSource,
        entries: list[LogEntry],
        *,
        export_dir: Path,
        config_dir: Path,
    ) -> None:
        super().__init__()
        self.source = source
        self.slots = [RunSlot(entry) for entry in entries]
        self.export_dir = export_dir
        self.config_dir = config_dir
        self.signals: list[str] = []
        self.current = 0  # index into signals: the one the delta trace shows
        self.alignment = Alignment()
        self.event = DEFAULT_EVENT
        self.nudges: list[float] = [0.0] * len(entries)
        self.nudged = 0  # the run `,` and `.` move
        self.zeros: list[float] = []
        self.sort_column = "run"
        self.descending = False
        self.delta_on = False
        self.note = ""
        self.markers = False
        self.metadata = list(METADATA)
        self._cancel = threading.Event()
        self._parsing = ParseBudget.from_available_memory()
        self._stats: dict[tuple[int, str], Stats] = {}  # by (slot index, signal)
        self._computing: set[tuple[int, str]] = set()
        self._refresh_queued = False
        self._swapped = False  # a run swapped its parsed arrays since memory was returned
        # parsed forms to store once every run is drawn, by slot; filled by the workers
        self._pending: dict[int, PendingEntry] = {}
        self._arriving: set[int] = set()  # runs loaded whose RunLoaded is not handled yet
        self._charts: list[ChartView] = []  # those the latest refresh drew
        self._keys_enabled = False  # `_runs_usable` when the footer was last refreshed
        self.margin = 0  # cells left of the charts' frames: the widest y-axis labels yet

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        with Vertical(id="progress"):
            for index, slot in enumerate(self.slots):
                yield Static(literal(f"{slot.entry.name}: waiting…"), id=f"run-{index}")
        yield Static(id="legend")
        yield Vertical(id="panels")  # one ChartView per signal (`_panels`)
        yield ChartView(id="delta", classes="-hidden")
        yield DataTable(id="summary", cursor_type="row", zebra_stripes=True)
        yield Static(id="status")
        yield CoalescedFooter()

    def on_mount(self) -> None:
        # on 16-colour terminals the app runs an ANSI theme: tell runs apart by markers
        self.markers = self.app.theme.startswith("ansi")
        # room for every run from the start (header, rows, scroll bar; CSS caps it): runs
        # landing do not resize the charts, which would draw them again
        self.query_one("#summary", DataTable).styles.height = len(self.slots) + 2
        self._show_title()
        for index, slot in enumerate(self.slots):
            self._load(index, slot.entry)

    def on_resize(self) -> None:
        self.set_class(self.size.height < SHORT, "-short")

    def on_unmount(self) -> None:
        self._cancel.set()
        self._store_pending(swap=False)

    # -- loading -----------------------------------------------------------------------

    @work(thread=True, group="load", exit_on_error=False)
    def _load(self, index: int, entry: LogEntry) -> None:
        from perda_tui.parsed_cache import open_log_pending, reopen_log

        worker = get_current_worker()

        def report(stage: str) -> ProgressCallback:
            def progress(done: int, total: int) -> None:
                if worker.is_cancelled or self._cancel.is_set():
                    raise InterruptedError("cancelled")
                self.post_message(RunProgress(index, stage, done, total))

            return progress

        pending = None
        try:
            path = self.source.fetch(entry.key, report("download"), self._cancel)
            cache_dir = getattr(self.source, "cache_dir", None)  # a source may have no cache
            # stored forms open in milliseconds: a refresh waits for them (`_queued_refresh`)
            self._arriving.add(index)
            log = reopen_log(path, cache_dir)
            if log is None:
                self._arriving.discard(index)
                self.post_message(RunProgress(index, "queued", 0, 0))
                # downloads all run at once; parses as many as memory allows
                with self._parsing.hold(path.stat().st_size):
                    # a log parsed now is stored once every run is drawn (`_store_pending`)
                    log, pending = open_log_pending(path, cache_dir, progress=report("parse"))
        except Exception as exc:  # noqa: BLE001 - shown on this run's line; the others go on
            self._arriving.discard(index)
            if not self._cancel.is_set():
                self.post_message(RunFailed(index, exc))
            return
        if pending is not None:
            self._pending[index] = pending
            if self._cancel.is_set():  # the screen is going (else `on_unmount` writes it)
                pending.write()
        self._arriving.add(index)
        self.post_message(RunLoaded(index, log))

    def _reload(self, index: int) -> None:
        """Fetch and parse run `index` again (after signing in again)."""
        self._load(index, self.slots[index].entry)

    def on_run_progress(self, message: RunProgress) -> None:
        slot = self.slots[message.index]
        if slot.state in ("ready", "failed"):
            return
        # within a stage only the figures change: the line is repainted without laying
        # out the screen again (a layout per block parsed, four runs at once, took a
        # third of the UI thread while the logs loaded)
        same_stage = slot.state == message.stage
        slot.state = message.stage
        if message.stage == "queued":
            slot.detail = "waiting to parse…"
            if self.runs:  # a refresh may have waited for this run (`_arriving`)
                self._queue_refresh()
        else:
            verb = "downloading" if message.stage == "download" else "parsing"
            share = f" {message.done / message.total:.0%}" if message.total else ""
            done, total = human_bytes(message.done), human_bytes(message.total)
            slot.detail = f"{verb}{share} ({done} / {total})"
        self._show_slot(message.index, layout=not same_stage)

    def on_run_loaded(self, message: RunLoaded) -> None:
        slot = self.slots[message.index]
        self._arriving.discard(message.index)
        slot.state = "ready"
        slot.run = Run(slot.entry.name, message.log, entry_metadata(slot.entry))
        log = message.log
        slot.detail = f"✓ {len(log)} signals, {duration(log.duration_s)}"
        self._show_slot(message.index)
        self._after_load()

    def on_run_failed(self, message: RunFailed) -> None:
        slot = self.slots[message.index]
        if is_session_expired(message.error):
            # sign in again over this screen, then fetch this run again
            slot.detail = "session expired: sign in again…"
            self._show_slot(message.index)
            retry = partial(self._reload, message.index)
            self.app.post_message(SessionExpired(explain(message.error), retry))
            return
        slot.state = "failed"
        slot.detail = f"✗ {explain(message.error)}"
        self._show_slot(message.index)
        self.query_one(f"#run-{message.index}", Static).add_class("error")
        self._after_load()

    def _show_slot(self, index: int, *, layout: bool = True) -> None:
        slot = self.slots[index]
        label = f"{slot.run.label}" if slot.run else slot.entry.name
        line = self.query_one(f"#run-{index}", Static)
        line.update(literal(f"{label}: {slot.detail}"), layout=layout)

    @property
    def still_loading(self) -> bool:
        """True while some run is neither ready nor failed."""
        return any(slot.state not in ("ready", "failed") for slot in self.slots)

    @property
    def _runs_usable(self) -> bool:
        """Whether the keys that work on runs are enabled: some run loaded, or none
        loading any more (they then say there is nothing to show)."""
        return not self.still_loading or any(slot.run is not None for slot in self.slots)

    @property
    def runs(self) -> list[Run]:
        """The runs loaded so far, in the order they were marked."""
        return [slot.run for slot in self.slots if slot.run is not None]

    def _after_load(self) -> None:
        if self._keys_enabled != self._runs_usable:
            # `check_action` depends on what has loaded: the footer follows. Only on a
            # change: each refresh builds the footer again (a third of the UI thread's time
            # when four runs landed, each refreshing it)
            self._keys_enabled = self._runs_usable
            self.refresh_bindings()
        if not self.signals and self.runs:
            self.signals = default_signals(self.runs)
            self._panels(len(self.signals))  # laid out with the runs' lines, drawn after
        if not self.still_loading:
            failed = [slot for slot in self.slots if slot.state == "failed"]
            # the progress lines give way to the chart; failures stay listed
            for index, slot in enumerate(self.slots):
                self.query_one(f"#run-{index}", Static).set_class(slot.state == "ready", "-hidden")
            self.query_one("#progress").set_class(not failed, "-hidden")
        self._queue_refresh()

    def _queue_refresh(self) -> None:
        if not self._refresh_queued:  # runs landing together are drawn once, after them all
            self._refresh_queued = True
            self.call_after_refresh(self._queued_refresh)  # laid out without progress lines

    def _store_pending(self, *, swap: bool = True) -> None:
        """Store the parsed forms of the runs parsed here (each in its own thread); with
        `swap`, each run then uses its stored form (`RunStored`): mapped from disk, whose
        pages the system can reclaim, instead of the parsed arrays."""
        for index in list(self._pending):
            self._pending.pop(index).write(partial(self._stored, index) if swap else None)

    def _stored(self, index: int, log: Log | None) -> None:
        """In the writer's thread: run `index`'s parsed form is stored (`log`) or not (None)."""
        if log is not None:
            self.post_message(RunStored(index, log))

    def on_run_stored(self, message: RunStored) -> None:
        slot = self.slots[message.index]
        if slot.run is not None:
            slot.run = replace(slot.run, log=message.log)
            self._swapped = True
            self._queue_refresh()  # the charts let go of the parsed arrays

    @work(thread=True, group="memory", exit_on_error=False)
    def _return_memory(self) -> None:
        """Return the swapped-out parsed arrays' memory to the system (see `release`):
        a full collection first, for the arrays held only by reference cycles."""
        import gc

        from perda_tui.tui.compare.release import return_free_memory

        gc.collect()
        return_free_memory()

    def _queued_refresh(self) -> None:
        self._refresh_queued = False
        if not self._arriving:  # else drawn with that run, when its message is handled
            self.refresh_view()

    # -- drawing -----------------------------------------------------------------------

    def _traces(self, name: str) -> list[Trace]:
        """Signal `name` of each ready run that has samples of it (colour: the run's place)."""
        traces = []
        for slot_index, (slot, zero) in enumerate(
            zip(self._ready_slots(), self.zeros, strict=True)
        ):
            run = slot.run
            assert run is not None
            if name in run.log and len(run.log[name]):
                index = self.slots.index(slot)
                traces.append(Trace(run.label, run.log[name], zero, self.nudges[index], slot_index))
        return traces

    def _ready_slots(self) -> list[RunSlot]:
        return [slot for slot in self.slots if slot.run is not None]

    def _compute_zeros(self) -> None:
        self.zeros = []
        failed = []
        for slot in self._ready_slots():
            assert slot.run is not None
            try:
                self.zeros.append(self.alignment.zero(slot.run.log))
            except AlignError as exc:
                failed.append(f"{slot.entry.name}: {describe(exc)}")
                self.zeros.append(float(slot.run.log.start_time or 0))
        self.note = ("aligned at start instead: " + "; ".join(failed)) if failed else ""

    def refresh_view(self) -> None:
        """Redraw the charts, the summary and the status for the current choices."""
        self._show_title()
        self._show_legend()
        self._draw_charts()
        self._fill_summary()
        self._show_status()

    def _draw_charts(self) -> None:
        """A panel per signal with runs, and the delta trace, in one time window."""
        self._compute_zeros()  # of the runs ready now
        shown = [(name, traces) for name in self.signals if (traces := self._traces(name))]
        panels = self._panels(len(shown))
        markers = self.markers
        delta = self.query_one("#delta", ChartView)
        delta_traces = self._traces(self.signals[self.current]) if self.signals else []
        with_delta = bool(shown) and self.delta_on and len(delta_traces) > 1
        if shown:
            window = time_window([t for _, traces in shown for t in traces])
            builders: list[Callable[[int], Chart]] = [
                partial(_panel, traces, name, window, index == len(shown) - 1, markers)
                for index, (name, traces) in enumerate(shown)
            ]
            if with_delta:
                title = f"Δ {self.signals[self.current]}"
                builders.append(partial(_delta, delta_traces, title, window, markers))
            stack = ChartStack(builders, self.margin)
            charts = [*panels, delta] if with_delta else panels
            self._charts = charts
            for index, chart in enumerate(charts):
                chart.draw(stack.builder(index))
        delta.set_class(not with_delta, "-hidden")
        if not shown:
            self._charts = []
            self._after_charts()  # nothing to draw

    def _panels(self, count: int) -> list[ChartView]:
        """`count` signal panels, added or removed to match."""
        holder = self.query_one("#panels", Vertical)
        panels = list(holder.query_children(ChartView))
        for extra in panels[count:]:
            extra.remove()
        holder.styles.height = f"{max(count, 1)}fr"  # as tall as the delta trace, each
        added = [ChartView(classes="panel") for _ in range(count - len(panels))]
        if added:
            holder.mount_all(added)
        return [*panels[:count], *added]

    def _show_legend(self) -> None:
        """The runs' colours (and markers) once, above the panels."""
        theme = self.query_one("#delta", ChartView).chart_theme
        text = Text(no_wrap=True, overflow="ellipsis")
        for slot_index, slot in enumerate(self._ready_slots()):
            assert slot.run is not None
            swatch = swatch_text(slot_index, markers=self.markers)
            text.append(swatch, style=rich_color(theme.color(slot_index)))
            text.append(f" {clean(slot.run.label)}  ")
        self.query_one("#legend", Static).update(text)

    def on_chart_view_drawn(self, _message: ChartView.Drawn) -> None:
        """Keep the charts' frames, and so their time axes, lined up: when one's y-axis
        labels came out wider than the others' (`ChartStack` measures at one chart's
        height), all are drawn again with its margin (`charts.aligned`)."""
        charts = [c for c in self.query(ChartView) if c.display and c.drawn_generation]
        found = (frame_column(chart.plain_text()) for chart in charts)
        columns = {column for column in found if column is not None}
        widest = max(columns, default=0)
        if widest > self.margin:
            self.margin = widest
            if len(columns) > 1:
                self._draw_charts()
                return
        self._after_charts()

    def _after_charts(self) -> None:
        """Once the latest charts are all on screen: the summary's figures are computed,
        and once every run has loaded, their parsed forms are stored. Done alongside,
        either held the charts back (the workers share one interpreter lock)."""
        if not self.runs:
            return  # nothing has landed: nothing to summarise or store
        if all(chart.drawn_generation and chart.is_current for chart in self._charts):
            self._summarise_missing()
            if not self.still_loading:
                self._store_pending()
            if self._swapped:  # the charts now drawn hold the mapped forms only
                self._swapped = False
                self._return_memory()

    def _show_title(self) -> None:
        text = Text(f"Compare {len(self.slots)} runs", style="bold")
        if self.signals:
            count = len(self.signals)
            text.append(f" · {count} signal{'s' if count > 1 else ''}")
            if self.delta_on:
                text.append(f" · delta of {clean(self.signals[self.current])}")
        text.append(f" · aligned at {clean(str(self.alignment))}")
        self.query_one("#title", Static).update(text)

    def _show_status(self) -> None:
        status = self.query_one("#status", Static)
        if self.still_loading:
            done = sum(1 for slot in self.slots if slot.state in ("ready", "failed"))
            status.update(Text(f"Loading: {done} of {len(self.slots)} runs ready or failed…"))
            return
        ready = self._ready_slots()
        parts = []
        if ready:
            slot = self.slots[self.nudged]
            parts.append(
                f"nudge: {slot.entry.name} {self.nudges[self.nudged]:+.1f} s (n next, , . < >)"
            )
        parts.append(f"sort: {self.sort_column}{' ↓' if self.descending else ''}")
        if self.note:
            parts.append(self.note)
        status.update(literal(" · ".join(parts)))

    def _fill_summary(self) -> None:
        table = self.query_one("#summary", DataTable)
        table.clear(columns=True)
        runs = self.runs
        if not runs or not self.signals:
            return
        index_of = {id(slot.run): i for i, slot in enumerate(self.slots) if slot.run}
        missing = (math.nan, math.nan, math.nan, math.nan)

        def known(run: Run, name: str) -> Stats:
            return self._stats.get((index_of[id(run)], name), missing)

        rows = sort_rows(
            summary(runs, self.signals, self.metadata, known), self.sort_column, self.descending
        )
        label_width = max(len(clean(row.run.label)) for row in rows)
        for key in summary_columns(self.signals, self.metadata):
            title = column_title(key, runs)
            if key == self.sort_column:
                title += " ↓" if self.descending else " ↑"
            table.add_column(literal(title), width=label_width if key == "run" else None)
        for row in rows:
            index = index_of[id(row.run)]
            cells = [
                cell(v) if (index, name) in self._stats else PENDING
                for name in self.signals
                for v in row.stats[name]
            ]
            table.add_row(
                literal(row.run.label),
                duration(row.duration_s, decimals=1),
                *(literal(value) for value in row.metadata),
                *cells,
            )

    def _summarise_missing(self) -> None:
        """Start computing the summary figures not known yet (off the UI thread: the
        full-resolution arrays of a mapped log page in from disk)."""
        jobs = [
            (index, slot.run.log, name)
            for index, slot in enumerate(self.slots)
            if slot.run is not None
            for name in self.signals
            if (index, name) not in self._stats and (index, name) not in self._computing
        ]
        if jobs:
            self._computing.update((index, name) for index, _, name in jobs)
            self._summarise(jobs)

    @work(thread=True, group="stats", exit_on_error=False)
    def _summarise(self, jobs: list[tuple[int, Log, str]]) -> None:
        found: dict[tuple[int, str], Stats] = {}
        for index, log, name in jobs:
            try:
                found[(index, name)] = signal_stats(log, name)
            except Exception:  # noqa: BLE001 - e.g. a mapped log's file gone: "-", not "…" forever
                found[(index, name)] = (math.nan, math.nan, math.nan, math.nan)
        self.post_message(StatsReady(found))

    def on_stats_ready(self, message: StatsReady) -> None:
        self._stats.update(message.found)
        self._computing.difference_update(message.found)
        self._fill_summary()

    def _summary_now(self) -> list[SummaryRow]:
        """The summary rows in the chosen order, any figure not computed yet computed now."""
        index_of = {id(slot.run): i for i, slot in enumerate(self.slots) if slot.run}

        def figures(run: Run, name: str) -> Stats:
            key = (index_of[id(run)], name)
            return self._stats[key] if key in self._stats else signal_stats(run.log, name)

        rows = summary(self.runs, self.signals, self.metadata, figures)
        return sort_rows(rows, self.sort_column, self.descending)

    # -- keys --------------------------------------------------------------------------

    def action_back(self) -> None:
        """Back to the browser (loading stops)."""
        self._cancel.set()
        self.workers.cancel_group(self, "load")
        self.dismiss(None)

    def action_next_signal(self) -> None:
        """Show the delta of the next chosen signal."""
        if self.signals:
            self.current = (self.current + 1) % len(self.signals)
            self.refresh_view()

    def action_choose_signals(self) -> None:
        """Type the signals to compare, comma-separated."""
        known = {name for run in self.runs for name in run.log.names}

        def check(text: str) -> str | None:
            names = list(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
            unknown = [n for n in names if n not in known]
            if not names:
                return "type at least one signal name"
            if len(names) > MAX_SIGNALS:
                return f"at most {MAX_SIGNALS} signals (one panel each)"
            return f"no run has {', '.join(unknown[:3])}" if unknown else None

        def done(text: str | None) -> None:
            if text:
                self.signals = list(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
                self.current = 0
                self.margin = 0  # other signals, other labels
                self.refresh_bindings()
                self.refresh_view()

        prompt = PromptScreen(
            "Signals to compare (comma-separated)", value=", ".join(self.signals), check=check
        )
        self.app.push_screen(prompt, done)

    def action_metadata(self) -> None:
        """Type the metadata keys shown as summary columns (e.g. driver, track, tags)."""

        def done(text: str | None) -> None:
            if text is not None:
                keys = [k.strip() for k in text.split(",") if k.strip()]
                self.metadata = list(dict.fromkeys(keys))[:MAX_METADATA]
                self.refresh_view()

        keys = sorted({k for run in self.runs for k in run.metadata})
        prompt = PromptScreen(
            "Metadata columns (comma-separated)",
            value=", ".join(self.metadata),
            placeholder=", ".join(keys[:8]),
        )
        self.app.push_screen(prompt, done)

    def action_align(self) -> None:
        """Switch between start and event alignment (asks for the event)."""
        if self.alignment.mode == "event":
            self.alignment = Alignment()
            self.refresh_view()
            return

        def check(text: str) -> str | None:
            try:
                Alignment.parse(f"event:{text}")
            except AlignError as exc:
                return describe(exc)
            return None

        def done(text: str | None) -> None:
            if text:
                self.event = text.strip()
                self.alignment = Alignment.parse(f"event:{self.event}")
                self.refresh_view()

        prompt = PromptScreen(
            "Align where this first holds (e.g. gps.speed > 5)", value=self.event, check=check
        )
        self.app.push_screen(prompt, done)

    def action_next_run(self) -> None:
        """Choose the next run for the nudge keys."""
        self.nudged = (self.nudged + 1) % len(self.slots)
        self._show_status()

    def action_nudge(self, seconds: float) -> None:
        """Shift the chosen run along the time axis."""
        self.nudges[self.nudged] = round(self.nudges[self.nudged] + seconds, 3)
        self.refresh_view()

    def action_reset_nudges(self) -> None:
        """Undo every manual nudge."""
        self.nudges = [0.0] * len(self.slots)
        self.refresh_view()

    def action_markers(self) -> None:
        """Draw each run with its own marker (on by default with 16 colours)."""
        self.markers = not self.markers
        self.refresh_view()

    def action_toggle_delta(self) -> None:
        """Show or hide the delta trace (each run minus the first)."""
        self.delta_on = not self.delta_on
        self.refresh_bindings()
        self.refresh_view()

    def action_sort(self) -> None:
        """Sort the summary by the next column."""
        columns = summary_columns(self.signals, self.metadata)
        position = columns.index(self.sort_column) if self.sort_column in columns else -1
        self.sort_column = columns[(position + 1) % len(columns)]
        self.refresh_view()

    def action_reverse(self) -> None:
        """Reverse the summary's order."""
        self.descending = not self.descending
        self.refresh_view()

    def action_export(self) -> None:
        """Write the summary as CSV into the export folder."""
        from perda_tui.private_files import private_mkdir, private_write_atomic

        runs = self.runs
        if not runs:
            return
        rows = self._summary_now()
        path = self.export_dir / f"compare_{datetime.now():%Y%m%d_%H%M%S}.csv"
        try:
            private_mkdir(self.export_dir)
            private_write_atomic(path, summary_csv(rows, self.signals, self.metadata))
        except OSError as exc:
            self.notify(f"Export failed: {describe(exc)}", severity="error", markup=False)
            return
        self.notify(f"Summary written to {path}", markup=False)

    def action_laps(self) -> None:
        """Laps of the runs: lap table, lap overlay and time variance."""
        from perda_tui.tui.compare.laps import LapsScreen

        if self.runs:
            self.app.push_screen(LapsScreen(self.runs, self.signals, config_dir=self.config_dir))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("back",):
            return True
        if action == "next_signal":  # only the delta trace follows the chosen signal
            return self.delta_on and len(self.signals) > 1
        return self._runs_usable


def _panel(
    traces: list[Trace],
    name: str,
    window: tuple[float, float],
    last: bool,
    markers: bool,
    width: int,
) -> Chart:
    return overlay_chart(traces, width, name, window, axis_title=last, markers=markers)


def _delta(
    traces: list[Trace], title: str, window: tuple[float, float], markers: bool, width: int
) -> Chart:
    return delta_chart(traces, width, title, window, markers=markers)


def cell(value: float) -> str:
    """A summary figure as shown: four significant digits, "-" when undefined."""
    return "-" if math.isnan(value) else f"{value:.4g}"


def default_signals(runs: list[Run]) -> list[str]:
    """A speed and a power (or pack) signal the first run has, else its first signal."""
    first = runs[0].log
    chosen = [next((name for name in group if name in first), None) for group in (SPEEDS, POWERS)]
    return [name for name in chosen if name] or first.names[:1]
