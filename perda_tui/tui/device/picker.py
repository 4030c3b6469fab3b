"""Pick a watchable from what the loaded firmware description offers (RPVs, aliases,
variables): type to filter, Enter to watch. Dismisses with the path or None.

The list is loaded by a thread worker through `load` (the client's `get_watchable_list`);
at most `SHOWN` matches are listed, so a firmware of 100,000 variables stays responsive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from perda_tui.clients.scrutiny import WatchableEntry, WatchableType
from perda_tui.errors import describe
from perda_tui.tui.common.text import literal

#: Matches listed at most.
SHOWN = 300
KINDS = {
    WatchableType.RuntimePublishedValue: "rpv",
    WatchableType.Alias: "alias",
    WatchableType.Variable: "var",
    WatchableType.NA: "?",
}


def matches(entries: list[WatchableEntry], query: str, limit: int = SHOWN) -> list[WatchableEntry]:
    """Entries whose path holds every word of `query` (case-insensitive), in list order."""
    words = query.lower().split()
    out = []
    for entry in entries:
        path = entry.path.lower()
        if all(word in path for word in words):
            out.append(entry)
            if len(out) >= limit:
                break
    return out


def entry_label(entry: WatchableEntry) -> Text:
    """`path  type kind` with the path literal (server text never becomes markup)."""
    label = literal(entry.path)
    label.append("  ")
    label.append(literal(f"{entry.datatype} {KINDS[entry.type]}", "dim"))
    return label


class WatchPicker(ModalScreen[str | None]):
    """A filterable list of watchables; Enter watches the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="device.picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="device.picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="device.picker.up"),
    ]

    def __init__(self, load: Callable[[], list[WatchableEntry]], watched: set[str]) -> None:
        super().__init__()
        self.load = load
        self.watched = watched
        self.entries: list[WatchableEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static("Watch: RPVs, aliases and variables of the firmware", id="picker-title")
            yield Input(placeholder="type to filter, Enter to watch", id="picker-filter")
            yield OptionList(id="picker-list")
            yield Static("Loading…", id="picker-note")

    def on_mount(self) -> None:
        self.query_one("#picker-filter", Input).cursor_blink = False
        self.query_one("#picker-filter", Input).focus()
        self._load()

    @work(thread=True, exclusive=True, group="picker-load", exit_on_error=False)
    def _load(self) -> None:
        try:
            entries = self.load()
        except Exception as exc:  # noqa: BLE001 - the reason is shown in the dialog
            self.app.call_from_thread(self._note, f"Cannot list the watchables: {describe(exc)}")
        else:
            self.app.call_from_thread(self._loaded, entries)

    def _note(self, text: str) -> None:
        self.query_one("#picker-note", Static).update(literal(text))

    def _loaded(self, entries: list[WatchableEntry]) -> None:
        self.entries = entries
        self._refresh(self.query_one("#picker-filter", Input).value)

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._refresh(event.value)

    def _refresh(self, query: str) -> None:
        shown = matches(self.entries, query)
        options = self.query_one("#picker-list", OptionList)
        options.clear_options()
        options.add_options(
            [Option(entry_label(e), id=e.path, disabled=e.path in self.watched) for e in shown]
        )
        if shown:
            options.highlighted = next(
                (i for i, e in enumerate(shown) if e.path not in self.watched), None
            )
        more = " (first shown: type to narrow)" if len(shown) >= SHOWN else ""
        self._note(f"{len(shown)} of {len(self.entries)} watchables{more}")

    def action_move(self, step: int) -> None:
        """Move the highlight while typing in the filter."""
        options = self.query_one("#picker-list", OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    @on(Input.Submitted, "#picker-filter")
    @on(OptionList.OptionSelected, "#picker-list")
    def _chosen(self) -> None:
        options = self.query_one("#picker-list", OptionList)
        index = options.highlighted
        if index is None:
            return
        option = options.get_option_at_index(index)
        if option.id is not None and not option.disabled:
            self.dismiss(option.id)
