"""Value snapshots: save the watched values to a file in the cache, show how a saved one
differs from the device now, restore it. Dismisses with the changes to write (restore)
or None; the device screen confirms them once, listing every change, and writes them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from perda_tui.errors import describe
from perda_tui.tui.common.prompt import PromptScreen
from perda_tui.tui.common.text import literal
from perda_tui.tui.device.chart import value_text
from perda_tui.tui.device.records import (
    Scalar,
    Snapshot,
    list_snapshots,
    load_snapshot,
    save_snapshot,
    snapshot_diff,
)

#: A change to write: (path, value now or None when not watched, value to write).
Change = tuple[str, Scalar | None, Scalar]
#: Differences listed under the snapshots at most.
SHOWN = 12


def change_line(change: Change) -> str:
    """`path: now → saved` (`?` when the path is not watched)."""
    path, now, saved = change
    return f"{path}: {'?' if now is None else value_text(now)} → {value_text(saved)}"


def diff_text(changes: list[Change]) -> Text:
    """One line per change (the first `SHOWN`)."""
    if not changes:
        return Text("Same as the device now.", style="dim")
    lines = [change_line(change) for change in changes[:SHOWN]]
    if len(changes) > SHOWN:
        lines.append(f"… and {len(changes) - SHOWN} more")
    return literal("\n".join(lines), single_line=False)


class SnapshotsScreen(ModalScreen[list[Change] | None]):
    """Saved snapshots; the highlighted one is compared with the watched values."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="device.snapshots.close"),
        Binding("s", "save", "Save", id="device.snapshots.save"),
        Binding("r", "restore", "Restore", id="device.snapshots.restore"),
    ]

    def __init__(
        self, cache_dir: Path, current: Callable[[], dict[str, Scalar | None]], firmware_id: str
    ) -> None:
        super().__init__()
        self.cache_dir = cache_dir
        self.current = current
        self.firmware_id = firmware_id
        self.files: list[Path] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="snapshots"):
            yield Static("Value snapshots", id="snapshots-title")
            yield OptionList(id="snapshots-list")
            yield Static(id="snapshots-diff")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()

    def reload(self) -> None:
        """List the saved snapshots again (newest first)."""
        self.files = list_snapshots(self.cache_dir)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(literal(path.stem), id=str(path)) for path in self.files])
        if self.files:
            options.highlighted = 0
        else:
            self._say(Text("No snapshot yet: s saves the watched values.", style="dim"))

    def _say(self, text: Text) -> None:
        self.query_one("#snapshots-diff", Static).update(text)

    def _chosen(self) -> Snapshot | None:
        index = self.query_one(OptionList).highlighted
        if index is None or index >= len(self.files):
            return None
        try:
            return load_snapshot(self.files[index])
        except (OSError, ValueError) as exc:
            self._say(literal(describe(exc), "bold"))
            return None

    def changes(self) -> list[Change]:
        """How the highlighted snapshot differs from the watched values now."""
        snapshot = self._chosen()
        return [] if snapshot is None else snapshot_diff(snapshot, self.current())

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        snapshot = self._chosen()
        if snapshot is not None:
            header = literal(f"taken {snapshot.taken} · {len(snapshot.values)} values\n", "dim")
            self._say(header + diff_text(snapshot_diff(snapshot, self.current())))

    def action_save(self) -> None:
        """Ask for a name and save the watched values that have one."""
        values = {p: v for p, v in self.current().items() if v is not None}
        if not values:
            self._say(Text("Nothing to save: no watched value received yet.", style="bold"))
            return

        def named(name: str | None) -> None:
            if name is not None and name.strip():
                taken = datetime.now(UTC).isoformat(timespec="seconds")
                snapshot = Snapshot(self.firmware_id, taken, values)
                try:
                    save_snapshot(self.cache_dir, name.strip(), snapshot)
                except OSError as exc:
                    self._say(literal(describe(exc), "bold"))
                    return
                self.reload()

        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        self.app.push_screen(PromptScreen("Snapshot name", value=f"snapshot-{stamp}"), named)

    def action_restore(self) -> None:
        """Close with the changes that would bring the device back to the snapshot."""
        changes = self.changes()
        if changes:
            self.dismiss(changes)
        else:
            self._say(Text("Nothing to restore: the device already has these values.", "dim"))
