"""`perda-tui laps LOG [--line LAT1,LON1,LAT2,LON2]`: the lap table of a log.

The start/finish line is `--line`, else the one stored for the log's track (metadata
`track`) in `laps.toml` in the config folder, else the log's own `start_finish`
metadata; with `--beacon SIGNAL` (or `beacon` in `laps.toml`) laps come from that
signal's rising edges instead. `--save` stores `--line` for the track.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from perda_tui.text import without_control
from perda_tui.units import duration

if TYPE_CHECKING:
    from perda_tui.analysis.lap_table import LapColumn, LapRow


def laps_command(args: argparse.Namespace) -> int:
    """Handler of `perda-tui laps`: find the laps and print their table (or JSON)."""
    from perda_tui.analysis.lap_table import lap_table, lap_table_json
    from perda_tui.analysis.laps import LapError, find_laps, format_line, parse_line
    from perda_tui.analysis.tracks import load_lap_settings, save_line
    from perda_tui.cli.compare import local_metadata, open_logs
    from perda_tui.config import config_dir

    settings = load_lap_settings(config_dir())
    metadata = local_metadata(args.source)
    track = args.track or str(metadata.get("track", ""))
    line = parse_line(args.line) if args.line else None
    if args.save:
        if line is None:
            raise LapError("--save stores the --line given with it")
        print(f"stored the line for {track!r} in {save_line(config_dir(), track, line)}")
    beacon = args.beacon or (settings.beacon if line is None else None)
    if line is None and beacon is None:
        line = settings.line_for({**{k: str(v) for k, v in metadata.items()}, "track": track})
    (loaded,) = open_logs(args, [args.source])
    if isinstance(loaded, Exception):
        raise loaded
    laps = find_laps(loaded, line=line, beacon=beacon)
    rows = lap_table(loaded, laps, settings.columns)
    if args.json:
        doc = {
            "log": args.source,
            "track": track,
            "by": f"beacon:{beacon}" if beacon else f"line:{format_line(line)}" if line else "",
            "laps": lap_table_json(rows, settings.columns),
        }
        print(json.dumps(doc, indent=2))
    else:
        print(
            without_control(format_laps(Path(args.source).name, rows, settings.columns), keep="\n")
        )
    return 0


def _lap_time(seconds: float) -> str:
    return duration(seconds, decimals=3)


def format_laps(name: str, rows: Sequence[LapRow], columns: Sequence[LapColumn]) -> str:
    """The lap table as text; the best lap is starred, out/in laps are named."""
    titles = [f"{c.title} [{c.unit}]" if c.unit else c.title for c in columns]
    head = ["lap".ljust(4), "time".rjust(9), "Δ best".rjust(8), *(t.rjust(15) for t in titles)]
    lines = [name, "  ".join(head)]
    for row in rows:
        delta = "" if row.delta is None else f"{row.delta:+.3f}"
        cells = [
            (row.lap.label + (" *" if row.best else "")).ljust(4),
            _lap_time(row.seconds).rjust(9),
            delta.rjust(8),
        ]
        cells += [
            ("-" if math.isnan(v) else f"{v:.{c.decimals}f}").rjust(15)
            for c, v in zip(columns, row.figures, strict=True)
        ]
        lines.append("  ".join(cells))
    best = next((row for row in rows if row.best), None)
    if best is not None:
        lines.append(f"best: lap {best.lap.label} in {_lap_time(best.seconds)} (*)")
    return "\n".join(lines)
