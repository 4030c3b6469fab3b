"""The laps screen: every run's lap table, chosen laps overlaid by distance or time, and
the time variance of each against the first chosen lap (by default each run's best)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from perda_tui.analysis.lap_table import LapRow, lap_table
from perda_tui.analysis.laps import LapError, find_laps, parse_line
from perda_tui.analysis.tracks import LapSettings, load_lap_settings, save_line
from perda_tui.charts.model import MAX_SERIES
from perda_tui.errors import describe
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.common.prompt import PromptScreen
from perda_tui.tui.common.text import clean, literal
from perda_tui.tui.compare.charts import LapPick, lap_overlay_chart, variance_chart
from perda_tui.tui.compare.messages import LapsFound
from perda_tui.tui.compare.sizes import SHORT
from perda_tui.tui.stylesheets import stylesheet
from perda_tui.units import duration

if TYPE_CHECKING:
    from perda_tui.analysis.compare import Run
    from perda_tui.analysis.lap_overlay import DistanceSource
    from perda_tui.analysis.laps import Lap, Line

#: The overlay's signal when the compare screen chose none the runs have.
FALLBACK_SIGNAL = "gps.speed"
SELECTED_MARK = "►"


def lap_time(seconds: float) -> str:
    """`1:31.524`."""
    return duration(seconds, decimals=3)


class LapsScreen(Screen[None]):
    """Lap tables of the runs; Space picks laps to overlay (up to six)."""

    CSS_PATH = stylesheet("compare.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="laps.back"),
        Binding("space", "pick", "Pick lap", id="laps.pick"),
        Binding("t", "toggle_axis", "Distance/time", id="laps.axis"),
        Binding("w", "toggle_distance", "GPS/wheel distance", id="laps.distance"),
        Binding("s", "next_signal", "Next signal", id="laps.next_signal"),
        Binding("m", "markers", "Markers", show=False, id="laps.markers"),
        Binding("p", "pick_line", "Pick line on map", id="laps.pick_line"),
        Binding("L", "set_line", "Type line", key_display="L", id="laps.line"),
    ]

    def __init__(self, runs: list[Run], signals: list[str], *, config_dir: Path) -> None:
        super().__init__()
        self.runs = runs
        self.config_dir = config_dir
        self.signals = [s for s in signals if any(s in r.log for r in runs)] or [FALLBACK_SIGNAL]
        self.current = 0
        self.by: Literal["distance", "time"] = "distance"
        self.source: DistanceSource = "gps"
        self.tables: list[list[LapRow]] = [[] for _ in runs]
        self.problems: list[str] = ["" for _ in runs]
        self.picked: list[tuple[int, int]] = []  # (run index, row index) in pick order
        self._rows: list[tuple[int, int]] = []  # table row -> (run index, row index)
        self.settings = LapSettings()
        self.searching = True
        self.markers = False

    def compose(self) -> ComposeResult:
        yield Static(Text("Laps", style="bold"), id="title")
        yield ChartView(id="overlay")
        yield ChartView(id="variance")
        yield DataTable(id="laps", cursor_type="row", zebra_stripes=True)
        yield Static(Text("Finding laps…"), id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.markers = self.app.theme.startswith("ansi")  # 16 colours: markers tell laps apart
        self.query_one("#laps", DataTable).focus()
        self._find()

    def on_resize(self) -> None:
        self.set_class(self.size.height < SHORT, "-short")

    # -- finding laps --------------------------------------------------------------------

    def _find(self) -> None:
        self.searching = True
        try:
            self.settings = load_lap_settings(self.config_dir)
        except LapError as exc:
            self.settings = LapSettings()
            self.notify(describe(exc), severity="error", markup=False)
        self._search(self.settings)

    @work(thread=True, exclusive=True, group="laps", exit_on_error=False)
    def _search(self, settings: LapSettings) -> None:
        found: list[list[Lap] | str] = []
        for run in self.runs:
            strings = {k: str(v) for k, v in run.metadata.items()}
            line = settings.line_for(strings)
            try:
                if line is None and settings.beacon is None:
                    track = strings.get("track") or "(none)"
                    raise LapError(f"no start/finish line for track {track}: L sets one")
                beacon = settings.beacon if line is None else None
                found.append(find_laps(run.log, line=line, beacon=beacon))
            except LapError as exc:
                found.append(describe(exc))
        self.post_message(LapsFound(found))

    def on_laps_found(self, message: LapsFound) -> None:
        self.searching = False
        self.picked = []
        for index, (run, result) in enumerate(zip(self.runs, message.found, strict=True)):
            if isinstance(result, str):
                self.tables[index], self.problems[index] = [], result
            else:
                self.tables[index] = lap_table(run.log, result, self.settings.columns)
                self.problems[index] = ""
                best = next((i for i, row in enumerate(self.tables[index]) if row.best), None)
                if best is not None and len(self.picked) < MAX_SERIES:
                    self.picked.append((index, best))
        self._fill_table()
        self.refresh_view()

    # -- table and charts ----------------------------------------------------------------

    def _fill_table(self) -> None:
        table = self.query_one("#laps", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        columns = self.settings.columns
        titles = ["", "run", "lap", "time", "Δ best"]
        titles += [f"{c.title} [{c.unit}]" if c.unit else c.title for c in columns]
        table.add_columns(*(literal(title) for title in titles))
        self._rows = []
        for run_index, (run, rows) in enumerate(zip(self.runs, self.tables, strict=True)):
            for row_index, row in enumerate(rows):
                picked = (run_index, row_index) in self.picked
                table.add_row(
                    SELECTED_MARK if picked else "",
                    literal(run.label),
                    row.lap.label + (" *" if row.best else ""),
                    lap_time(row.seconds),
                    "" if row.delta is None else f"{row.delta:+.3f}",
                    *(
                        "-" if math.isnan(v) else f"{v:.{c.decimals}f}"
                        for c, v in zip(columns, row.figures, strict=True)
                    ),
                )
                self._rows.append((run_index, row_index))
        if self._rows:
            table.move_cursor(row=min(cursor, len(self._rows) - 1))

    def _picks(self) -> list[LapPick]:
        picks = []
        for slot, (run_index, row_index) in enumerate(self.picked):
            run = self.runs[run_index]
            lap = self.tables[run_index][row_index].lap
            picks.append(LapPick(run.log, lap, f"{run.name} lap {lap.label}", slot))
        return picks

    def refresh_view(self) -> None:
        """Redraw the overlay and the variance for the picked laps; update the status."""
        signal = self.signals[self.current]
        picks = self._picks()
        by, source, markers = self.by, self.source, self.markers
        title = Text.assemble(("Laps", "bold"), f" · {clean(signal)} by {by}")
        if by == "distance":
            title.append(f" ({source} distance)")
        self.query_one("#title", Static).update(title)
        if picks:
            self.query_one("#overlay", ChartView).draw(
                lambda width, _h: lap_overlay_chart(
                    picks, signal, width, by, source, markers=markers
                )
            )
        variance = self.query_one("#variance", ChartView)
        variance.set_class(len(picks) < 2, "-hidden")
        if len(picks) >= 2:
            variance.draw(lambda width, _h: variance_chart(picks, source, width, markers=markers))
        problems = [
            f"{run.name}: {problem}"
            for run, problem in zip(self.runs, self.problems, strict=True)
            if problem
        ]
        status = f"{len(picks)} laps picked (Space) · reference: the first picked"
        if problems:
            status = " · ".join(problems)
        self.query_one("#status", Static).update(literal(status))

    # -- keys ----------------------------------------------------------------------------

    def action_back(self) -> None:
        """Back to the compare screen."""
        self.dismiss(None)

    def action_pick(self) -> None:
        """Pick or drop the highlighted lap for the overlay."""
        table = self.query_one("#laps", DataTable)
        if not self._rows:
            return
        key = self._rows[table.cursor_row]
        if key in self.picked:
            self.picked.remove(key)
        elif len(self.picked) >= MAX_SERIES:
            self.notify(f"At most {MAX_SERIES} laps at once.", markup=False)
            return
        else:
            self.picked.append(key)
        self._fill_table()
        self.refresh_view()

    def action_toggle_axis(self) -> None:
        """Overlay by distance in the lap or by time in the lap."""
        self.by = "time" if self.by == "distance" else "distance"
        self.refresh_view()

    def action_toggle_distance(self) -> None:
        """Distance from the GPS track or from the integrated wheel speed."""
        self.source = "wheel" if self.source == "gps" else "gps"
        self.refresh_view()

    def action_markers(self) -> None:
        """Draw each lap with its own marker (on by default with 16 colours)."""
        self.markers = not self.markers
        self.refresh_view()

    def action_next_signal(self) -> None:
        """Overlay the next signal."""
        self.current = (self.current + 1) % len(self.signals)
        self.refresh_view()

    def _highlighted_run(self) -> Run:
        table = self.query_one("#laps", DataTable)
        return self.runs[self._rows[table.cursor_row][0] if self._rows else 0]

    def _store_line(self, track: str, line: Line | None) -> None:
        """Keep `line` for `track` in laps.toml and find the laps again."""
        if line is None:
            return
        try:
            path = save_line(self.config_dir, track, line)
        except (LapError, OSError) as exc:
            self.notify(describe(exc), severity="error", markup=False)
            return
        self.notify(f"Line for {track} stored in {path}", markup=False)
        self._find()

    def _track_of(self, run: Run) -> str | None:
        track = str(run.metadata.get("track", ""))
        if not track:
            self.notify("This log has no track name (metadata `track`).", markup=False)
            return None
        return track

    def action_pick_line(self) -> None:
        """Pick the highlighted run's start/finish line on its GPS track map."""
        from perda_tui.analysis.geo import find_gps
        from perda_tui.tui.compare.line_pick import LinePickScreen

        run = self._highlighted_run()
        track = self._track_of(run)
        gps = find_gps(run.log)
        if track is None:
            return
        if gps is None:
            self.notify("This log has no GPS position to pick on.", markup=False)
            return
        picker = LinePickScreen(run.log, gps[0].name, gps[1].name, track)
        self.app.push_screen(picker, lambda line: self._store_line(track, line))

    def action_set_line(self) -> None:
        """Type the start/finish line of the highlighted run's track (stored per track)."""
        run = self._highlighted_run()
        track = self._track_of(run)
        if track is None:
            return

        def check(text: str) -> str | None:
            try:
                parse_line(text)
            except LapError as exc:
                return describe(exc)
            return None

        def done(text: str | None) -> None:
            if text:
                self._store_line(track, parse_line(text))

        current = self.settings.line_for({k: str(v) for k, v in run.metadata.items()})
        prompt = PromptScreen(
            f"Start/finish line of {track}: LAT1,LON1,LAT2,LON2",
            value=",".join(f"{v:.7f}" for v in current) if current else "",
            check=check,
        )
        self.app.push_screen(prompt, done)
