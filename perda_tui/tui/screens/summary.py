"""A readable summary of a parsed log: header, time span, and one row per signal."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from perda_tui.tui.stylesheets import stylesheet
from perda_tui.tui.widgets.text import duration, literal

COLUMNS = ("Signal", "Description", "Samples", "Min", "Max", "Rate (Hz)")


def overview(log: Any, source_name: str) -> Text:
    """Source, header line, recording time, duration and parse problems."""
    span = (log.end_time - log.start_time) * log.seconds_per_unit if len(log) else 0.0
    recorded = log.recording_time.isoformat(sep=" ") if log.recording_time else "unknown"
    text = Text.assemble(
        literal(source_name, "bold"),
        "\n",
        ("Header: ", "bold"),
        literal(log.header),
        "\n",
        ("Recorded: ", "bold"),
        recorded,
        ("   Duration: ", "bold"),
        duration(span),
        ("   Signals: ", "bold"),
        str(len(log)),
        ("   Parse errors: ", "bold"),
        str(log.parse_errors),
    )
    for warning in log.warnings:
        text.append("\nWarning: ", "bold")
        text.append(literal(warning))
    return text


def signal_row(signal: Any) -> tuple[Text, ...]:
    """One table row: name, description, sample count, min, max, rate."""
    stats = signal.stats()
    numbers = (
        (f"{stats.min:.6g}", f"{stats.max:.6g}", f"{stats.rate_hz:.3g}")
        if stats.count
        else ("", "", "")
    )
    return (
        literal(signal.name),
        literal(signal.description),
        Text(f"{stats.count:,}", justify="right"),
        *(Text(value, justify="right") for value in numbers),
    )


class SummaryScreen(Screen[None]):
    """Shows what a log contains; Esc goes back."""

    CSS_PATH = stylesheet("summary.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back", id="summary.back"),
    ]

    def __init__(self, log: Any, source_name: str) -> None:
        super().__init__()
        self.log_data = log
        self.source_name = source_name

    def compose(self) -> ComposeResult:
        yield Static(overview(self.log_data, self.source_name), id="overview")
        yield DataTable(cursor_type="row", id="signals")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.add_rows(signal_row(signal) for signal in self.log_data)
        table.focus()
