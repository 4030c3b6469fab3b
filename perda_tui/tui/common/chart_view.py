"""`ChartView`: a widget that draws `perda_tui.charts` `Chart`s off the UI thread.

The owner hands `draw()` a *builder*, a function `(width, height) -> Chart` holding a
snapshot of what to show. A thread worker calls it (decimation happens there) and draws
the chart into cells, so typing never waits for a frame. Newer
requests make older queued ones moot; resizing re-runs the last builder at the new size,
which re-decimates for the new width. Colours follow the app theme, or the 16 ANSI
colours when the terminal has no more.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.theme import Theme
from textual.widget import Widget

from perda_tui.charts.backend import draw, rich_color
from perda_tui.charts.model import Cells, Chart, ChartTheme

#: What a chart's owner passes to `ChartView.draw`: (width, height) -> Chart.
Builder = Callable[[int, int], Chart]

#: Theme variables that colour series slots 0-7.
PALETTE_VARIABLES = (
    "primary",
    "warning",
    "success",
    "error",
    "accent",
    "secondary",
    "primary-lighten-3",
    "warning-darken-3",
)


def chart_theme(variables: dict[str, str], *, dark: bool, color_system: str | None) -> ChartTheme:
    """The chart colours for an app theme: its accent colours, or ANSI-16 on small terminals."""
    if color_system in (None, "standard", "windows"):
        return ChartTheme.ansi16(dark=dark)
    palette = tuple(Color.parse(variables[name]).rgb for name in PALETTE_VARIABLES)
    text = Color.parse(variables.get("foreground", "white" if dark else "black")).rgb
    return ChartTheme(palette=palette, text=text, cursor=text)


def to_strips(cells: Cells, base: Style) -> list[Strip]:
    """One Textual strip per row of a drawn chart, styled over the widget's `base` style."""
    styles: dict[tuple[object, object], Style] = {}
    strips = []
    for row in cells.rows:
        segments = []
        for text, fg, bg in row:
            style = styles.get((fg, bg))
            if style is None:
                style = base + Style(color=rich_color(fg), bgcolor=rich_color(bg))
                styles[(fg, bg)] = style
            segments.append(Segment(text, style))
        strips.append(Strip(segments, cells.width))
    return strips


