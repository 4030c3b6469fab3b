"""`PlotScreen`: signals of one log on a chart, with search, zoom, A/B cursors, stats,
layouts and export.

Left: search box and signal list (Space toggles a signal), then the selected signals
with their colours, axis side and value at cursor A. Right: the visible window and
cursors, the chart (overlay or stacked, decimated for its width in a worker). Below:
the window's statistics, or the A/B readout once both cursors are placed.
"""

from __future__ import annotations

import contextlib
import math
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer, Header, OptionList, Static

from perda_tui.charts.envelope import Envelope
from perda_tui.charts.model import MAX_SERIES, Chart, Series
from perda_tui.charts.raster import DOTS_X
from perda_tui.charts.series import GAP_PERIODS, envelope_series, typical_step, unit_of
from perda_tui.config import config_dir
from perda_tui.errors import describe
from perda_tui.tui.common.chart_view import Builder, ChartView
from perda_tui.tui.common.heap import release_heap, settle_heap
from perda_tui.tui.common.prompt import ConfirmScreen, PromptScreen
from perda_tui.tui.plot.analysis_keys import AnalysisKeys
from perda_tui.tui.plot.details import DetailsScreen, problems_summary
from perda_tui.tui.plot.layout_picker import LayoutChoice, LayoutPicker
from perda_tui.tui.plot.layouts import Layout, LayoutError, LayoutStore
from perda_tui.tui.plot.panels import SelectionPanel, SignalPicker, StatsTable
from perda_tui.tui.plot.view import (
    PAN_FRACTION,
    ZOOM_FACTOR,
    Sample,
    Selected,
    Selection,
    Window,
    jump,
    min_span,
    next_sample,
    pan,
    parse_window,
    raw_time,
    sample_at,
    seconds_text,
    zoom,
)
from perda_tui.tui.stylesheets import stylesheet

if TYPE_CHECKING:
    from perda_tui.logs import Log, Signal, SignalStats

#: Statistics wait until the window has been still this long (seconds): a burst of
#: zoom/pan keys computes them once, and never delays a redraw.
STATS_DELAY = 0.2
#: Suffixes `e` writes as Parquet; anything else is CSV.
PARQUET_SUFFIXES = (".parquet", ".pq")
#: A log opened without a layout shows this many of its busiest signals.
FIRST_VIEW_SIGNALS = 2


