"""Turning untrusted server text and numbers into safe, readable display strings."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from perda_tui.text import ELLIPSIS, without_control
from perda_tui.text import shorten_middle as shorten_middle  # shared with the charts
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


def _first_difference(names: set[str]) -> int:
    """Index of the first character where `names` (two or more) differ."""
    return next(
        (i for i, chars in enumerate(zip(*names, strict=False)) if len(set(chars)) > 1),
        min(map(len, names)),
    )


def _head_and_first_difference(names: list[str], width: int) -> list[str]:
    """The start of the name, then the rest from just before the first difference."""
    head = max(1, width // 3)
    room = width - head - 1
    start = max(head, _first_difference(set(names)) - 2)
    shown = []
    for name in names:
        rest = name[start:]
        if len(rest) > room:
            rest = rest[: room - 1] + ELLIPSIS
        shown.append(name[:head] + ELLIPSIS + rest)
    return shown


def _around_both_differences(names: list[str], width: int) -> list[str]:
    """The first difference and the end of the name (where the last one is)."""
    from_end = _first_difference({name[::-1] for name in names})
    tail = min(from_end + 3, (width - 1) // 2)
    room = width - tail
    at = _first_difference(set(names))
    shown = []
    for name in names:
        head = _window(name[: len(name) - tail], at - room // 3, room)
        shown.append((head if head.endswith(ELLIPSIS) else head[:-1] + ELLIPSIS) + name[-tail:])
    return shown


def _numbered(names: list[str], width: int) -> list[str]:
    """Last resort: a number per distinct name at the end (`…~2`)."""
    order = {name: n for n, name in enumerate(sorted(set(names)), 1)}
    return [
        f"{shorten_middle(name, width - 1 - len(str(order[name])))}~{order[name]}" for name in names
    ]


def _colliding(names: list[str], short: list[str]) -> list[int]:
    """Indexes of the names whose shortening is also another name's shortening."""
    owners: dict[str, set[str]] = {}
    for name, value in zip(names, short, strict=True):
        owners.setdefault(value, set()).add(name)
    return [i for i, value in enumerate(short) if len(owners[value]) > 1]


def shorten_names(names: list[str], width: int) -> list[str]:
    """Each name shortened in the middle to `width`, never two identical shortenings of
    different names: colliding ones show their start and then where they first differ
    (else the first difference and the end; as a last resort a number)."""
    short = [shorten_middle(name, width) for name in names]
    if width < 4:
        return short
    for strategy in (_head_and_first_difference, _around_both_differences, _numbered):
        colliding = _colliding(names, short)
        if not colliding:
            break
        values = strategy([names[i] for i in colliding], width)
        for index, value in zip(colliding, values, strict=True):
            short[index] = value
    return short