class ChartView(Widget):
    """A chart drawn in a thread worker."""

    DEFAULT_CSS = """
    ChartView {
        width: 1fr;
        height: 1fr;
    }
    """

    class Drawn(Message):
        """A requested chart is on screen (`seconds`: building and rendering it)."""

        def __init__(self, chart_view: ChartView, generation: int, seconds: float) -> None:
            super().__init__()
            self.chart_view = chart_view
            self.generation = generation
            self.seconds = seconds

        @property
        def control(self) -> ChartView:
            return self.chart_view

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._builder: Builder | None = None
        self._shown: Callable[[], object] | None = None
        self._builder_generation = 0
        self._strips: list[Strip] = []
        self._lock = threading.Lock()
        self.generation = 0
        """Number of the latest request."""
        self.drawn_generation = 0
        """Number of the request now on screen."""
        self.chart_theme = ChartTheme.ansi16()
        self.last_error = ""

    def on_mount(self) -> None:
        self._update_theme()
        self.app.theme_changed_signal.subscribe(self, self._on_theme_changed)

    def _on_theme_changed(self, _theme: Theme) -> None:
        self._update_theme()
        self.redraw()

    def _update_theme(self) -> None:
        self.chart_theme = chart_theme(
            self.app.theme_variables,
            dark=self.app.current_theme.dark,
            color_system=self.app.console.color_system,
        )

    @property
    def is_current(self) -> bool:
        """True when the latest request is on screen."""
        return self.drawn_generation == self.generation

    def draw(
        self, builder: Builder, shown: Callable[[], object] | None = None, *, now: bool = False
    ) -> int:
        """Show the chart `builder` returns (built in a worker); returns the request number.

        `shown` runs on the UI thread as that chart goes on screen, so that text around
        the chart (a status line, values at a cursor) changes in the same frame: one
        repaint, and never a caption ahead of its chart. With `now`, the chart is built
        on this thread before `draw` returns: for a small chart redrawn often, which costs
        less than a worker's hand-overs (a thread, its state messages, the call back).
        """
        self._builder, self._shown = builder, shown
        self._builder_generation = self.generation + 1
        if not now:
            return self.redraw()
        self.generation += 1
        if self.size.area:
            result = self._chart_rows(builder, self.size, self.chart_theme, self.rich_style)
            self._show(self.generation, *result)
        else:
            self._call_shown()
        return self.generation

    def redraw(self) -> int:
        """Build the last requested chart again (new size or theme)."""
        self.generation += 1
        if self._builder is not None and self.size.area:
            self._build(
                self.generation, self._builder, self.size, self.chart_theme, self.rich_style
            )
        else:
            self._call_shown()  # nothing to draw: the text around it still changes
        return self.generation

    def _call_shown(self) -> None:
        shown, self._shown = self._shown, None
        if shown is not None and self.is_attached:
            shown()

    def on_resize(self, _event: events.Resize) -> None:
        self.redraw()

    @work(thread=True, group="chart", exit_on_error=False)
    def _build(
        self, generation: int, builder: Builder, size: Size, theme: ChartTheme, base: Style
    ) -> None:
        with self._lock:
            if generation != self.generation:
                return  # a newer request is queued behind this one
            result = self._chart_rows(builder, size, theme, base)
        self.app.call_from_thread(self._show, generation, *result)

    @staticmethod
    def _chart_rows(
        builder: Builder, size: Size, theme: ChartTheme, base: Style
    ) -> tuple[list[Strip], str, float]:
        """The rows of `builder`'s chart, the error that replaced them, the seconds taken."""
        started = time.perf_counter()
        try:
            chart = builder(size.width, size.height)
            cells = draw(chart, size.width, size.height, theme=theme)
            strips = to_strips(cells, base)
            error = ""
        except Exception as exc:  # noqa: BLE001 - odd data must not kill the screen; shown instead
            error = str(exc) or type(exc).__name__
            message = Segment(f"cannot draw this chart: {error}", base + Style(bold=True))
            strips = [Strip([message])]
        return strips, error, time.perf_counter() - started

    def _show(self, generation: int, strips: list[Strip], error: str, seconds: float) -> None:
        if generation < self.drawn_generation:
            return
        self._strips = strips
        self.last_error = error
        self.drawn_generation = generation
        if generation >= self._builder_generation:  # the latest builder's chart
            self._call_shown()
        self.refresh()
        self.post_message(self.Drawn(self, generation, seconds))

    def plain_text(self) -> str:
        """The characters of the chart on screen, one line per row."""
        return "\n".join(strip.text for strip in self._strips)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The drawn rows as they are, through the app's line filters only.

        Textual's styles cache would rebuild every row of each new chart (border,
        padding, tint and opacity steps this widget has none of, two theme look-ups per
        row): a third of a 200x50 frame's compositing. With any of those styles set,
        the widget renders as any other.
        """
        styles = self.styles
        if (
            any(edge for edge, _ in styles.border)
            or any(edge for edge, _ in styles.outline)
            or any(styles.padding)
            or styles.tint.a
            or self.opacity != 1.0
            or styles.text_opacity != 1.0
            or (styles.has_rule("hatch") and styles.hatch != "none")
        ):
            return super().render_lines(crop)
        filters = self.get_line_filters()
        background = self.background_colors[1]
        width = self.size.width
        x1, x2 = crop.column_span
        whole = (x1, x2) == (0, width)
        lines = []
        for y in crop.line_range:
            strip = self._row(y, width)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            lines.append(strip if whole else strip.crop(x1, x2))
        return lines

    def render_line(self, y: int) -> Strip:
        """Row `y` of the last chart drawn (blank below it), fitted to the widget's width."""
        return self._row(y, self.size.width)

    def _row(self, y: int, width: int) -> Strip:
        if y < len(self._strips):
            strip = self._strips[y]
            return strip if strip.cell_length == width else strip.adjust_cell_length(width)
        return Strip.blank(width, self.rich_style)