class PlotScreen(AnalysisKeys):
    """Plot the signals of `log` (shown as `source_name`)."""

    CSS_PATH = stylesheet("plot.tcss")

    #: Most important first: a narrow footer shows the first ones ("Back" always).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="plot.back"),
        Binding("space", "toggle_signal", "Toggle", id="plot.toggle"),
        Binding("slash", "search", "Search", id="plot.search"),
        Binding("plus", "zoom_in", "Zoom in", key_display="+", id="plot.zoom_in"),
        Binding("minus", "zoom_out", "Zoom out", key_display="-", id="plot.zoom_out"),
        Binding("c", "cursor_a", "Cursor A", id="plot.cursor"),
        Binding("b", "cursor_b", "Cursor B", id="plot.cursor_b"),
        Binding("l", "stacked", "Stacked", id="plot.stacked"),
        Binding("m", "markers", "Markers", id="plot.markers"),
        Binding("L", "layouts", "Layouts", id="plot.layouts"),
        Binding("g", "goto", "Go to", id="plot.goto"),
        Binding("e", "export", "Export", id="plot.export"),
        Binding("w", "details", "Details", id="plot.details"),
        Binding("t", "clock", "Clock time", id="plot.clock"),
        Binding("y", "toggle_axis", "2nd axis", id="plot.axis"),
        Binding("0", "reset", "Reset", id="plot.reset"),
        Binding("left", "left", "Pan/cursor left", show=False, id="plot.left"),
        Binding("right", "right", "Pan/cursor right", show=False, id="plot.right"),
        Binding("shift+left", "left(10)", "Cursor 10 left", show=False, id="plot.left_fast"),
        Binding("shift+right", "right(10)", "Cursor 10 right", show=False, id="plot.right_fast"),
        Binding("left_square_bracket", "sample(-1)", "Previous sample", show=False, id="plot.prev"),
        Binding("right_square_bracket", "sample(1)", "Next sample", show=False, id="plot.next"),
        Binding("down", "focus_list", "Signal list", show=False, id="plot.list"),
    ]

    def __init__(
        self,
        log: Log,
        source_name: str,
        *,
        export_dir: Path,
        layouts: LayoutStore | None = None,
        layout: Layout | None = None,
    ) -> None:
        """`layouts` keeps named and per-log layouts (default: in the config folder);
        `layout` is shown first, as it is (default: the one last used for `source_name`,
        else the team default, else the log's busiest signals)."""
        super().__init__()
        self.source_log = log
        self.source_name = source_name
        self.export_dir = export_dir
        self.origin = log.start_time or 0
        self.seconds_per_unit = float(log.seconds_per_unit)
        duration = ((log.end_time or 0) - self.origin) * self.seconds_per_unit
        self.bounds = Window(0.0, duration if duration > 0 else 1.0)
        self.window = self.bounds
        self.selection = Selection()
        self.cursor: float | None = None
        """Cursor A (seconds from the start); `cursor_b` is cursor B."""
        self.cursor_b: float | None = None
        self.b_active = False
        """Which cursor ←/→ and [/] move: B if True, else A."""
        self.stacked = False
        self.markers = False
        self.layouts = layouts or LayoutStore(config_dir())
        self._opening = layout
        self._highlighted: str | None = None  # the signal list's highlighted signal
        self.clock = False
        self._envelopes: dict[str, tuple[Envelope, float, float]] = {}
        self._stats_timer: Timer | None = None
        self._heap_frozen = False
        # set before mounting: the Header watches these and would race its own children
        self.title = "Plot"
        self.sub_title = source_name

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="plot-side"):
                yield SignalPicker(self.source_log, self.selection, id="signal-picker")
                yield SelectionPanel(id="selection")
            with Vertical(id="plot-main"):
                problems = problems_summary(self.source_log)
                yield Static(problems, id="plot-problems", markup=False).set_class(
                    not problems, "-hidden"
                )
                yield Static(id="plot-status")
                yield ChartView(id="chart")
        yield StatsTable(id="stats")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#signal-search").focus()
        # on 16-colour terminals the app runs an ANSI theme: tell lines apart by markers
        self.markers = self.app.theme.startswith("ansi")
        layout = self._opening
        if layout is None:
            layout = self.layouts.opening(self.source_name, self.source_log)
        if layout is None:
            layout = first_view(self.source_log)
        if layout is not None:
            self.apply_layout(layout)
        self.refresh_view(selection=True)

    def on_unmount(self) -> None:
        """Remember the layout for the next time this log is opened."""
        if self._heap_frozen:
            release_heap()  # what this screen held can be collected again
        if self.selection.items:
            # the chart works without it; nothing to tell once the screen is gone
            with contextlib.suppress(OSError):
                self.layouts.remember(self.source_name, self.current_layout())

    def current_layout(self) -> Layout:
        """The chart's signals, axis sides, mode and window."""
        window = None if self.window == self.bounds else (self.window.start, self.window.end)
        return Layout(
            tuple(self.selected_names()),
            tuple(i.name for i in self.selection.items if i.right_axis),
            self.stacked,
            window,
        )

    def apply_layout(self, layout: Layout) -> None:
        """Show `layout`'s signals (those in this log), axis sides, mode and window."""
        self.selection = Selection()
        for name in layout.signals[:MAX_SERIES]:
            if name in self.source_log and name not in self.selection:
                self.selection.toggle(name)
                if name in layout.right:
                    self.selection.toggle_axis(name)
        self.picker.selection = self.selection
        self.stacked = layout.stacked
        self.window = self.bounds
        if layout.window is not None:
            with contextlib.suppress(ValueError):  # outside this log: show all of it
                self.window = jump(*layout.window, self.bounds)
        self.cursor = self.cursor_b = None

    @property
    def chart(self) -> ChartView:
        return self.query_one(ChartView)

    @property
    def picker(self) -> SignalPicker:
        return self.query_one(SignalPicker)

    # ------------------------------------------------------------------ PlotContext

    def highlighted_name(self) -> str | None:
        """The signal under the list cursor, else the first selected one."""
        name = self.picker.highlighted
        if name is None and self.selection.items:
            return self.selection.items[0].name
        return name

    def selected_names(self) -> list[str]:
        """The signals on the chart, in the order they were picked."""
        return [item.name for item in self.selection.items]

    def cursor_a(self) -> float | None:
        """Cursor A in seconds from the start of the log (None: not placed)."""
        return self.cursor

    def set_cursor_a(self, seconds: float) -> None:
        """Place cursor A at `seconds` (clamped to the log) and select it, showing it in
        the window."""
        self.b_active = False
        self.move_cursor(seconds)

    def signals_changed(self) -> None:
        """The log gained or lost signals (computed channels): refresh list and selection."""
        for item in list(self.selection.items):
            if item.name not in self.source_log:
                self.selection.toggle(item.name)
        self._envelopes = {k: v for k, v in self._envelopes.items() if k in self.source_log}
        self.picker.show_matches()
        self.refresh_view(selection=True)

    # ------------------------------------------------------------------ state → screen

    def refresh_view(self, *, stats: bool = True, selection: bool = False) -> None:
        """Show the current window and cursor everywhere (and the selection, if it changed)."""
        theme = self.chart.chart_theme
        if selection or self.picker.theme != theme or self.picker.markers != self.markers:
            self.picker.theme = theme
            self.picker.markers = self.markers
            self.picker.restyle()
        samples = self.cursor_samples() if self.cursor is not None else None
        items, markers, status = list(self.selection.items), self.markers, self.status_text()

        def shown() -> None:
            """The panel and status line change with the chart they describe."""
            self.query_one(SelectionPanel).show(items, theme, samples, markers)
            self.query_one("#plot-status", Static).update(Text(status), layout=False)

        self.chart.draw(self.chart_builder(), shown)
        if stats:
            if self._stats_timer is not None:
                self._stats_timer.stop()
            cursors = self.cursors()
            request = (self.window, list(self.selection.items), cursors)
            self._stats_timer = self.set_timer(STATS_DELAY, lambda: self._compute_stats(*request))

    def cursors(self) -> tuple[float, float] | None:
        """(A, B) when both cursors are placed."""
        if self.cursor is None or self.cursor_b is None:
            return None
        return self.cursor, self.cursor_b

    def on_chart_view_drawn(self, _event: ChartView.Drawn) -> None:
        if self.picker.theme != self.chart.chart_theme:  # the app theme changed
            self.refresh_view()

    def status_text(self) -> str:
        """The line above the chart: visible window, cursor, time axis mode."""
        w = self.window
        text = f"{self.time_label(w.start)}-{self.time_label(w.end)}"
        text += f" of {seconds_text(self.bounds.end)}"
        if self.cursor is not None:
            text += f" · A {self.time_label(self.cursor)}"
        if self.cursor_b is not None:
            text += f" · B {self.time_label(self.cursor_b)}"
            if self.cursor is not None:
                text += f" · Δt {self.cursor_b - self.cursor:+.4g} s"
        if self.cursor is not None or self.cursor_b is not None:
            text += f" · ←/→ [/] move {'B' if self.b_active else 'A'}"
        return text + (" · wall clock" if self.clock else "")

    def time_label(self, seconds: float) -> str:
        """A time in the current axis mode: wall clock (`Log.wall_clock`) or M:SS from the start."""
        if self.clock:
            moment = self.source_log.wall_clock(
                raw_time(seconds, self.origin, self.seconds_per_unit)
            )
            if moment is not None:
                return moment.strftime("%H:%M:%S.%f")[:10]
        return seconds_text(seconds)

    def cursor_samples(
        self, at: float | None = None, items: list[Selected] | None = None
    ) -> dict[str, Sample | None]:
        """Each signal's sample at or before `at` (default: cursor A); default signals:
        the selected ones."""
        seconds = self.cursor if at is None else at
        assert seconds is not None
        raw = raw_time(seconds, self.origin, self.seconds_per_unit)
        return {
            item.name: sample_at(
                self.source_log[item.name], raw, self.origin, self.seconds_per_unit
            )
            for item in (self.selection.items if items is None else items)
        }

    def _envelope(self, name: str) -> tuple[Envelope, float, float]:
        """The signal's decimation pyramid, gap threshold and typical sample period in
        seconds (built on first use)."""
        if name not in self._envelopes:
            signal = self.source_log[name]
            period = typical_step(signal.timestamps) * self.seconds_per_unit
            gap = GAP_PERIODS * period
            self._envelopes[name] = (Envelope(signal), gap if gap > 0 else math.inf, period)
        return self._envelopes[name]

    def chart_builder(self) -> Builder:
        """A snapshot of what the chart shows, drawn later in the chart's worker."""
        window, items = self.window, tuple(self.selection.items)
        # x is seconds after the first sample: its wall-clock time anchors the clock ticks
        clock_origin = self.source_log.wall_clock(self.origin) if self.clock else None
        highlighted = self.selection.get(self._highlighted or "")
        chart = Chart(
            x_range=(window.start, window.end),
            cursor=self.cursor,
            cursor_b=self.cursor_b,
            clock_origin=clock_origin,
            time_format="minutes",
            markers=self.markers,
            stacked=self.stacked,
            highlight=highlighted.slot if highlighted else None,
            message="Space adds the highlighted signal · L loads a layout",
        )

        def build(width: int, _height: int) -> Chart:
            # one envelope column per braille dot column
            series = [self._series(item, window, width * DOTS_X) for item in items]
            return replace(chart, series=series)

        return build

    def _series(self, item: Selected, window: Window, columns: int) -> Series:
        envelope, gap, _ = self._envelope(item.name)
        t0 = raw_time(window.start, self.origin, self.seconds_per_unit)
        t1 = raw_time(window.end, self.origin, self.seconds_per_unit)
        times, mins, maxs = envelope.decimate(t0, t1, columns)
        seconds = (times - self.origin) * self.seconds_per_unit
        return envelope_series(
            item.name,
            seconds,
            mins,
            maxs,
            slot=item.slot,
            right_axis=item.right_axis,
            gap=gap,
            unit=unit_of(envelope.signal.description),
        )

    @work(thread=True, exclusive=True, group="plot-stats", exit_on_error=False)
    def _compute_stats(
        self, window: Window, items: list[Selected], cursors: tuple[float, float] | None
    ) -> None:
        if cursors is None:
            t0, t1 = self._raw_bounds(window)
            rows = [(item, self.source_log[item.name].stats(t0, t1)) for item in items]
            self.app.call_from_thread(self._show_stats, rows)
            return
        a, b = cursors
        t0, t1 = self._raw_bounds(Window(min(a, b), max(a, b)))
        at_a, at_b = self.cursor_samples(a, items), self.cursor_samples(b, items)
        readout = [
            (item, at_a[item.name], at_b[item.name], self.source_log[item.name].stats(t0, t1))
            for item in items
        ]
        self.app.call_from_thread(self._show_readout, readout, cursors)

    def _units(self) -> dict[str, str]:
        """The unit of each selected signal, from its description."""
        return {
            name: unit_of(self.source_log[name].description)
            for name in self.selected_names()
            if name in self.source_log
        }

    def _show_stats(self, rows: list[tuple[Selected, SignalStats]]) -> None:
        table = self.query_one(StatsTable)
        table.units = self._units()
        table.show(rows, self.chart.chart_theme, self.markers)
        self._settle_heap()

    def _show_readout(
        self,
        rows: list[tuple[Selected, Sample | None, Sample | None, SignalStats]],
        cursors: tuple[float, float],
    ) -> None:
        table = self.query_one(StatsTable)
        table.units = self._units()
        table.show_readout(rows, cursors, self.chart.chart_theme, self.markers)
        self._settle_heap()

    def _settle_heap(self) -> None:
        """When statistics land (the keys have rested), tidy the heap out of the redraws' way.

        The first time (the screen is built): collect the garbage and freeze what lives,
        so Python's full collections, which each frame's short-lived rows keep triggering,
        scan only what was made since instead of the whole app (~100,000 objects, a
        50-250 ms stall of a redraw). Once only: what is frozen and later dies in a
        reference cycle waits for the unfreeze on unmount (~20,000 objects in the plot
        bench). Every later time: a full collection of the unfrozen objects (~45,000 in
        the plot bench, Textual's strip caches mostly), at rest rather than when Python's
        count of promoted objects comes due in the middle of a run of keys (a 60-130 ms
        stall of that key's redraw)."""
        settle_heap(freeze=not self._heap_frozen)  # nothing already garbage is frozen
        self._heap_frozen = True

    # ------------------------------------------------------------------ actions

    def action_details(self) -> None:
        """The full status line, the log's facts and its parse report (`w`)."""
        self.app.push_screen(DetailsScreen(self.source_log, self.source_name, self.status_text()))

    def action_search(self) -> None:
        self.query_one("#signal-search").focus()

    def action_focus_list(self) -> None:
        self.query_one("#signal-list", OptionList).focus()

    def on_signal_picker_toggled(self, event: SignalPicker.Toggled) -> None:
        self.toggle(event.name)

    def action_toggle_signal(self) -> None:
        name = self.picker.highlighted
        if name is not None:
            self.toggle(name)

    def toggle(self, name: str) -> None:
        """Add or remove a signal from the chart."""
        try:
            self.selection.toggle(name)
        except ValueError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.refresh_view(selection=True)

    def action_toggle_axis(self) -> None:
        name = self.picker.highlighted
        if name is None or name not in self.selection:
            self.notify(
                "highlight a signal on the chart (Space adds it) to move it", severity="warning"
            )
            return
        self.selection.toggle_axis(name)
        self.refresh_view(stats=False, selection=True)

    def set_window(self, window: Window) -> None:
        """Show `window`, keeping the cursors inside it."""
        self.window = window
        if self.cursor is not None:
            self.cursor = min(max(self.cursor, window.start), window.end)
        if self.cursor_b is not None:
            self.cursor_b = min(max(self.cursor_b, window.start), window.end)
        self.refresh_view()

    def narrowest(self) -> float:
        """The narrowest window: a few samples of the fastest signal on the chart."""
        names = self.selected_names() or [signal.name for signal in self.source_log]
        return min_span([self._envelope(name)[2] for name in names])

    def action_zoom_in(self) -> None:
        self.set_window(zoom(self.window, ZOOM_FACTOR, self.bounds, self.narrowest()))

    def action_zoom_out(self) -> None:
        self.set_window(zoom(self.window, 1 / ZOOM_FACTOR, self.bounds, self.narrowest()))

    def action_reset(self) -> None:
        self.set_window(self.bounds)

    def action_left(self, steps: int = 1) -> None:
        self._step(-steps)

    def action_right(self, steps: int = 1) -> None:
        self._step(steps)

    def _step(self, steps: int) -> None:
        """Pan the window, or with a cursor placed move it by `steps` chart columns."""
        if self.active_cursor() is None:
            self.set_window(pan(self.window, PAN_FRACTION * math.copysign(1, steps), self.bounds))
            return
        column = self.window.span / max(self.chart.size.width, 1)
        self.move_cursor((self.active_cursor() or 0.0) + steps * column)

    def active_cursor(self) -> float | None:
        """Where the cursor that ←/→ and [/] move is (None: neither is placed)."""
        return self.cursor_b if self.b_active else self.cursor

    def move_cursor(self, seconds: float) -> None:
        """Move the active cursor to `seconds` (within the log), scrolling the window to it."""
        seconds = min(max(seconds, self.bounds.start), self.bounds.end)
        if self.b_active:
            self.cursor_b = seconds
        else:
            self.cursor = seconds
        scrolled = not self.window.contains(seconds)
        if scrolled:
            span = self.window.span
            self.window = jump(seconds - span / 2, seconds + span / 2, self.bounds)
        self.refresh_view(stats=scrolled or self.cursors() is not None)

    def action_sample(self, step: int) -> None:
        """Move the active cursor to the previous/next sample of the highlighted signal."""
        name = self.highlighted_name()
        if name is None:
            self.notify("highlight a signal to step through its samples", severity="warning")
            return
        if self.active_cursor() is None:
            self.cursor, self.b_active = self.window.centre, False
        at = next_sample(
            self.source_log[name],
            self.active_cursor() or 0.0,
            step,
            self.origin,
            self.seconds_per_unit,
        )
        if at is None:
            self.notify(f"no {'later' if step > 0 else 'earlier'} sample of {name}")
            self.refresh_view(stats=False)
            return
        self.move_cursor(at)

    def action_cursor_a(self) -> None:
        """`c`: place cursor A (window centre), select it, or remove both cursors."""
        if self.cursor is None:
            self.cursor, self.b_active = self.window.centre, False
        elif self.b_active:
            self.b_active = False
        else:
            self.cursor = self.cursor_b = None
        self.refresh_view()

    def action_cursor_b(self) -> None:
        """`b`: place cursor B (a tenth of the window after A), select it, or remove it."""
        if self.cursor_b is None:
            if self.cursor is None:
                self.cursor = self.window.start + self.window.span * 0.4
            self.cursor_b = min(self.cursor + self.window.span / 10, self.window.end)
            self.b_active = True
        elif not self.b_active:
            self.b_active = True
        else:
            self.cursor_b, self.b_active = None, False
        self.refresh_view()

    def action_stacked(self) -> None:
        """`l`: one shared plot, or one panel per signal sharing the time axis."""
        self.stacked = not self.stacked
        self.refresh_view(stats=False)

    def action_markers(self) -> None:
        """`m`: markers along each line, to tell lines apart without colour."""
        self.markers = not self.markers
        self.refresh_view(selection=True)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """The highlighted signal is drawn on top: redraw when that changes the chart."""
        before = self.selection.get(self._highlighted or "")
        self._highlighted = event.option.id
        if before != self.selection.get(self._highlighted or ""):
            self.refresh_view(stats=False)

    def action_layouts(self) -> None:
        """`L`: load a named layout, save this one under a name, or delete one."""

        def done(choice: LayoutChoice | None) -> None:
            if choice is not None:
                self._layout_chosen(choice)

        self.app.push_screen(LayoutPicker(self.layouts.named(), self.source_log), done)

    def _layout_chosen(self, choice: LayoutChoice) -> None:
        try:
            if choice.action == "save":
                self.layouts.save(choice.name, self.current_layout())
                self.notify(f"layout {choice.name!r} saved")
            elif choice.action == "delete":
                self.layouts.delete(choice.name)
                self.notify(f"layout {choice.name!r} deleted")
            else:
                layout = self.layouts.named().get(choice.name)
                if layout is None:
                    self.notify(f"no layout {choice.name!r} any more", severity="warning")
                    return
                self.apply_layout(layout)
                self.refresh_view(selection=True)
        except (LayoutError, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.notify(f"layouts: {reason}", severity="error")

    def action_clock(self) -> None:
        if self.source_log.recording_time is None:
            self.notify(
                "this log has no recording time: only seconds from start", severity="warning"
            )
            return
        self.clock = not self.clock
        self.refresh_view(stats=False)

    def action_back(self) -> None:
        """Esc/q: from the search box to the list, else remove cursor B, then A, else
        close (the app decides what comes next)."""
        if self.focused is self.query_one("#signal-search"):
            self.action_focus_list()
        elif self.cursor_b is not None:
            self.cursor_b, self.b_active = None, False
            self.refresh_view()
        elif self.cursor is not None:
            self.cursor = None
            self.refresh_view()
        else:
            self.dismiss(None)

    def action_goto(self) -> None:
        def check(text: str) -> str | None:
            try:
                jump(*parse_window(text), self.bounds)
            except ValueError as exc:
                return str(exc)
            return None

        def done(answer: str | None) -> None:
            if answer:
                self.set_window(jump(*parse_window(answer), self.bounds))

        self.app.push_screen(
            PromptScreen(
                "Show the window (seconds or M:SS from the start)",
                placeholder="120-300 or 2:00-5:00",
                check=check,
            ),
            done,
        )

    def action_export(self, value: str | None = None) -> None:
        """Ask where to export the selected signals in the visible window (`e`)."""
        if not self.selection.items:
            self.notify("no signals on the chart to export", severity="warning")
            return
        w = self.window
        names = [i.name for i in self.selection.items]
        default = self.export_dir / f"{safe_stem(self.source_name)}_{w.start:.0f}-{w.end:.0f}s.csv"

        def done(answer: str | None) -> None:
            if not answer:
                return
            path = export_path(answer, self.export_dir)
            if not path.exists():
                self._export(path, w, names, overwrite=False)
                return

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._export(path, w, names, overwrite=True)
                else:  # keep the file and ask for another name
                    self.action_export(answer)

            self.app.push_screen(
                ConfirmScreen(
                    f"{path} exists. Overwrite it?", yes="overwrite", no="keep it, pick another"
                ),
                confirmed,
            )

        self.app.push_screen(
            PromptScreen(
                f"Export the selected signals in the visible window (.csv or .parquet) to a "
                f"file in {self.export_dir} or any path",
                value=value or str(default),
                check=lambda text: check_export_path(
                    export_path(text, self.export_dir), self.export_dir
                ),
            ),
            done,
        )

    @work(thread=True, group="plot-export", exit_on_error=False)
    def _export(self, path: Path, window: Window, names: list[str], *, overwrite: bool) -> None:
        from perda_tui.logs import export_csv, export_parquet

        signals: list[Signal] = [self.source_log[name] for name in names]
        start, end = self._raw_bounds(window)
        write = export_parquet if path.suffix.lower() in PARQUET_SUFFIXES else export_csv
        try:
            if path.parent == self.export_dir and not path.parent.is_dir():
                try:
                    path.parent.mkdir(parents=True)
                except OSError as exc:
                    self._tell(f"export failed: cannot create the folder {path.parent}", exc)
                    return
            write(
                signals,
                path,
                start,
                end,
                recording_time=self.source_log.recording_time,
                overwrite=overwrite,
            )
        except FileExistsError:
            message = f"not exported: {path} appeared meanwhile and was kept"
            self.app.call_from_thread(self.notify, message, severity="warning")
            return
        except (OSError, ValueError) as exc:
            self._tell(f"export failed: cannot write {path}", exc)
            return
        self.app.call_from_thread(self.notify, f"exported {len(signals)} signals to {path}")

    def _tell(self, what: str, exc: Exception) -> None:
        """From a worker: one error line, `what` and the reason (without the errno)."""
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else describe(exc)
        self.app.call_from_thread(self.notify, f"{what}: {reason}", severity="error")

    def _raw_bounds(self, window: Window) -> tuple[int, int]:
        """The window in raw units as integers: the same samples as the float bounds,
        without numpy converting every timestamp to float to compare."""
        start = math.ceil(raw_time(window.start, self.origin, self.seconds_per_unit))
        end = math.floor(raw_time(window.end, self.origin, self.seconds_per_unit))
        return start, end


def safe_stem(name: str) -> str:
    """A file-name stem from a log's name: letters, digits, `.`, `_` and `-` only."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).stem).strip("._")
    return stem[:80] or "log"


def export_path(text: str, export_dir: Path) -> Path:
    """The typed path; a relative one is inside the export folder (never the working dir)."""
    path = Path(text.strip()).expanduser()
    return path if path.is_absolute() else export_dir / path


def check_export_path(path: Path, export_dir: Path) -> str | None:
    """Why `path` cannot be an export file (one line), or None. The export folder itself
    is created when missing; any other missing folder is reported."""
    if not path.name or path.is_dir():
        return f"{path} is a folder: add a file name"
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        return f"{parent} is not a folder"
    if not parent.exists() and parent != export_dir:
        return f"no folder {parent}: create it first, or export to {export_dir}"
    return None


def first_view(log: Log) -> Layout | None:
    """A log's first view without a layout: its busiest signal that changes and the next
    busiest one (most samples first, then by name), on the right axis if its unit differs;
    None if no signal changes."""
    chosen: list[Signal] = []
    for signal in sorted(log, key=lambda s: (-len(s), s.name)):
        values = signal.values
        if len(values) > 1 and np.fmax.reduce(values) > np.fmin.reduce(values):
            chosen.append(signal)
            if len(chosen) == FIRST_VIEW_SIGNALS:
                break
    if not chosen:
        return None
    units = [unit_of(signal.description) for signal in chosen]
    right = tuple(s.name for s, unit in zip(chosen, units, strict=True) if unit != units[0])
    return Layout(tuple(signal.name for signal in chosen), right)
