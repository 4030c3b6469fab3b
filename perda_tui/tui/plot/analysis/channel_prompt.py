"""`ChannelPrompt`: type a math channel `NAME = EXPRESSION`, with signal-name completion.

→ (or End) accepts the greyed completion of the name being typed; the names that match
are listed under the line. Enter adds the channel to this log, Ctrl+S adds it and saves
it to the team file. The team's channels this log cannot compute are listed with the
names they miss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label

from perda_tui.tui.common.text import clean
from perda_tui.tui.stylesheets import stylesheet

if TYPE_CHECKING:
    from pathlib import Path

    from perda_tui.analysis.channels import Channel
    from perda_tui.logs import Log

#: The name being typed at the end of the line.
_PARTIAL = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*$")
#: Names listed under the line as completions.
SHOWN_MATCHES = 4


@dataclass(frozen=True)
class ChannelRequest:
    """The channel the user asked for, and whether to save it to the team file."""

    channel: Channel
    save: bool


def completions(names: list[str], value: str) -> list[str]:
    """Signal names that complete the name at the end of `value` after its `=` (prefix
    matches first, then names containing it), without the one already typed in full."""
    match = _PARTIAL.search(value)
    if match is None or "=" not in value[: match.start()]:
        return []
    partial = match.group()
    lower = partial.lower()
    prefix = [n for n in names if n.lower().startswith(lower) and n != partial]
    inside = [n for n in names if lower in n.lower() and n not in prefix and n != partial]
    return prefix + inside


class NameSuggester(Suggester):
    """Suggests the whole line with the trailing name completed (first prefix match)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(use_cache=True, case_sensitive=True)
        self.names = sorted(names)

    async def get_suggestion(self, value: str) -> str | None:
        match = _PARTIAL.search(value)
        if match is None or "=" not in value[: match.start()]:
            return None
        lower = match.group().lower()
        found = next((n for n in self.names if n.lower().startswith(lower)), None)
        return None if found is None else value[: match.start()] + found


class ChannelPrompt(ModalScreen["ChannelRequest | None"]):
    """Ask for `NAME = EXPRESSION`; dismiss with the request, or None on Escape."""

    CSS_PATH = stylesheet("analysis.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="channel.cancel"),
        Binding("ctrl+s", "save", "Add and save", id="channel.save"),
    ]

    def __init__(
        self,
        log: Log,
        team_path: Path,
        *,
        unavailable: dict[str, tuple[str, ...]],
        failed: dict[str, str],
    ) -> None:
        super().__init__()
        self.source_log = log
        self.team_path = team_path
        self.unavailable = unavailable
        self.failed = failed
        self.names = sorted(log.names)

    def compose(self) -> ComposeResult:
        with Vertical(id="channel-box"):
            yield Label("Math channel: NAME = EXPRESSION", id="channel-question", markup=False)
            yield Label(
                "→ completes a signal name · Enter adds · Ctrl+S adds and saves",
                id="channel-keys",
                markup=False,
            )
            yield Input(
                placeholder="power_kw = ams.pack.voltage * ams.pack.current / 1000",
                id="channel-input",
                suggester=NameSuggester(self.names),
            )
            yield Label("", id="channel-error", markup=False)
            yield Label("", id="channel-matches", markup=False)
            yield Label(self._unavailable_text(), id="channel-unavailable", markup=False)

    def _unavailable_text(self) -> str:
        lines = [f"{n}: needs {', '.join(m)}" for n, m in self.unavailable.items()]
        lines += [f"{n}: {reason}" for n, reason in self.failed.items()]
        where = f"team channels: {self.team_path.name} in the config folder (perda-tui locate)"
        if not lines:
            return where
        return where + "\nunavailable here:\n" + "\n".join(clean(line) for line in lines)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        found = completions(self.names, event.value)
        shown = ", ".join(found[:SHOWN_MATCHES]) + (" …" if len(found) > SHOWN_MATCHES else "")
        self.query_one("#channel-matches", Label).update(shown)
        self.query_one("#channel-error", Label).update("")

    def _request(self, save: bool) -> None:
        from perda_tui.analysis.channels import parse_definition
        from perda_tui.analysis.expressions import ExpressionError, missing

        text = self.query_one("#channel-input", Input).value
        try:
            channel = parse_definition(text)
            absent = missing(channel.expression, self.source_log)
            if absent:
                raise ExpressionError(f"not in this log: {', '.join(absent)}")
            if channel.name in self.source_log and not self.source_log.is_computed(channel.name):
                raise ExpressionError(f"{channel.name} is a recorded signal: pick another name")
        except ExpressionError as exc:
            self.query_one("#channel-error", Label).update(clean(str(exc)))
            return
        self.dismiss(ChannelRequest(channel, save))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._request(save=False)

    def action_save(self) -> None:
        self._request(save=True)

    def action_cancel(self) -> None:
        self.dismiss(None)
