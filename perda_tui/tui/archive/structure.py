"""`StructurePanel`: a series' description, prime keys, keywords, segments and links."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from perda_tui.clients.drms import SeriesStructure
from perda_tui.tui.common.text import literal


def _table(title: str, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    table = Table(title=literal(title, "bold"), title_justify="left", box=None, expand=True)
    for index, header in enumerate(headers):
        table.add_column(literal(header, "bold"), no_wrap=index == 0, overflow="fold")
    for row in rows:
        table.add_row(*(literal(cell) for cell in row))
    return table


def structure_renderable(structure: SeriesStructure) -> RenderableType:
    """Everything `series_struct` told about a series, as Rich text (server text literal)."""
    head = Text.assemble(
        literal(structure.name, "bold"),
        "\n",
        literal(structure.note),
        "\n",
        ("prime keys: ", "bold"),
        literal(", ".join(structure.primekeys) or "none"),
    )
    if structure.first_record or structure.last_record:
        head.append("\nrecords: ", style="bold")
        head.append_text(literal(f"{structure.first_record} … {structure.last_record}"))
    parts: list[RenderableType] = [head]
    parts.append(
        _table(
            "Keywords",
            ("name", "type", "units", "note"),
            [(k.name, k.type, k.units, k.note) for k in structure.keywords],
        )
    )
    parts.append(
        _table(
            "Segments",
            ("name", "type", "units", "protocol", "dims"),
            [(s.name, s.type, s.units, s.protocol, s.dims) for s in structure.segments],
        )
    )
    if structure.links:
        parts.append(
            _table(
                "Links",
                ("name", "target", "kind"),
                [(link.name, link.target, link.kind) for link in structure.links],
            )
        )
    return Group(*parts)


class StructurePanel(VerticalScroll):
    """Scrollable view of one series' structure."""

    def compose(self) -> ComposeResult:
        yield Static("Highlight a series to read its structure.", classes="structure-body")

    def show(self, structure: SeriesStructure) -> None:
        """Display `structure`."""
        self.query_one(".structure-body", Static).update(structure_renderable(structure))
        self.scroll_home(animate=False)

    def show_text(self, message: str) -> None:
        """Display a plain message (loading, errors)."""
        self.query_one(".structure-body", Static).update(literal(message, single_line=False))
