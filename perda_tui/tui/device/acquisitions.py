"""The acquisitions stored on the Scrutiny server: list (name, time, firmware), open,
rename, delete. Dismisses with the reference id to open, or None.

Every server call runs in a thread worker; the list is reloaded after a change.
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
from textual.widgets import DataTable, Footer, Static

from perda_tui.clients.scrutiny import DataloggingStorageEntry, ScrutinyClient
from perda_tui.errors import describe
from perda_tui.tui.common.prompt import ConfirmScreen, PromptScreen
from perda_tui.tui.common.text import literal

COLUMNS = ("name", "time", "firmware")


def entry_cells(entry: DataloggingStorageEntry) -> list[Text]:
    """Name (or the id when unnamed), local time, project or firmware id."""
    name = literal(entry.name) if entry.name else Text(entry.reference_id[:12], style="dim")
    when = entry.timestamp.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return [name, Text(when), literal(entry.project_name or entry.firmware_id[:16], "dim")]


def name_error(text: str) -> str | None:
    """Why a new acquisition name is refused (None: fine)."""
    return "at most 100 characters" if len(text) > 100 else None


class AcquisitionsScreen(ModalScreen[str | None]):
    """Stored acquisitions; Enter opens the highlighted one in the plot screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="device.acquisitions.close"),
        Binding("o", "open", "Open", id="device.acquisitions.open"),
        Binding("r", "rename", "Rename", id="device.acquisitions.rename"),
        Binding("d,delete", "delete", "Delete", id="device.acquisitions.delete"),
    ]

    def __init__(self, client: ScrutinyClient) -> None:
        super().__init__()
        self.client = client
        self.entries: dict[str, DataloggingStorageEntry] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="acquisitions"):
            yield Static("Stored acquisitions", id="acquisitions-title")
            table = DataTable[Text](id="acquisitions-table", cursor_type="row")
            for column in COLUMNS:
                table.add_column(column, key=column)
            yield table
            yield Static("Loading…", id="acquisitions-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.reload()

    def reload(self) -> None:
        """List the acquisitions again."""
        self._call(self.client.list_stored_datalogging_acquisitions, self._show)

    @work(thread=True, group="acquisitions", exit_on_error=False)
    def _call(self, call: Callable[[], object], then: Callable[[object], None]) -> None:
        try:
            result = call()
        except Exception as exc:  # noqa: BLE001 - the server's answer is shown in the dialog
            self.app.call_from_thread(self._note, describe(exc))
        else:
            self.app.call_from_thread(then, result)

    def _note(self, text: str) -> None:
        self.query_one("#acquisitions-note", Static).update(literal(text))

    def _show(self, result: object) -> None:
        entries = result if isinstance(result, list) else []
        self.entries = {e.reference_id: e for e in entries}
        table = self.query_one(DataTable)
        table.clear()
        for entry in entries:
            table.add_row(*entry_cells(entry), key=entry.reference_id)
        self._note(f"{len(entries)} stored · Enter/o open · r rename · d delete")

    def highlighted(self) -> DataloggingStorageEntry | None:
        """The entry under the cursor."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.entries.get(key or "")

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        """Close, asking the device screen to fetch and plot the highlighted acquisition."""
        entry = self.highlighted()
        if entry is not None:
            self.dismiss(entry.reference_id)

    def action_rename(self) -> None:
        """Ask for a new name, then rename on the server."""
        entry = self.highlighted()
        if entry is None:
            return

        def renamed(name: str | None) -> None:
            if name is not None and name.strip():
                reference = entry.reference_id
                self._call(
                    lambda: self.client.update_datalogging_acquisition(reference, name.strip()),
                    lambda _: self.reload(),
                )

        self.app.push_screen(PromptScreen("New name", value=entry.name, check=name_error), renamed)

    def action_delete(self) -> None:
        """Ask, then delete the highlighted acquisition on the server."""
        entry = self.highlighted()
        if entry is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                reference = entry.reference_id
                self._call(
                    lambda: self.client.delete_datalogging_acquisition(reference),
                    lambda _: self.reload(),
                )

        label = entry.name or entry.reference_id
        self.app.push_screen(ConfirmScreen(f"Delete the acquisition {label!r}?"), answered)
