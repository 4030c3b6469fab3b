"""Turning untrusted server text and numbers into safe, readable display strings."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

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


ELLIPSIS = "…"


def shorten_middle(text: str, width: int) -> str:
    """`text` in at most `width` cells, cut in the middle (`pcm.…frontLeft`): both ends
    of a dotted signal name carry meaning."""
    if len(text) <= width:
        return text
    if width <= 1:
        return text[:width]
    tail = (width - 1) // 2 + (width - 1) % 2
    head = width - 1 - tail
    return f"{text[:head]}{ELLIPSIS}{text[len(text) - tail :]}"


def _window(text: str, start: int, width: int) -> str:
    """`width` cells of `text` from about `start`, with an ellipsis on each cut side."""
    if len(text) <= width:
        return text
    start = max(0, min(start, len(text) - width + 1))
    left = ELLIPSIS if start > 0 else ""
    room = width - len(left)
    if start + room < len(text):
        return left + text[start : start + room - 1] + ELLIPSIS
    return left + text[start : start + room]


def shorten_names(names: list[str], width: int) -> list[str]:
    """Each name shortened in the middle to `width`, never two identical shortenings of
    different names: colliding ones show the part where they differ instead."""
    short = [shorten_middle(name, width) for name in names]
    groups: dict[str, list[int]] = {}
    for index, value in enumerate(short):
        groups.setdefault(value, []).append(index)
    for indexes in groups.values():
        distinct = {names[i] for i in indexes}
        if len(distinct) < 2 or width < 3:
            continue
        differ_at = next(
            (i for i, chars in enumerate(zip(*distinct, strict=False)) if len(set(chars)) > 1),
            min(map(len, distinct)),
        )
        for index in indexes:
            short[index] = _window(names[index], differ_at - width // 3, width)
    return short
