"""`Picker`: a compact `Select` that takes what is typed into it.

A plain `Select` ignores printable keys while closed, so they reach the screen's
shortcuts (typing `3` on the plot-keyword picker switched tabs). A `Picker` keeps them:
a typed character opens the list and searches it, as it does once the list is open.
"""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.widgets import Select

T = TypeVar("T")


class Picker(Select[T]):
    """A `Select` whose typed characters open the list and search it (never shortcuts)."""

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return character is not None and character.isprintable() and character != " "

    async def _on_key(self, event: events.Key) -> None:
        if self.expanded or not self.check_consume_key(event.key, event.character):
            return
        event.stop()
        event.prevent_default()
        self.expanded = True
        # the open list searches what is typed (by type name: its class is not public)
        self.query_one("SelectOverlay").post_message(events.Key(event.key, event.character))
