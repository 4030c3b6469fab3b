"""Turning untrusted server text and numbers into safe, readable display strings."""

from __future__ import annotations

import re
from datetime import datetime

from rich.text import Text

#: C0/C1 control characters and DEL; tabs and newlines are handled separately.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(value: object, *, single_line: bool = True) -> str:
    """Text with control characters removed (escape sequences cannot reach the terminal)."""
    text = _CONTROL.sub("", str(value)).replace("\t", " ")
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


def duration(seconds: float) -> str:
    """Seconds as `m:ss` or `h:mm:ss`."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
