"""Untrusted text made safe to show: one sanitiser for the clients, the CLI and the app.

C0 controls (`\\x00`-`\\x1f`), DEL and C1 controls (`\\x80`-`\\x9f`, which include the
single-byte CSI `\\x9b`) can move the cursor, recolour, retitle or write the clipboard of
a terminal; none of them may reach it from a server's text or become part of a file name.
Bidi embeddings, overrides and isolates (U+202E turns `gpj.exe` into `exe.jpg`) and
zero-width characters (which make two different names look the same) are dropped from
shown text too.
"""

from __future__ import annotations

import re

#: Every C0 control, DEL and every C1 control.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Controls plus invisible formatting: bidi marks, embeddings, overrides and isolates,
#: zero-width space/joiners, word joiner and invisible operators, line/paragraph
#: separators, the byte-order mark.
UNSAFE_CHARACTERS = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def has_control(text: str) -> bool:
    """Whether `text` contains any control character (tab and newline included)."""
    return CONTROL_CHARACTERS.search(text) is not None


def without_control(text: str, replacement: str = "", *, keep: str = "") -> str:
    """`text` with each control or invisible formatting character (`UNSAFE_CHARACTERS`)
    replaced by `replacement`, except those in `keep` (e.g. `keep="\\t\\n"` to handle
    tabs and line breaks separately)."""
    if not keep:
        return UNSAFE_CHARACTERS.sub(replacement, text)
    return UNSAFE_CHARACTERS.sub(
        lambda match: match.group() if match.group() in keep else replacement, text
    )


#: What stands for the cut part of a shortened text.
ELLIPSIS = "…"


def truncated(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, the last one `…` when cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


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
