"""The sidebar describing the highlighted log: title, description, tags, metadata tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from perda_tui.tui.common.text import clean, literal, short_time
from perda_tui.units import human_bytes

if TYPE_CHECKING:
    from perda_tui.clients.dataserver import LogEntry


def _field(label: str, value: str) -> Text:
    """`label: value` with the label in bold and the value literal."""
    return Text.assemble((f"{label}: ", "bold"), literal(value))


def _metadata_table(title: str, values: Mapping[str, str | float], number: bool) -> RenderableType:
    if not values:
        return _field(title, "none")
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=True)
    table.add_column("key", ratio=1)
    table.add_column("value", ratio=1, justify="right" if number else "left")
    for key, value in values.items():
        shown = f"{value:g}" if number and isinstance(value, int | float) else clean(value)
        table.add_row(literal(key), literal(shown))
    return table


def describe_entry(entry: LogEntry | None, cached: bool) -> RenderableType:
    """Everything known about one entry, rendered literally (no markup interpreted)."""
    if entry is None:
        return Text("Nothing selected.")
    if entry.is_folder:
        return Group(
            literal(entry.name + "/", "bold"),
            Text("Folder: press Enter to open it."),
            _field("Key", entry.key),
        )
    description = clean(entry.description, single_line=False).strip()
    size = "unknown" if entry.size is None else f"{human_bytes(entry.size)} ({entry.size:,} bytes)"
    return Group(
        literal(entry.title or entry.name, "bold"),
        literal(description or "No description.", single_line=False),
        Text(),
        _field("Tags", ", ".join(clean(tag) for tag in entry.tags) or "none"),
        _metadata_table("String metadata", entry.string_metadata, number=False),
        _metadata_table("Numeric metadata", entry.numeric_metadata, number=True),
        _field("Size", size),
        _field("Modified", short_time(entry.last_modified) or "unknown"),
        _field("Key", entry.key),
        _field("Cache", "✓ in the local cache" if cached else "not downloaded"),
    )


class MetadataPanel(VerticalScroll, can_focus=True):
    """A scrollable description of one entry (focus it to scroll with the keys); call
    `show()` when the highlight moves."""

    def compose(self) -> ComposeResult:
        yield Static(Text("Nothing selected."), id="metadata-body")

    def show(self, entry: LogEntry | None, cached: bool) -> None:
        """Describe `entry` and scroll back to the top."""
        self.query_one("#metadata-body", Static).update(describe_entry(entry, cached))
        self.scroll_home(animate=False)
