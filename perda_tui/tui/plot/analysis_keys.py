"""`AnalysisKeys`: the plot screen's analysis bindings (math channels, health, histogram,
spectrum, XY, track map), kept apart from the chart's own keys.

`PlotScreen` inherits from it; the actions use only the `PlotContext` methods below.
On mount the team's channels (`channels.toml` in the config folder) are added to the log
and its health is computed, both in workers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, cast

from textual import work
from textual.binding import Binding, BindingType
from textual.screen import Screen

from perda_tui.errors import describe

if TYPE_CHECKING:
    from perda_tui.analysis.channels import Applied, Channel, TeamFile
    from perda_tui.analysis.health import LogHealth
    from perda_tui.logs import Log, Signal
    from perda_tui.tui.plot.view import Window


class PlotContext(Protocol):
    """What the plot screen offers the analysis views (times in seconds from its origin)."""

    source_log: Log
    window: Window
    origin: int
    seconds_per_unit: float

    def highlighted_name(self) -> str | None: ...
    def selected_names(self) -> list[str]: ...
    def set_window(self, window: Window) -> None: ...
    def cursor_a(self) -> float | None: ...
    def set_cursor_a(self, seconds: float) -> None: ...
    def signals_changed(self) -> None: ...


class AnalysisKeys(Screen[None]):
    """Analysis key bindings of the plot screen."""

    #: Not in the footer (the chart's own keys need its room); `?` help lists them.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "equals_sign",
            "math_channel",
            "Math channel",
            key_display="=",
            show=False,
            id="plot.math",
        ),
        Binding("H", "health", "Data health", show=False, id="plot.health"),
        Binding("h", "histogram", "Histogram", show=False, id="plot.histogram"),
        Binding("f", "spectrum", "Spectrum (FFT)", show=False, id="plot.spectrum"),
        Binding("x", "xy", "XY plot", show=False, id="plot.xy"),
        Binding("M", "track_map", "Track map", show=False, id="plot.track_map"),
    ]

    team: TeamFile | None = None
    """The team file as loaded on mount (None until loaded)."""
    channels_applied: Applied | None = None
    """What adding the team's channels to this log did."""
    health: LogHealth | None = None
    """The log's health, computed on mount and after channels are added."""

    @property
    def context(self) -> PlotContext:
        return cast("PlotContext", self)

    @property
    def team_path(self) -> Path:
        """The team's channels file."""
        from perda_tui.analysis.channels import team_file
        from perda_tui.config import config_dir

        return team_file(config_dir())

    def on_mount(self) -> None:
        self._load_team()

    # ------------------------------------------------------------------ workers

    @work(thread=True, exclusive=True, group="analysis-team", exit_on_error=False)
    def _load_team(self) -> None:
        from perda_tui.analysis.channels import ChannelsFileError, add_channels, load_team_file
        from perda_tui.analysis.compiled import INTERPRETED_BELOW
        from perda_tui.analysis.health import log_health
        from perda_tui.analysis.warm import warm_analysis

        log = self.context.source_log
        try:
            team = load_team_file(self.team_path)
        except ChannelsFileError as exc:
            self.app.call_from_thread(self.notify, describe(exc), severity="error")
            team = None
        try:
            applied = add_channels(log, team.channels) if team else None
        except Exception as exc:  # noqa: BLE001 - shown; the log stays usable without them
            message = f"team channels not added: {describe(exc)}"
            self.app.call_from_thread(self.notify, message, severity="error")
            applied = None
        health = log_health(log)
        self.app.call_from_thread(self._team_loaded, team, applied, health)
        if max(map(len, log), default=0) >= INTERPRETED_BELOW:
            warm_analysis()  # a large log's first XY or spectrum: at once, not after ~1 s

    def _team_loaded(
        self, team: TeamFile | None, applied: Applied | None, health: LogHealth
    ) -> None:
        from perda_tui.analysis.channels import TeamFile

        self.team = team or TeamFile()
        self.channels_applied = applied
        self.health = health
        if applied is None:
            return
        if applied.added:
            self.context.signals_changed()
        problems = [f"{n} needs {', '.join(m)}" for n, m in applied.unavailable.items()]
        problems += [f"{n}: {reason}" for n, reason in applied.failed.items()]
        if problems:
            count = len(problems)
            self.notify(
                f"{count} team channel{'s' if count > 1 else ''} unavailable: "
                + "; ".join(problems[:3])
                + (" …" if count > 3 else "")
                + " (= lists them)",
                severity="warning",
            )

    @work(thread=True, exclusive=True, group="analysis-channel", exit_on_error=False)
    def _add_channel(self, channel: Channel, save: bool) -> None:
        from perda_tui.analysis.channels import ChannelsFileError, save_channel
        from perda_tui.analysis.expressions import ExpressionError, evaluate
        from perda_tui.analysis.health import log_health

        log = self.context.source_log
        try:
            signal = evaluate(channel.expression, log, channel.name)
            log.add_computed(signal, channel.expression.text)
        except Exception as exc:  # noqa: BLE001 - an expression error or any other: shown
            reason = str(exc) if isinstance(exc, ExpressionError | ValueError) else describe(exc)
            self.app.call_from_thread(self.notify, f"{channel.name}: {reason}", severity="error")
            return
        message = f"added {channel.name} ({len(signal):,} samples)"
        if save:
            try:
                save_channel(self.team_path, channel)
                message += f"; saved to {self.team_path}"
            except (ChannelsFileError, OSError) as exc:
                message += f"; not saved: {describe(exc)}"
        health = log_health(log)
        self.app.call_from_thread(self._channel_added, message, health)

    def _channel_added(self, message: str, health: LogHealth) -> None:
        self.health = health
        self.context.signals_changed()
        self.notify(message)

    # ------------------------------------------------------------------ helpers

    def _window_signal(self, name: str) -> Signal:
        """The samples of `name` in the visible window."""
        ctx = self.context
        t0 = ctx.origin + ctx.window.start / ctx.seconds_per_unit
        t1 = ctx.origin + ctx.window.end / ctx.seconds_per_unit
        return ctx.source_log[name].trim(t0, t1)

    def _highlighted_or_warn(self, what: str) -> str | None:
        name = self.context.highlighted_name()
        if name is None:
            self.notify(f"highlight a signal in the list for its {what}", severity="warning")
        return name

    # ------------------------------------------------------------------ actions

    def action_math_channel(self) -> None:
        """`=`: define a math channel (completion of signal names; save on request)."""
        from perda_tui.tui.plot.analysis.channel_prompt import ChannelPrompt, ChannelRequest

        applied = self.channels_applied

        def done(request: ChannelRequest | None) -> None:
            if request is not None:
                self._add_channel(request.channel, request.save)

        self.app.push_screen(
            ChannelPrompt(
                self.context.source_log,
                self.team_path,
                unavailable=applied.unavailable if applied else {},
                failed=applied.failed if applied else {},
            ),
            done,
        )

    def action_health(self) -> None:
        """`H`: the health table, worst first; Enter shows the channel's longest gap."""
        from perda_tui.tui.plot.analysis.health_view import HealthScreen, gap_window

        if self.health is None:
            self.notify("health is still being computed", severity="warning")
            return
        ctx = self.context

        def done(choice: tuple[float, float] | None) -> None:
            if choice is not None:
                at, gap = choice
                ctx.set_window(gap_window(at, gap, ctx.source_log))

        self.app.push_screen(HealthScreen(self.health), done)

    def action_histogram(self) -> None:
        """`h`: histogram of the highlighted signal over the visible window."""
        from perda_tui.tui.plot.analysis.histogram_view import HistogramScreen

        name = self._highlighted_or_warn("histogram")
        if name is not None:
            self.app.push_screen(HistogramScreen(self._window_signal(name), self._window_text()))

    def action_spectrum(self) -> None:
        """`f`: magnitude spectrum of the highlighted signal over the visible window."""
        from perda_tui.tui.plot.analysis.spectrum_view import SpectrumScreen

        name = self._highlighted_or_warn("spectrum")
        if name is not None:
            self.app.push_screen(SpectrumScreen(self._window_signal(name), self._window_text()))

    def action_xy(self) -> None:
        """`x`: the first selected signal (x) against the second (y) over the visible window."""
        from perda_tui.tui.plot.analysis.xy_view import XYScreen

        names = self.context.selected_names()
        if len(names) < 2:
            self.notify(
                "select two signals (Space): the first goes on x, the second on y",
                severity="warning",
            )
            return
        ctx = self.context
        self.app.push_screen(
            XYScreen(
                ctx.source_log[names[0]],
                ctx.source_log[names[1]],
                self._raw_window(),
                self._window_text(),
            )
        )

    def action_track_map(self) -> None:
        """`M`: the GPS track to scale, coloured by speed, with cursor A marked."""
        from perda_tui.analysis.geo import find_gps
        from perda_tui.tui.plot.analysis.track_view import CursorLink, TrackScreen

        names = self.team.gps if self.team else None
        if find_gps(self.context.source_log, names) is None:
            self.notify(
                "no GPS latitude/longitude in this log (name them under [gps] in "
                f"{self.team_path})",
                severity="warning",
            )
            return
        ctx = self.context
        link = CursorLink(
            ctx.cursor_a, ctx.set_cursor_a, ctx.window.centre, ctx.origin, ctx.seconds_per_unit
        )
        self.app.push_screen(TrackScreen(ctx.source_log, self.team, link))

    def _raw_window(self) -> tuple[float, float]:
        ctx = self.context
        return (
            ctx.origin + ctx.window.start / ctx.seconds_per_unit,
            ctx.origin + ctx.window.end / ctx.seconds_per_unit,
        )

    def _window_text(self) -> str:
        from perda_tui.tui.plot.view import seconds_text

        window = self.context.window
        return f"{seconds_text(window.start)}-{seconds_text(window.end)}"
