"""Picking a start/finish line on the track map: ←/→ move a point along the GPS track,
Enter puts the line across the track there (`analysis.laps.line_across`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from perda_tui.analysis.laps import LapError, line_across, to_metres
from perda_tui.charts.model import Chart, Series
from perda_tui.charts.series import line_series
from perda_tui.errors import describe
from perda_tui.tui.common.chart_view import ChartView
from perda_tui.tui.common.text import clean
from perda_tui.tui.stylesheets import stylesheet

if TYPE_CHECKING:
    from perda_tui.analysis.laps import Line  # noqa: F401 - the quoted result type below
    from perda_tui.logs import Log

#: Most fixes shown on the map (the track is thinned evenly beyond).
MAX_FIXES = 4000


def scatter(label: str, x: np.ndarray, y: np.ndarray, slot: int) -> Series:
    """Points not joined: sorted by x, each followed by a gap (a track map)."""
    order = np.argsort(x, kind="stable")
    ys = np.column_stack([y[order], np.full(len(order), np.nan)]).ravel()
    return Series(label, np.repeat(x[order], 2), ys, slot=slot)


class LinePickScreen(ModalScreen["Line | None"]):
    """The run's GPS track with a candidate line to move; dismisses with the line or None."""

    CSS_PATH = stylesheet("compare.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="line_pick.cancel"),
        Binding("enter", "choose", "Line here", id="line_pick.choose"),
        Binding("right", "move(1)", "Forward", id="line_pick.forward"),
        Binding("left", "move(-1)", "Back", id="line_pick.back"),
        Binding("shift+right", "move(20)", "Forward 20", show=False, id="line_pick.forward_far"),
        Binding("shift+left", "move(-20)", "Back 20", show=False, id="line_pick.back_far"),
    ]

    def __init__(self, log: Log, lat: str, lon: str, track: str) -> None:
        super().__init__()
        self.track = track
        times = log[lat].timestamps
        step = max(1, len(times) // MAX_FIXES)
        self.lat = log[lat].values[::step]
        self.lon = np.interp(times, log[lon].timestamps, log[lon].values)[::step]
        self.centre = (float(np.median(self.lat)), float(np.median(self.lon)))
        self.x, self.y = to_metres(self.lat, self.lon, self.centre)
        moving = np.hypot(np.diff(self.x), np.diff(self.y)) > 0.5
        self.index = int(np.argmax(moving)) + 1 if moving.any() else 0

    def compose(self) -> ComposeResult:
        yield Static(id="pick-title")
        yield ChartView(id="map")
        yield Footer()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        i = self.index
        title = Text.assemble(
            ("Start/finish line", "bold"),
            f" · {clean(self.track)} · fix {i + 1} of {len(self.lat)}",
            f" · {self.lat[i]:.6f}, {self.lon[i]:.6f}",
        )
        self.query_one("#pick-title", Static).update(title)
        x, y = self.x, self.y
        try:
            lat1, lon1, lat2, lon2 = line_across(self.lat, self.lon, i)
            ends = to_metres(np.array([lat1, lat2]), np.array([lon1, lon2]), self.centre)
        except LapError:  # standing still there: just the point
            ends = (x[[i, i]], y[[i, i]])

        def build(_width: int, _height: int) -> Chart:
            return Chart(
                [scatter("track", x, y, 0), line_series("line here", *ends, slot=3)],
                x_label="east [m]",
                y_label="north [m]",
            )

        self.query_one("#map", ChartView).draw(build)

    def action_move(self, steps: int) -> None:
        """Move the point along the track (wrapping round)."""
        self.index = (self.index + steps) % len(self.lat)
        self._show()

    def action_choose(self) -> None:
        """Put the line across the track at the point."""
        try:
            line = line_across(self.lat, self.lon, self.index)
        except LapError as exc:
            self.notify(describe(exc), severity="error", markup=False)
            return
        self.dismiss(line)

    def action_cancel(self) -> None:
        self.dismiss(None)
