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
