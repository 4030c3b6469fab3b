"""The plot screen's side panels: signal picker, selected-signal legend and stats table."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets.option_list import Option

from perda_tui.charts.backend import rich_color
from perda_tui.charts.model import ChartTheme, swatch_text
from perda_tui.tui.common.text import shorten_names
from perda_tui.tui.plot.view import Sample, Selected, Selection, seconds_text

if TYPE_CHECKING:
    from perda_tui.logs import Log, Signal, SignalStats

#: How many search results the picker lists.
SEARCH_RESULTS = 50
#: Signal names are shortened in the middle to fit, never below this many cells.
MIN_NAME_WIDTH = 10
#: Name width before the first layout tells the real one.
DEFAULT_NAME_WIDTH = 24
#: Cells before a name in the lists: a two-glyph swatch and a space.
SWATCH_CELLS = 3
#: A description is shown after a name only when this much of it fits.
MIN_DESCRIPTION_CELLS = 8
#: Room kept for the list's scroll bar.
SCROLLBAR_CELLS = 1


def swatch(theme: ChartTheme, slot: int, *, markers: bool = False) -> Text:
    """The slot's line (and marker) in its colour: how the series looks on the chart."""
    return Text(
        swatch_text(slot, markers=markers), style=Style(color=rich_color(theme.color(slot)))
    )


def format_value(value: float, digits: int = 6) -> str:
    """A compact number: `digits` significant digits, no trailing noise; "—" if undefined."""
    if not math.isfinite(value):
        return "—"
    return f"{value:.{digits}g}"


class SignalPicker(Vertical):
    """Search box over the log's signals (name and description) and the matching list."""

    class Toggled(Message):
        """The user asked to add or remove `name` from the chart."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def __init__(self, log: Log, selection: Selection, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source_log = log
        self.selection = selection
        self.theme = ChartTheme.ansi16()
        self.markers = False
        self._name_width = DEFAULT_NAME_WIDTH
        self._short: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        # "/" is the key that jumps here: it is never typed into the search itself.
        yield Input(placeholder="search name or description", id="signal-search", restrict=r"[^/]*")
        yield OptionList(id="signal-list")

    def on_mount(self) -> None:
        self.show_matches()

    @property
    def matches(self) -> list[Signal]:
        """Signals matching the search box (all signals by name when it is empty)."""
        query = self.query_one("#signal-search", Input).value.strip()
        if not query:
            return sorted(self.source_log, key=lambda s: s.name)
        return list(self.source_log.search(query, top_n=SEARCH_RESULTS))

    @property
    def highlighted(self) -> str | None:
        """Name of the highlighted signal in the list."""
        options = self.query_one("#signal-list", OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def on_resize(self) -> None:
        """Names are shortened to the list's width: shorten them again when it changes."""
        region = self.query_one("#signal-list", OptionList).scrollable_content_region
        width = max(region.width - SWATCH_CELLS - SCROLLBAR_CELLS, MIN_NAME_WIDTH)
        if region.width and width != self._name_width:
            self._name_width = width
            self.show_matches()

    def show_matches(self) -> None:
        """Refill the list from the search box, best match highlighted."""
        options = self.query_one("#signal-list", OptionList)
        signals = self.matches
        names = [s.name for s in signals]
        self._short = dict(zip(names, shorten_names(names, self._name_width), strict=True))
        options.clear_options()
        options.add_options(Option(self._prompt(s), id=s.name) for s in signals)
        if signals:
            options.highlighted = 0

    def restyle(self) -> None:
        """Redraw the list's markers after the selection or theme changed."""
        options = self.query_one("#signal-list", OptionList)
        for index in range(options.option_count):
            name = options.get_option_at_index(index).id
            if name is not None and name in self.source_log:
                options.replace_option_prompt_at_index(index, self._prompt(self.source_log[name]))

    def _prompt(self, signal: Signal) -> Text:
        item = self.selection.get(signal.name)
        text = swatch(self.theme, item.slot, markers=self.markers) if item else Text("  ")
        text.append("=" if self.source_log.is_computed(signal.name) else " ")  # math channel
        text.append(self._short.get(signal.name, signal.name), style="bold" if item else "")
        room = self._name_width - len(text) + SWATCH_CELLS - 2
        if signal.description and room >= MIN_DESCRIPTION_CELLS:  # never a lone "…"
            text.append(f"  {signal.description}", style="dim")
        return text

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.show_matches()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#signal-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Toggled(event.option.id))


class SelectionPanel(Static):
    """The signals on the chart: swatch, name, axis side and the value at the cursor."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown = Text()
        self._request: tuple[
            Sequence[Selected], ChartTheme, dict[str, Sample | None] | None, bool
        ] = ((), ChartTheme.ansi16(), None, False)

    def on_resize(self) -> None:
        """Names are shortened to the panel's width: shorten them again when it changes."""
        self.show(*self._request)

    def show(
        self,
        items: Sequence[Selected],
        theme: ChartTheme,
        samples: dict[str, Sample | None] | None,
        markers: bool = False,
    ) -> None:
        """List `items`, one line each; with `samples`, each signal's value at cursor A."""
        self._request = (items, theme, samples, markers)
        if not items:
            text = Text("Space adds the highlighted signal", style="dim")
        else:
            values = None
            if samples is not None:
                found = [samples.get(item.name) for item in items]
                values = [format_value(sample.value) if sample else "—" for sample in found]
            room = self.content_region.width or DEFAULT_NAME_WIDTH + SWATCH_CELLS
            value_cells = max(map(len, values)) + 1 if values else 0
            width = max(room - SWATCH_CELLS - 2 - value_cells, MIN_NAME_WIDTH)
            names = [item.name for item in items]
            short = shorten_names(names, min(width, max(map(len, names))))
            pad = max(map(len, short))
            lines = []
            for index, (item, name) in enumerate(zip(items, short, strict=True)):
                line = swatch(theme, item.slot, markers=markers)
                line.append(" R " if item.right_axis else " L ", style="dim")
                line.append(name.ljust(pad) if values else name)
                if values:
                    line.append(" ")
                    line.append(values[index], style="bold")
                lines.append(line)
            text = Text("\n").join(lines)
        if text != self._shown:
            # the height only changes with the number of lines: skip the layout pass otherwise
            self.update(text, layout=len(text.split()) != len(self._shown.split()))
            self._shown = text


