"""Human-readable quantities shared by the clients' CLIs and the TUI (no Textual import)."""

from __future__ import annotations

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
