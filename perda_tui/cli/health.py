"""`perda-tui health LOG`: per-channel data health of a log, worst first.

LOG is read as for `perda-tui plot`; the team's channels are added (`--channels FILE`)
and listed as computed.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from perda_tui.cli.stats import aligned, load_with_channels
from perda_tui.text import without_control
from perda_tui.units import duration

if TYPE_CHECKING:
    from perda_tui.analysis.health import LogHealth

COLUMNS = ("samples", "rate Hz", "longest gap", "at", "gaps", "dups")


def health_command(args: argparse.Namespace) -> int:
    """Handler of `perda-tui health`."""
    from perda_tui.analysis.health import log_health

    log, applied = load_with_channels(args)
    health = log_health(log)
    if args.json:
        document = {"log": args.source, **health.to_json()}
        document["unavailable_channels"] = {n: list(m) for n, m in applied.unavailable.items()}
        print(json.dumps(document, indent=2))
    else:
        print(without_control(report(health), keep="\n"))  # signal names from the log
    return 0


def report(health: LogHealth) -> str:
    """The parse report, then one row per channel (worst first) with its problems."""
    lines = [f"parse errors: {health.parse_errors}"]
    lines += [f"warning: {w}" for w in health.warnings]
    body = [
        [
            c.name + (" (computed)" if c.computed else ""),
            str(c.samples),
            "-" if c.median_rate_hz != c.median_rate_hz else f"{c.median_rate_hz:.4g}",
            f"{c.longest_gap_s:.3g} s",
            "-" if c.longest_gap_at_s is None else duration(c.longest_gap_at_s, decimals=1),
            str(c.gaps),
            str(c.duplicates),
            ", ".join(c.problems) or "ok",
        ]
        for c in health.channels
    ]
    header = ["channel", *COLUMNS, "problems"]
    lines.append(aligned(header, body, left=(0, len(header) - 1)))
    return "\n".join(lines)
