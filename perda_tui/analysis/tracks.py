"""Lap settings kept in `laps.toml` in the config folder: a start/finish line per track
name (metadata `track`), an optional lap-beacon signal and optional lap-table columns.

```toml
beacon = "timing.lap_beacon"          # laps from this signal's rising edges instead
[tracks."Michigan International Speedway"]
line = [42.0664, -84.2385194, 42.0664, -84.2381564]   # lat1, lon1, lat2, lon2
[[columns]]                            # replaces the default lap-table columns
title = "Max speed"
signal = "gps.speed"
stat = "max"                           # max, min, mean or integral (over seconds)
unit = "km/h"
scale = 1.0
```
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from perda_tui.analysis.lap_table import DEFAULT_COLUMNS, STATS, LapColumn
from perda_tui.analysis.laps import LapError, Line, format_line, parse_line
from perda_tui.private_files import private_mkdir, private_write_atomic

FILE_NAME = "laps.toml"
#: A settings file larger than this is refused (it holds a few lines of text).
MAX_BYTES = 256 * 1024
#: Metadata key of a log's own start/finish line (the sample runs carry one).
LINE_METADATA = "start_finish"


@dataclass(frozen=True)
class LapSettings:
    """Start/finish lines by track name, the lap-beacon signal and the table's columns."""

    lines: Mapping[str, Line] = field(default_factory=dict)
    beacon: str | None = None
    columns: tuple[LapColumn, ...] = DEFAULT_COLUMNS

    def line_for(self, metadata: Mapping[str, str]) -> Line | None:
        """The line of the log's `track` if one is stored, else the log's own
        `start_finish` metadata, else None."""
        track = metadata.get("track", "")
        if track in self.lines:
            return self.lines[track]
        own = metadata.get(LINE_METADATA)
        if own:
            try:
                return parse_line(own)
            except LapError:
                return None
        return None


def _read(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise LapError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES:
        raise LapError(f"{path} is larger than {MAX_BYTES // 1024} KiB: not lap settings")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LapError(f"cannot read {path}: {exc}") from exc


def _column(item: object) -> LapColumn:
    if not isinstance(item, dict):
        raise LapError("each [[columns]] entry is a table with title, signal and stat")
    title, signal, stat = item.get("title"), item.get("signal"), item.get("stat", "max")
    if not isinstance(title, str) or not isinstance(signal, str) or stat not in STATS:
        raise LapError(f"a lap column needs a title, a signal and a stat of {', '.join(STATS)}")
    scale = item.get("scale", 1.0)
    if not isinstance(scale, int | float):
        raise LapError(f"lap column {title!r}: scale is a number")
    unit = item.get("unit", "")
    return LapColumn(title[:40], (signal,), stat, str(unit)[:12], float(scale), 3)


def load_lap_settings(config_dir: Path) -> LapSettings:
    """The settings in `config_dir/laps.toml` (defaults when it is missing); `LapError`
    naming the file and the problem when it cannot be used."""
    path = config_dir / FILE_NAME
    data = _read(path)
    lines: dict[str, Line] = {}
    tracks = data.get("tracks", {})
    if not isinstance(tracks, dict):
        raise LapError(f"{path}: [tracks] must be a table of track names")
    for name, table in tracks.items():
        line = table.get("line") if isinstance(table, dict) else None
        if not isinstance(line, list):
            raise LapError(f"{path}: track {name!r} needs line = [lat1, lon1, lat2, lon2]")
        lines[name] = parse_line(",".join(str(v) for v in line))
    beacon = data.get("beacon")
    if beacon is not None and not isinstance(beacon, str):
        raise LapError(f"{path}: beacon is a signal name")
    columns = data.get("columns")
    if columns is not None and not isinstance(columns, list):
        raise LapError(f"{path}: columns is a list of [[columns]] tables")
    return LapSettings(
        lines,
        beacon or None,
        tuple(_column(c) for c in columns) if columns else DEFAULT_COLUMNS,
    )


def save_line(config_dir: Path, track: str, line: Line) -> Path:
    """Store `line` for `track` in `config_dir/laps.toml` (atomic, user-only), keeping
    everything else in the file."""
    import tomli_w

    if not track.strip():
        raise LapError("the log has no track name (metadata `track`) to store the line under")
    path = config_dir / FILE_NAME
    data = _read(path)
    tracks = data.get("tracks")
    if not isinstance(tracks, dict):
        tracks = {}
    tracks[track] = {"line": [float(v) for v in parse_line(format_line(line))]}
    data["tracks"] = tracks
    private_mkdir(config_dir)
    private_write_atomic(path, tomli_w.dumps(data))
    return path
