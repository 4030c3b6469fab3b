"""What went wrong while parsing a log: a one-line summary and the full report in a modal.

The text comes from the file (malformed mapping lines are quoted), so it is shown as
literal, cleaned text: markup and control characters in a log never reach the terminal.
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


class ProblemsScreen(ModalScreen[None]):
    """The full parse report of a log; Esc (or the key that opened it) closes it."""

    DEFAULT_CSS = """
    ProblemsScreen {
        align: center middle;
    }
    ProblemsScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        border: round $warning;
        background: $surface;
        padding: 0 1;
    }
    ProblemsScreen VerticalScroll {
        height: auto;
        max-height: 20;
    }
    ProblemsScreen .problem {
        margin-bottom: 1;
    }
    ProblemsScreen #problems-hint {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,w,q", "close", "Close", id="problems.close"),
    ]

    def __init__(self, log: Log, source_name: str) -> None:
        super().__init__()
        self.source_log = log
        self.source_name = source_name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(f"Parse report of {self.source_name}", "bold"), id="problems-title")
            with VerticalScroll(id="problems-list"):
                for line in problems_report(self.source_log):
                    yield Static(Text(f"• {line}"), classes="problem")
            yield Label("Esc closes · ↑/↓ scroll", id="problems-hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