#: Columns of the window statistics, and of the A/B readout (after the signal column).
STATS_COLUMNS = ("min", "max", "mean", "std", "count", "rate Hz")
READOUT_COLUMNS = ("at A", "at B", "B-A", "min A..B", "max A..B", "mean A..B")
#: Significant digits in the stats table (narrow enough for an 80-column terminal).
STATS_DIGITS = 5
#: Cells kept free in the stats table (its own edges), so it never scrolls sideways.
TABLE_SLACK = 2
#: Widest the signal column gets.
MAX_NAME_WIDTH = 40


def age_text(seconds: float) -> str:
    """How old a sample shown at a cursor is: `12ms`, `1.5s`, `2:05`; "" when exact."""
    if seconds <= 0:
        return ""
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{seconds:.1f}s"
    return seconds_text(seconds).removesuffix(".0")


def sample_cell(sample: Sample | None, at: float) -> Text:
    """A value at a cursor, with the age of its sample when it is older than the cursor."""
    if sample is None:
        return Text("—")
    text = Text(format_value(sample.value, STATS_DIGITS))
    age = age_text(at - sample.time)
    if age:
        text.append(f" {age}", style="dim")
    return text


class StatsTable(DataTable[Text | str]):
    """One row per selected signal, its name first (shortened in the middle to fit):
    the visible window's min, max, mean, std, count and rate; or, with both cursors
    placed, the A/B readout. The row key is the signal name."""

    _shown: tuple[tuple[str, ...], list[tuple[Selected, list[Text | str]]], ChartTheme, bool] = (
        (),
        [],
        ChartTheme.ansi16(),
        False,
    )

    #: Unit of each signal (from its description), shown after its name.
    units: dict[str, str] = {}  # noqa: RUF012 - replaced, never mutated

    def on_mount(self) -> None:
        self.cursor_type = "none"

    def on_resize(self) -> None:
        """Names are shortened to the table's width: shorten them again when it changes."""
        self._fill(*self._shown)

    def show(
        self, rows: Iterable[tuple[Selected, SignalStats]], theme: ChartTheme, markers: bool = False
    ) -> None:
        """Window statistics: (selected signal, stats) pairs."""
        cells: list[tuple[Selected, list[Text | str]]] = [
            (
                item,
                [
                    *(
                        format_value(v, STATS_DIGITS)
                        for v in (stats.min, stats.max, stats.mean, stats.std)
                    ),
                    f"{stats.count:,}",
                    format_value(stats.rate_hz, STATS_DIGITS),
                ],
            )
            for item, stats in rows
        ]
        self._fill(STATS_COLUMNS, cells, theme, markers)

    def show_readout(
        self,
        rows: Iterable[tuple[Selected, Sample | None, Sample | None, SignalStats]],
        cursors: tuple[float, float],
        theme: ChartTheme,
        markers: bool = False,
    ) -> None:
        """The A/B readout: each signal's value at A and B (with the age of the sample),
        B-A and min/max/mean between the cursors."""
        a, b = cursors
        cells: list[tuple[Selected, list[Text | str]]] = []
        for item, at_a, at_b, stats in rows:
            delta = at_b.value - at_a.value if at_a and at_b else math.nan
            numbers = (stats.min, stats.max, stats.mean)
            cells.append(
                (
                    item,
                    [
                        sample_cell(at_a, a),
                        sample_cell(at_b, b),
                        format_value(delta, STATS_DIGITS),
                        *(format_value(v, STATS_DIGITS) for v in numbers),
                    ],
                )
            )
        self._fill(READOUT_COLUMNS, cells, theme, markers)

    def _fill(
        self,
        columns: tuple[str, ...],
        rows: list[tuple[Selected, list[Text | str]]],
        theme: ChartTheme,
        markers: bool,
    ) -> None:
        changed = columns != self._shown[0]
        self._shown = (columns, rows, theme, markers)
        self.clear(columns=changed)
        if changed:
            self.add_columns("signal", *columns)
        # each column is as wide as its widest cell plus one cell of padding either side
        numbers = sum(
            max([len(header), *(len(str(values[i])) for _, values in rows)]) + 2
            for i, header in enumerate(columns)
        )
        units = [
            f" [{self.units[item.name]}]" if self.units.get(item.name) else "" for item, _ in rows
        ]
        room = self.size.width - numbers - SWATCH_CELLS - 2 - TABLE_SLACK
        if room - max(map(len, units), default=0) < MIN_NAME_WIDTH:
            units = [""] * len(rows)  # narrow: the numbers need the cells more
        room -= max(map(len, units), default=0)
        names = [item.name for item, _ in rows]
        longest = max(map(len, names), default=0)
        width = max(min(room, longest, MAX_NAME_WIDTH), MIN_NAME_WIDTH)
        short = shorten_names(names, width)
        for (item, values), name, unit in zip(rows, short, units, strict=True):
            label = swatch(theme, item.slot, markers=markers)
            label.append(" " + name)
            label.append(unit, style="dim")
            self.add_row(label, *values, key=item.name)
