"""`HealthScreen`: the log's data health, worst channel first; Enter shows its longest gap."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label

from perda_tui.analysis.health import GAP_PERIODS
from perda_tui.tui.common.text import clean, literal
from perda_tui.tui.plot.view import Window, jump, seconds_text
from perda_tui.tui.stylesheets import stylesheet

if TYPE_CHECKING:
    from perda_tui.analysis.health import ChannelHealth, LogHealth
    from perda_tui.logs import Log

COLUMNS = ("channel", "gaps", "dups", "longest gap", "at", "rate Hz", "samples", "note")


def gap_window(at: float, gap: float, log: Log) -> Window:
    """A window showing a gap that begins `at` seconds and lasts `gap` seconds, with as
    much data on each side as the gap is long."""
    bounds = Window(0.0, max(log.duration_s, 1e-3))
    return jump(at - gap, at + 2 * gap, bounds)


def _row(channel: ChannelHealth) -> tuple[object, ...]:
    rate = "-" if math.isnan(channel.median_rate_hz) else f"{channel.median_rate_hz:.4g}"
    at = "-" if channel.longest_gap_at_s is None else seconds_text(channel.longest_gap_at_s)
    notes = [p for p in channel.problems if "gap" not in p and "duplicate" not in p]
    if channel.computed:
        notes.append("computed")

    def count(value: int) -> Text:
        return Text(str(value), style="bold" if value else "dim", justify="right")

    return (
        literal(channel.name),
        count(channel.gaps),
        count(channel.duplicates),
        f"{channel.longest_gap_s:.3g} s" if channel.samples > 1 else "-",
        at,
        rate,
        f"{channel.samples:,}",
        literal(", ".join(notes), "dim"),
    )


class HealthScreen(ModalScreen["tuple[float, float] | None"]):
    """The health table; Enter dismisses with (gap start, gap length) of the row's channel."""

    CSS_PATH = stylesheet("analysis.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,H", "close", "Close", id="health.close"),
        Binding("enter", "show_gap", "Show longest gap", id="health.gap"),
    ]

    def __init__(self, health: LogHealth) -> None:
        super().__init__()
        self.health = health

    def compose(self) -> ComposeResult:
        h = self.health
        bad = sum(1 for c in h.channels if c.problems)
        summary = f"Data health · {len(h.channels)} channels, {bad} with problems, worst first"
        parse = (
            f"{h.parse_errors:,} malformed rows · {len(h.warnings)} parse warnings · "
            f"gaps: pauses > {GAP_PERIODS:g} median periods · Enter: show the longest gap"
        )
        with Vertical(id="health-box"):
            yield Label(summary, id="health-summary", markup=False)
            yield Label(parse, id="health-parse", markup=False)
            for warning in h.warnings[:3]:
                yield Label(clean(f"⚠ {warning}"), classes="health-warning", markup=False)
            yield DataTable(id="health-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        for index, channel in enumerate(self.health.channels):
            table.add_row(*_row(channel), key=str(index))
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_show_gap()

    def action_show_gap(self) -> None:
        table = self.query_one(DataTable)
        channel = self.health.channels[table.cursor_row]
        if channel.longest_gap_at_s is None or channel.longest_gap_s <= 0:
            self.notify(f"{channel.name} has no gap to show", severity="warning")
            return
        self.dismiss((channel.longest_gap_at_s, channel.longest_gap_s))

    def action_close(self) -> None:
        self.dismiss(None)
