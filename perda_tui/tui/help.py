"""A modal showing a text, and the help that lists the current screen's keys.

The key list is made from the screen's active bindings (focused widget, screen, app), so it
never drifts from what the keys really do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich import box
from rich.console import RenderableType
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from perda_tui.tui.common.text import literal

if TYPE_CHECKING:
    from textual.screen import Screen


def keys_table(screen: Screen[object]) -> RenderableType:
    """The keys active on `screen` with what they do, one row per action, in the order
    the footer uses (the focused widget's first, the app's last)."""
    rows: dict[tuple[int, str], tuple[list[str], str]] = {}
    for namespace, binding, enabled, _tooltip in screen.active_bindings.values():
        if not binding.description or not enabled:
            continue
        keys, _ = rows.setdefault((id(namespace), binding.action), ([], binding.description))
        shown = screen.app.get_key_display(binding)
        if shown not in keys:
            keys.append(shown)
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False)
    table.add_column("Key", no_wrap=True)
    table.add_column("Does")
    for keys, description in rows.values():
        table.add_row(literal(" ".join(keys), "bold"), literal(description))
    return table


class InfoModal(ModalScreen[None]):
    """`body` under `title` in a scrollable box; Esc, q or Enter closes it."""

    DEFAULT_CSS = """
    InfoModal { align: center middle; }
    InfoModal #info-box {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; border-title-style: bold; background: $surface;
        padding: 0 1;
    }
    InfoModal #info-hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", "Close", id="info.close"),
    ]

    def __init__(self, title: str, body: RenderableType) -> None:
        super().__init__()
        self.info_title = title
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="info-box") as box_:
            box_.border_title = self.info_title
            yield Static(self.body, id="info-body")
            yield Static("Esc close · ↑↓ scroll", id="info-hint")

    def on_mount(self) -> None:
        self.query_one("#info-box").focus()

    def action_close(self) -> None:
        """Close the modal."""
        self.dismiss(None)
