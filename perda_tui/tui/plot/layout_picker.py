"""`LayoutPicker`: load a named layout, or save the chart's layout under a name (`L`).

The layouts this log can show are numbered: `L` then `1`-`9` loads one.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from perda_tui.tui.common.text import literal
from perda_tui.tui.plot.layouts import DEFAULT_NAME, Layout, check_name
from perda_tui.units import plural

#: Layouts loadable with one digit key.
NUMBERED = 9


@dataclass(frozen=True)
class LayoutChoice:
    """What the user chose: load, save or delete the layout `name`."""

    action: Literal["load", "save", "delete"]
    name: str


class LayoutPicker(ModalScreen[LayoutChoice | None]):
    """Named layouts (those whose signals this log lacks are greyed out) and a name box."""

    DEFAULT_CSS = """
    LayoutPicker {
        align: center middle;
    }
    LayoutPicker > Vertical {
        width: 80%;
        max-width: 90;
        height: auto;
        max-height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    LayoutPicker OptionList {
        height: auto;
        max-height: 12;
        border: none;
    }
    LayoutPicker #layout-error {
        color: $error;
    }
    LayoutPicker #layout-hint {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="layouts.cancel"),
        Binding("delete", "delete", "Delete layout", id="layouts.delete"),
        *(
            Binding(str(n), f"load({n})", f"Load layout {n}", show=False, id=f"layouts.load_{n}")
            for n in range(1, NUMBERED + 1)
        ),
    ]

    def __init__(self, layouts: dict[str, Layout], signals: Container[str]) -> None:
        super().__init__()
        self.layouts = layouts
        self.signals = signals
        usable = [name for name in sorted(layouts) if layouts[name].applies_to(signals)]
        self.numbered = usable[:NUMBERED]
        """The layouts that keys 1-9 load, in order."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("1-9 or Enter loads · type a name, Enter saves this chart")
            options = OptionList(id="layout-list")
            for name, layout in sorted(self.layouts.items()):
                usable = layout.applies_to(self.signals)
                number = self.numbered.index(name) + 1 if name in self.numbered else None
                prompt = Text(f"{number} " if number else "  ", style="bold")
                prompt.append(literal(name, "bold" if usable else "dim"))
                if name == DEFAULT_NAME:
                    prompt.append(" (team default)", style="dim")
                mode = "stacked" if layout.stacked else "overlay"
                detail = f"  {plural(len(layout.signals), 'signal')}, {mode}"
                prompt.append(Text(detail if usable else "  signals missing here", style="dim"))
                options.add_option(Option(prompt, id=name, disabled=not usable))
            yield options
            yield Input(placeholder="save as… (name)", id="layout-name")
            yield Label("", id="layout-error", markup=False)
            yield Label(
                f"Del deletes · {DEFAULT_NAME!r} opens logs never seen · Esc",
                id="layout-hint",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        first = next(
            (i for i in range(options.option_count) if not options.get_option_at_index(i).disabled),
            None,
        )
        if first is None:
            self.query_one(Input).focus()
        else:
            options.highlighted = first
            options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(LayoutChoice("load", event.option.id))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip()
        problem = check_name(name)
        if problem:
            self.query_one("#layout-error", Label).update(problem)
            return
        self.dismiss(LayoutChoice("save", name))

    def action_load(self, number: int) -> None:
        """`1`-`9`: load the layout with that number (typed into the name box, a digit
        is part of the name)."""
        if self.focused is self.query_one(Input) or number > len(self.numbered):
            return
        self.dismiss(LayoutChoice("load", self.numbered[number - 1]))

    def action_delete(self) -> None:
        options = self.query_one(OptionList)
        if self.focused is options and options.highlighted is not None:
            name = options.get_option_at_index(options.highlighted).id
            if name is not None:
                self.dismiss(LayoutChoice("delete", name))

    def action_cancel(self) -> None:
        self.dismiss(None)
