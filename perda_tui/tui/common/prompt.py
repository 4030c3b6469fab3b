"""`PromptScreen`: a one-line question in a modal (the plot screen's window and export path)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

#: Checks an answer: an error message to show, or None when the answer is fine.
Check = Callable[[str], str | None]


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line; dismiss with the text on Enter (if `check` accepts it), None on Escape."""

    DEFAULT_CSS = """
    PromptScreen {
        align: center middle;
    }
    PromptScreen > Vertical {
        width: 70%;
        max-width: 80;
        height: auto;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    PromptScreen #prompt-error {
        color: $error;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel")
    ]

    def __init__(
        self, question: str, *, value: str = "", placeholder: str = "", check: Check | None = None
    ) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.placeholder = placeholder
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, id="prompt-question")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Label("", id="prompt-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.check(event.value) if self.check else None
        if error:
            self.query_one("#prompt-error", Label).update(error)
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
