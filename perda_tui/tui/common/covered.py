"""A covered screen's text fields stop blinking until the screen is shown again."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Input


def blink_inputs(screen: Screen, blink: bool) -> None:
    """Let `screen`'s inputs blink their cursors, or not: a screen that stays mounted
    under another (the sign-in screen under the browser, the browser under a plot) would
    otherwise wake the app twice a second for a cursor nobody sees."""
    for field in screen.query(Input):
        field.cursor_blink = blink
