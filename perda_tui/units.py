"""Human-readable quantities shared by the clients' CLIs and the TUI (no Textual import)."""

from __future__ import annotations

import re

_BINARY_UNITS = ("B", "KiB", "MiB", "GiB")


def human_bytes(count: float | None) -> str:
    """Bytes in binary units to 3 significant digits, up to GiB; `""` when unknown.

    `5` -> `5 B`, `1536` -> `1.5 KiB`, `4096` -> `4 KiB`, `50_000` -> `48.8 KiB`.
    """
    if count is None:
        return ""
    if abs(count) < 1024:
        return f"{count:.0f} B"
    value, power = float(count), 0
    while abs(value) >= 1024 and power < len(_BINARY_UNITS) - 1:
        value /= 1024
        power += 1
    digits = f"{value:.3g}" if abs(value) < 999.5 else f"{value:.0f}"
    return f"{digits} {_BINARY_UNITS[power]}"


def duration(seconds: float, *, decimals: int = 0) -> str:
    """Seconds as `M:SS` or `H:MM:SS`, with `decimals` digits after the seconds.

    `3110` -> `51:50`, `3723` -> `1:02:03`, `125.5` with `decimals=1` -> `2:05.5`.
    """
    sign = "-" if seconds < 0 else ""
    scale = 10**decimals
    steps = round(abs(seconds) * scale)
    whole, fraction = divmod(steps, scale)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return f"{sign}{text}.{fraction:0{decimals}d}" if decimals else f"{sign}{text}"


_TIME = re.compile(r"^\s*(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d*)?|\.\d+)\s*$")


def parse_duration(text: str) -> float:
    """Seconds from `S`, `M:SS` or `H:MM:SS` (decimals allowed on the seconds).

    `90` -> 90.0, `2:00` -> 120.0, `1:02:03` -> 3723.0; `ValueError` otherwise.
    """
    match = _TIME.match(text)
    if not match:
        raise ValueError(f"not a time: {text.strip()!r} (use 120, 2:00 or 1:02:00)")
    first, second, seconds = match.groups()
    parts = [int(p) for p in (first, second) if p is not None]
    hours, minutes = (parts[0], parts[1]) if len(parts) == 2 else (0, parts[0] if parts else 0)
    return hours * 3600 + minutes * 60 + float(seconds)


def plural(count: int, noun: str) -> str:
    """`1 folder`, `2 folders`, `0 files`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
