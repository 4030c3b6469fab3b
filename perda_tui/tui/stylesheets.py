"""Locating the `.tcss` files both in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
#: Wheel layout first (`perda_tui/styles`), then the checkout's top-level `styles/`.
_SEARCH = (_PACKAGE / "styles", _PACKAGE.parent / "styles")


def stylesheet(name: str) -> Path:
    """Path of `styles/<name>`; raises FileNotFoundError naming the folders searched."""
    for folder in _SEARCH:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(folder) for folder in _SEARCH)
    raise FileNotFoundError(f"stylesheet {name!r} not found in {searched}")
