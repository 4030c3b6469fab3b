"""Chart layouts: which signals, axis sides, overlay or stacked, and the window.

One JSON file in the config folder (`layouts.json`, user-only, replaced atomically)
holds the named layouts and the layout last used for each log key. A named layout
applies to any log having its signals; the one named `DEFAULT_NAME` is the team's
default for logs never opened before. The file is bounded (size, counts, name lengths)
and a damaged one is read as empty, never fatal.
"""

from __future__ import annotations

import json
import math
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perda_tui.charts.model import MAX_SERIES
from perda_tui.private_files import private_mkdir, private_write_atomic
from perda_tui.text import has_control

FILE_NAME = "layouts.json"
#: The named layout a log without a remembered one opens with.
DEFAULT_NAME = "default"
#: Bounds on what is read and kept.
MAX_FILE_BYTES = 1_000_000
MAX_NAMED = 200
MAX_REMEMBERED = 500
MAX_NAME = 60
MAX_SIGNAL_NAME = 300


class LayoutError(ValueError):
    """A layout name or file that cannot be used (one-line message)."""


@dataclass(frozen=True)
class Layout:
    """Signals on the chart (in order), those on the right axis, the mode and the
    window in seconds from the start of the log (None: the whole log)."""

    signals: tuple[str, ...]
    right: tuple[str, ...] = ()
    stacked: bool = False
    window: tuple[float, float] | None = None

    def applies_to(self, names: Container[str]) -> bool:
        """True when every signal of the layout is in `names`."""
        return bool(self.signals) and all(name in names for name in self.signals)

    def to_json(self) -> dict[str, Any]:
        return {
            "signals": list(self.signals),
            "right": list(self.right),
            "stacked": self.stacked,
            "window": list(self.window) if self.window else None,
        }

    @classmethod
    def from_json(cls, data: object) -> Layout:
        """A layout from its JSON form; LayoutError if it is not one."""
        if not isinstance(data, dict):
            raise LayoutError("not a layout")
        signals, right = data.get("signals"), data.get("right", [])
        if not (
            isinstance(signals, list)
            and isinstance(right, list)
            and 0 < len(signals) <= MAX_SERIES
            and all(isinstance(s, str) and 0 < len(s) <= MAX_SIGNAL_NAME for s in signals)
            and all(r in signals for r in right)
        ):
            raise LayoutError("a layout needs 1 to 8 signal names")
        window = data.get("window")
        if window is not None:
            if not (
                isinstance(window, list)
                and len(window) == 2
                and all(isinstance(t, int | float) and math.isfinite(t) for t in window)
                and window[0] < window[1]
            ):
                raise LayoutError("a layout window is two increasing numbers")
            window = (float(window[0]), float(window[1]))
        return cls(tuple(signals), tuple(right), bool(data.get("stacked", False)), window)


def check_name(name: str) -> str | None:
    """Why `name` cannot name a layout (one line), or None."""
    if not name.strip():
        return "type a name for the layout"
    if len(name) > MAX_NAME:
        return f"a layout name has at most {MAX_NAME} characters"
    if has_control(name):
        return "a layout name cannot contain control characters"
    return None


class LayoutStore:
    """Named and per-log layouts in `folder`/layouts.json."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE_NAME

    def _read(self) -> tuple[dict[str, Layout], dict[str, Layout]]:
        try:
            with self.path.open("rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            return {}, {}
        if len(raw) > MAX_FILE_BYTES:
            return {}, {}
        try:
            data = json.loads(raw)
        except ValueError:
            return {}, {}
        if not isinstance(data, dict):
            return {}, {}
        return _layouts(data.get("named"), MAX_NAMED), _layouts(data.get("last"), MAX_REMEMBERED)

    def _write(self, named: dict[str, Layout], last: dict[str, Layout]) -> None:
        data = {
            "named": {name: layout.to_json() for name, layout in named.items()},
            "last": {key: layout.to_json() for key, layout in last.items()},
        }
        private_mkdir(self.path.parent)
        private_write_atomic(self.path, json.dumps(data, indent=1))

    def named(self) -> dict[str, Layout]:
        """The named layouts, by name."""
        return self._read()[0]

    def save(self, name: str, layout: Layout) -> None:
        """Save `layout` as `name` (replacing one of that name). LayoutError for a bad
        name or too many layouts; OSError if the file cannot be written."""
        problem = check_name(name)
        if problem:
            raise LayoutError(problem)
        named, last = self._read()
        if name not in named and len(named) >= MAX_NAMED:
            raise LayoutError(f"at most {MAX_NAMED} named layouts: delete one first")
        named[name] = layout
        self._write(named, last)

    def delete(self, name: str) -> None:
        """Forget the named layout `name` (nothing if there is none)."""
        named, last = self._read()
        if named.pop(name, None) is not None:
            self._write(named, last)

    def last_for(self, key: str) -> Layout | None:
        """The layout last used for the log `key`."""
        return self._read()[1].get(key)

    def remember(self, key: str, layout: Layout) -> None:
        """Keep `layout` as the last one of log `key` (the oldest keys are dropped)."""
        named, last = self._read()
        last.pop(key, None)
        last[key] = layout
        while len(last) > MAX_REMEMBERED:
            del last[next(iter(last))]
        self._write(named, last)

    def opening(self, key: str, names: Container[str]) -> Layout | None:
        """What log `key` (with signals `names`) opens with: its last layout, else the
        team default, if their signals are all in the log."""
        named, last = self._read()
        for layout in (last.get(key), named.get(DEFAULT_NAME)):
            if layout is not None and layout.applies_to(names):
                return layout
        return None


def _layouts(data: object, limit: int) -> dict[str, Layout]:
    """The valid layouts of a JSON object (invalid entries are skipped)."""
    if not isinstance(data, dict):
        return {}
    found: dict[str, Layout] = {}
    for name, value in list(data.items())[-limit:]:
        try:
            found[str(name)[:MAX_SIGNAL_NAME]] = Layout.from_json(value)
        except LayoutError:
            continue
    return found
