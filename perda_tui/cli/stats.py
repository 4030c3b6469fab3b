"""`perda-tui stats LOG NAME_OR_EXPR...`: window statistics of signals and math channels.

LOG is read as for `perda-tui plot` (a local file, or a server key through the cache).
The team's channels (`channels.toml` in the config folder, or `--channels FILE`) and any
`--channel NAME=EXPR` are added to the log first, so their names can be asked for.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from perda_tui.text import without_control
from perda_tui.units import duration

if TYPE_CHECKING:
    from perda_tui.analysis.channels import Applied, TeamFile
    from perda_tui.analysis.stats import WindowStats
    from perda_tui.logs import Log

COLUMNS = ("count", "min", "max", "mean", "std", "first", "last", "rate Hz")


def team(args: argparse.Namespace) -> TeamFile:
    """The team file named by `--channels`, else the one in the config folder."""
    from perda_tui.analysis.channels import load_team_file, team_file
    from perda_tui.config import config_dir

    chosen = getattr(args, "channels_file", None)
    path = Path(chosen).expanduser() if chosen else team_file(config_dir())
    if chosen and not path.is_file():
        raise FileNotFoundError(f"no channels file {path}")
    return load_team_file(path)


def load_with_channels(args: argparse.Namespace) -> tuple[Log, Applied]:
    """The log of `args.source` with the team's channels and `--channel`s added."""
    from perda_tui.analysis.channels import add_channels, parse_definition
    from perda_tui.cli.plot import load_source

    extra = [parse_definition(text) for text in getattr(args, "channel", [])]
    channels = [*team(args).channels, *extra]
    log = load_source(args)
    return log, add_channels(log, channels)


def stats_command(args: argparse.Namespace) -> int:
    """Handler of `perda-tui stats`."""
    from perda_tui.analysis.expressions import ExpressionError
    from perda_tui.analysis.stats import resolve, window_stats

    if args.start is not None and args.end is not None and args.end <= args.start:
        raise ValueError(f"--end ({args.end:g} s) must be after --start ({args.start:g} s)")
    log, applied = load_with_channels(args)
    for name, reason in applied.failed.items():
        print(without_control(f"perda-tui: channel {name}: {reason}", " "), file=sys.stderr)
    rows = []
    for text in args.signals:
        try:
            rows.append(window_stats(log, resolve(log, text), args.start, args.end))
        except ExpressionError as exc:
            absent = applied.unavailable.get(text)
            if absent:
                raise ExpressionError(f"channel {text} needs {', '.join(absent)}") from None
            raise ExpressionError(f"{text}: {exc}") from None
    if args.json:
        document = {
            "log": args.source,
            "start_s": args.start,
            "end_s": args.end,
            "signals": [row.to_json() for row in rows],
            "unavailable": {name: list(names) for name, names in applied.unavailable.items()},
        }
        print(json.dumps(document, indent=2))
    else:
        print(without_control(table(rows), keep="\n"))  # signal names from the log
    return 0


def table(rows: list[WindowStats]) -> str:
    """The statistics as an aligned text table, one signal a row."""

    def number(value: float) -> str:
        return "-" if value != value else f"{value:.6g}"

    def moment(seconds: float | None) -> str:
        return "-" if seconds is None else duration(seconds, decimals=3)

    body = [
        [
            row.name,
            str(row.count),
            *(number(v) for v in (row.min, row.max, row.mean, row.std)),
            moment(row.first_s),
            moment(row.last_s),
            number(row.rate_hz),
        ]
        for row in rows
    ]
    return aligned(["signal", *COLUMNS], body)


def aligned(header: list[str], body: list[list[str]], *, left: tuple[int, ...] = (0,)) -> str:
    """Rows as text columns two spaces apart: the `left` columns left-aligned, the others
    (numbers) right-aligned."""
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if i in left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *body]
    )
