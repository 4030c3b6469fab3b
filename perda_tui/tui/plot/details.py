"""The full text behind the plot screen's short lines: the view, the log and its parse report.

A one-line summary of the parse problems sits above the chart; `DetailsScreen` shows the
full status line and every problem. Warnings quote the file (malformed mapping lines),
so they are shown as literal, cleaned text: markup and control characters in a log
never reach the terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from perda_tui.tui.common.text import clean, literal

if TYPE_CHECKING:
    from perda_tui.logs import Log

#: Line numbers of skipped rows named in the one-line summary.
SUMMARY_LINES = 3


def has_problems(log: Log) -> bool:
    """True when the parser skipped rows or noticed anything."""
    return bool(log.parse_errors or log.warnings)


def _other_warnings(log: Log) -> list[str]:
    """The warnings besides the skipped-rows sentence `Log.load` adds for `parse_errors`."""
    skipped = f"{log.parse_errors} malformed data rows skipped"
    return [w for w in log.warnings if not (log.parse_errors and w.startswith(skipped))]


def problems_summary(log: Log, key: str = "w") -> str:
    """`⚠ 3 rows skipped (lines 12, 40, 41) · 1 warning · w: details`; "" for a clean log."""
    if not has_problems(log):
        return ""
    parts = []
    if log.parse_errors:
        lines = ", ".join(map(str, log.bad_lines[:SUMMARY_LINES]))
        more = ", …" if log.parse_errors > SUMMARY_LINES else ""
        rows = "row" if log.parse_errors == 1 else "rows"
        parts.append(f"{log.parse_errors:,} {rows} skipped (lines {lines}{more})")
    others = _other_warnings(log)
    if others:
        parts.append(f"{len(others)} warning{'s' if len(others) > 1 else ''}")
    return f"⚠ {' · '.join(parts)} · {key}: details"


def problems_report(log: Log) -> list[str]:
    """Every problem, one line each: the skipped rows' line numbers, then each warning."""
    report = []
    if log.parse_errors:
        shown = len(log.bad_lines)
        first = "first " if log.parse_errors > shown else ""
        report.append(
            f"{log.parse_errors:,} malformed data rows skipped; {first}lines: "
            + ", ".join(map(str, log.bad_lines))
        )
    return report + [clean(w) for w in _other_warnings(log)]


class DetailsScreen(ModalScreen[None]):
    """The plot screen's full status line, the log's facts and its parse report; Esc closes."""

    DEFAULT_CSS = """
    DetailsScreen {
        align: center middle;
    }
    DetailsScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    DetailsScreen VerticalScroll {
        height: auto;
        max-height: 20;
    }
    DetailsScreen .heading {
        text-style: bold;
        margin-top: 1;
    }
    DetailsScreen #details-hint {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,w,q", "close", "Close", id="details.close"),
    ]

    def __init__(self, log: Log, source_name: str, view: str) -> None:
        super().__init__()
        self.source_log = log
        self.source_name = source_name
        self.view = view

    def compose(self) -> ComposeResult:
        log = self.source_log
        recorded = log.recording_time.strftime("%Y-%m-%d %H:%M:%S") if log.recording_time else "-"
        facts = [
            f"recorded {recorded} (the wall-clock time of raw timestamp 0)",
            f"{len(log)} signals, {log.sample_count:,} samples, time unit {log.time_unit}",
        ]
        report = problems_report(log)
        with Vertical():
            yield Label(literal(self.source_name, "bold"), id="details-title")
            with VerticalScroll(id="details-body"):
                yield Static(Text(self.view), id="details-view")
                yield Static("Log", classes="heading")
                yield Static(Text("\n".join(facts)), id="details-log")
                yield Static("Parse report", classes="heading")
                if not report:
                    yield Static("no problems: every row was read", id="details-clean")
                for line in report:
                    yield Static(Text(f"• {line}"), classes="problem")
            yield Label("Esc closes · ↑/↓ scroll", id="details-hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
