"""`perda-tui compare LOG... --signal S...`: a summary table of several runs (min, max,
mean, integral per signal, duration, metadata), aligned at their start or at an event.

Each LOG is opened as by `perda-tui plot` (a local file, else a server key through the
cache); the logs load in parallel and one that fails is reported without stopping the
others. A local log's metadata comes from `NAME.meta.json` beside it, when present.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from perda_tui.errors import describe
from perda_tui.text import without_control
from perda_tui.units import duration

if TYPE_CHECKING:
    from perda_tui.analysis.compare import Run, SummaryRow
    from perda_tui.logs import Log

#: A metadata file larger than this is ignored.
MAX_METADATA_BYTES = 1024 * 1024
#: Logs parsed at the same time (each parse uses two threads of its own).
PARALLEL = 4


def local_metadata(source: str) -> dict[str, str | float]:
    """String and numeric metadata (and `tags`, comma-joined) from `NAME.meta.json`
    beside a local log; empty when there is none or it cannot be read."""
    path = Path(source).expanduser().with_suffix(".meta.json")
    try:
        if path.stat().st_size > MAX_METADATA_BYTES:
            return {}
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict):
        return {}
    found: dict[str, str | float] = {}
    for key in ("string_metadata", "numeric_metadata"):
        table = doc.get(key)
        if isinstance(table, dict):
            found.update({str(k): v for k, v in table.items() if isinstance(v, str | int | float)})
    tags = doc.get("tags")
    if isinstance(tags, list) and tags:
        found["tags"] = ", ".join(str(t) for t in tags)
    return found


def open_logs(args: argparse.Namespace, sources: Sequence[str]) -> list[Log | Exception]:
    """Each source opened as by `perda-tui plot` (`cli.plot.load_source`), in parallel;
    a failure is returned in its place."""
    from perda_tui.cli.passwords import PASSWORD_ENV, given_password
    from perda_tui.cli.plot import load_source

    if getattr(args, "password_stdin", False):
        # read the piped password once for every server key of this process
        password = given_password(args)
        if password is not None:
            os.environ[PASSWORD_ENV] = password
        args = argparse.Namespace(**{**vars(args), "password_stdin": False})

    def one(source: str) -> Log | Exception:
        try:
            return load_source(argparse.Namespace(**{**vars(args), "source": source}))
        except Exception as exc:  # noqa: BLE001 - reported for this log, the others go on
            return exc

    with ThreadPoolExecutor(max_workers=min(PARALLEL, max(1, len(sources)))) as pool:
        return list(pool.map(one, sources))


def compare_command(args: argparse.Namespace) -> int:
    """Handler of `perda-tui compare`: the summary table (or JSON) of the runs."""
    from perda_tui.analysis.align import AlignError, Alignment
    from perda_tui.analysis.compare import MAX_RUNS, Run, summary

    if len(args.logs) > MAX_RUNS:
        raise ValueError(f"at most {MAX_RUNS} logs at once, not {len(args.logs)}")
    alignment = Alignment.parse(args.align)
    runs: list[Run] = []
    zeros: list[float] = []
    failed = 0
    for source, loaded in zip(args.logs, open_logs(args, args.logs), strict=True):
        if isinstance(loaded, Exception):
            print(f"perda-tui: {source}: {without_control(describe(loaded), ' ')}", file=sys.stderr)
            failed += 1
            continue
        try:
            zeros.append(alignment.zero(loaded))
        except AlignError as exc:
            print(f"perda-tui: {source}: {without_control(describe(exc), ' ')}", file=sys.stderr)
            failed += 1
            continue
        runs.append(Run(Path(source).name, loaded, local_metadata(source)))
    if not runs:
        return 1
    metadata = list(args.metadata)
    rows = summary(runs, args.signals, metadata)
    offsets = [
        (zero - (run.log.start_time or 0)) * run.log.seconds_per_unit
        for run, zero in zip(runs, zeros, strict=True)
    ]
    if args.json:
        print(json.dumps(compare_json(rows, offsets, args, metadata), indent=2))
    else:
        summary_text = format_summary(rows, offsets, args.signals, metadata, str(alignment))
        print(without_control(summary_text, keep="\n"))  # names and metadata from the logs
    return 1 if failed else 0


def compare_json(
    rows: Sequence[SummaryRow],
    offsets: Sequence[float],
    args: argparse.Namespace,
    metadata: Sequence[str],
) -> dict[str, object]:
    """The JSON document of `perda-tui compare --json`."""
    from perda_tui.analysis.compare import summary_json

    runs = summary_json(rows, args.signals, metadata)
    for run, offset in zip(runs, offsets, strict=True):
        run["zero_s"] = round(offset, 6)
    return {"align": args.align, "signals": list(args.signals), "runs": runs}


def _number(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.5g}"


def format_summary(
    rows: Sequence[SummaryRow],
    offsets: Sequence[float],
    signals: Sequence[str],
    metadata: Sequence[str],
    align: str,
) -> str:
    """The summary as text: the runs with duration, zero and metadata, then one block per
    signal with min, max, mean and integral of each run."""
    label_width = max(len(r.run.label) for r in rows)
    head = ["run".ljust(label_width), "duration".rjust(9), "zero s".rjust(9)]
    head += [key[:16].ljust(16) for key in metadata]
    lines = [f"aligned at {align}", "  ".join(head).rstrip()]
    for row, offset in zip(rows, offsets, strict=True):
        cells = [row.run.label.ljust(label_width), duration(row.duration_s, decimals=1).rjust(9)]
        cells.append(f"{offset:9.3f}")
        cells += [value[:16].ljust(16) for value in row.metadata]
        lines.append("  ".join(cells).rstrip())
    for name in signals:
        lines += ["", name]
        lines.append("  ".join(["run".ljust(label_width), *(s.rjust(11) for s in _STAT_TITLES)]))
        for row in rows:
            values = [_number(v).rjust(11) for v in row.stats[name]]
            lines.append("  ".join([row.run.label.ljust(label_width), *values]))
    return "\n".join(lines)


_STAT_TITLES = ("min", "max", "mean", "integral·s")
