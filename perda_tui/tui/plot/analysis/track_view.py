"""`TrackScreen`: the GPS track drawn to scale, coloured by a signal in bands, with the
plot screen's cursor A marked; ←/→ move cursor A along the run (the time chart follows),
`c` picks the colouring signal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label

from perda_tui.tui.common.prompt import PromptScreen
from perda_tui.tui.plot.analysis.dots import CellClass, DotCanvas, Marker, Picture, grid_size
from perda_tui.tui.stylesheets import stylesheet

if TYPE_CHECKING:
    from perda_tui.analysis.channels import TeamFile
    from perda_tui.analysis.geo import Track
    from perda_tui.analysis.trackmap import TrackMap
    from perda_tui.logs import Log

#: Colours of the bands, slow to fast: the bright ANSI hues, readable in 16 colours.
BAND_COLORS = ("bright_blue", "bright_cyan", "bright_green", "bright_yellow", "bright_red")
#: The colour of a track whose colouring signal is unknown.
PLAIN = "white"
#: ←/→ move cursor A by this many seconds (shift: ten times as far).
CURSOR_STEP_S = 1.0


@dataclass(frozen=True)
class CursorLink:
    """The plot screen's cursor A: read it, move it, and where it starts when unset
    (all in seconds from the log's start; `origin`/`seconds_per_unit` convert to raw)."""

    get: Callable[[], float | None]
    set: Callable[[float], None]
    default: float
    origin: int
    seconds_per_unit: float


def scaled(track: Track, columns: int, rows: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Dot column and row of each fix with one scale for x and y (metres per dot), the
    track centred; and that scale."""
    span_x = float(np.ptp(track.x)) if len(track) else 0.0
    span_y = float(np.ptp(track.y)) if len(track) else 0.0
    scale = max(span_x / max(columns - 1, 1), span_y / max(rows - 1, 1), 1e-9)
    mid_x = (float(track.x.min()) + float(track.x.max())) / 2
    mid_y = (float(track.y.min()) + float(track.y.max())) / 2
    col = np.rint((track.x - mid_x) / scale + (columns - 1) / 2).astype(np.int64)
    row = np.rint((track.y - mid_y) / scale + (rows - 1) / 2).astype(np.int64)
    return np.clip(col, 0, columns - 1), np.clip(row, 0, rows - 1), scale


def track_picture(
    data: TrackMap, columns: int, rows: int, cursor_raw: float | None
) -> tuple[Picture, float]:
    """The banded track on a `columns` x `rows` dot grid (the fastest band wins a dot),
    with an `A` where the car was at `cursor_raw`; and the metres per dot."""
    track = data.track
    col, row, scale = scaled(track, columns, rows)
    classes = np.full((rows, columns), -1, dtype=np.int64)
    band = np.where(data.band >= 0, data.band, len(BAND_COLORS))  # unknown: plain class
    np.maximum.at(classes, (row, col), band)
    looks = (*(CellClass(c) for c in BAND_COLORS), CellClass(PLAIN))
    markers: tuple[Marker, ...] = ()
    if cursor_raw is not None:
        index = int(np.searchsorted(track.timestamps, cursor_raw, side="right")) - 1
        if index >= 0:
            markers = (Marker(int(col[index]), int(row[index]), "A", "bold reverse"),)
    width_m = scale * columns
    picture = Picture(
        classes,
        looks,
        x_labels=("", f"{width_m:,.0f} m across · north up", ""),
        y_labels=("N ↑", "", ""),
        markers=markers,
    )
    return picture, scale


def legend(data: TrackMap) -> Text:
    """The bands' colours and value ranges."""
    if not data.colour:
        return Text("no colouring signal: c picks one")
    text = Text(f"{data.colour}: ")
    edges = data.edges
    for k, color in enumerate(BAND_COLORS[: len(edges) - 1]):
        text.append("█", style=color)
        text.append(f"{edges[k]:.3g}-{edges[k + 1]:.3g} ")
    return text


class TrackScreen(ModalScreen[None]):
    """The track map of `log` (GPS names and colouring names from `team`)."""

    CSS_PATH = stylesheet("analysis.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,M", "close", "Close", id="track.close"),
        Binding("left", "move(-1)", "Cursor A back", id="track.left"),
        Binding("right", "move(1)", "Cursor A on", id="track.right"),
        Binding("shift+left", "move(-10)", "Back 10 s", show=False, id="track.left_fast"),
        Binding("shift+right", "move(10)", "On 10 s", show=False, id="track.right_fast"),
        Binding("c", "colour", "Colour by", id="track.colour"),
    ]

    def __init__(self, log: Log, team: TeamFile | None, cursor: CursorLink) -> None:
        from perda_tui.analysis.channels import TeamFile

        super().__init__()
        self.source_log = log
        self.team = team or TeamFile()
        self.cursor = cursor
        self.colour_name: str | None = None
        self.data: TrackMap | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="analysis-box"):
            yield Label("Track map · computing…", id="track-title", classes="analysis-title")
            yield DotCanvas(id="track-canvas")
            yield Label("", id="track-legend", classes="analysis-legend", markup=False)
        yield Footer()

    def on_dot_canvas_resized(self, _event: DotCanvas.Resized) -> None:
        self._redraw()

    def _redraw(self) -> None:
        canvas = self.query_one(DotCanvas)
        if canvas.size.area:
            self._compute(canvas.size.width, canvas.size.height, self.colour_name)

    @work(thread=True, exclusive=True, group="track", exit_on_error=False)
    def _compute(self, width: int, height: int, colour_name: str | None) -> None:
        from perda_tui.analysis.geo import track
        from perda_tui.analysis.trackmap import colour_signal, track_map

        data = self.data
        if data is None or (colour_name is not None and data.colour != colour_name):
            found = track(self.source_log, self.team.gps)
            if found is None:
                self.app.call_from_thread(self._fail, "no valid GPS fix in this log")
                return
            names = (colour_name,) if colour_name else self.team.colour
            data = track_map(found, colour_signal(self.source_log, names))
        columns, rows = grid_size(width, height)
        cursor = self.cursor.get()
        raw = None if cursor is None else self.cursor.origin + cursor / self.cursor.seconds_per_unit
        picture, scale = track_picture(data, columns, rows, raw)
        self.app.call_from_thread(self._show, data, picture, scale)

    def _fail(self, message: str) -> None:
        self.query_one("#track-title", Label).update(f"Track map · {message}")

    def _show(self, data: TrackMap, picture: Picture, scale: float) -> None:
        self.data = data
        cursor = self.cursor.get()
        where = "→ places cursor A" if cursor is None else "A: cursor A"
        self.query_one("#track-title", Label).update(
            f"Track map · {data.track.latitude}/{data.track.longitude} · "
            f"{scale:.2g} m per dot · {where}"
        )
        self.query_one(DotCanvas).show(picture)
        self.query_one("#track-legend", Label).update(legend(data))

    def action_move(self, steps: int) -> None:
        current = self.cursor.get()
        start = self.cursor.default if current is None else current
        self.cursor.set(start + (0 if current is None else steps * CURSOR_STEP_S))
        self._redraw()

    def action_colour(self) -> None:
        def check(text: str) -> str | None:
            name = text.strip()
            return None if name in self.source_log else f"no signal {name!r} in this log"

        def done(answer: str | None) -> None:
            if answer:
                self.colour_name = answer.strip()
                self._redraw()

        self.app.push_screen(
            PromptScreen(
                "Colour the track by which signal?",
                value=self.data.colour if self.data else "",
                check=check,
            ),
            done,
        )

    def action_close(self) -> None:
        self.dismiss(None)
