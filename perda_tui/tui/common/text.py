"""Turning untrusted server text and numbers into safe, readable display strings."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from perda_tui.text import ELLIPSIS as ELLIPSIS
from perda_tui.text import shorten_middle as shorten_middle  # shared with the charts
from perda_tui.text import shorten_names as shorten_names  # shared with the charts
from perda_tui.text import without_control
from perda_tui.units import duration as duration  # the one formatter, shared with the CLI


def clean(value: object, *, single_line: bool = True) -> str:
    """Text with control characters removed (escape sequences cannot reach the terminal)."""
    text = without_control(str(value), keep="\t\n").replace("\t", " ")
    return " ".join(text.split()) if single_line else text.replace("\r", "")


def literal(value: object, style: str = "", *, single_line: bool = True) -> Text:
    """A Rich `Text` shown exactly as written: markup in it is never interpreted."""
    return Text(clean(value, single_line=single_line), style=style)


def short_time(stamp: str | None) -> str:
    """An ISO-8601 time as `YYYY-MM-DD HH:MM` (UTC as sent); other text cleaned and kept."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return clean(stamp)
    return moment.strftime("%Y-%m-%d %H:%M")
