"""Comparing runs: several logs on one time axis (each shifted to its own zero), the
difference of a signal between two runs, and a summary table of runs by signals.

A run's time is seconds after its zero (`Alignment.zero`) plus a manual nudge.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from perda_tui.logs import Log, Signal

#: At most this many runs are compared at once (one chart colour each).
MAX_RUNS = 6
#: The summary's statistics per signal, in column order.
SUMMARY_STATS = ("min", "max", "mean", "integral")
#: One signal's summary in `SUMMARY_STATS` order.
Stats = tuple[float, float, float, float]


@dataclass(frozen=True)
class Run:
    """One log in a comparison: its display name, the parsed log and its metadata
    (`driver`, `track`, tags… as strings or numbers)."""

    name: str
    log: Log
    metadata: Mapping[str, str | float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """`name (driver)` when the metadata names a driver."""
        driver = self.metadata.get("driver")
        return f"{self.name} ({driver})" if driver else self.name


def run_seconds(signal: Signal, zero: float, nudge: float = 0.0) -> np.ndarray:
    """The signal's timestamps as seconds after `zero` (raw), shifted by `nudge` seconds."""
    return (signal.timestamps - zero) * signal.seconds_per_unit + nudge


def delta(
    a: Signal, zero_a: float, b: Signal, zero_b: float, nudge_a: float = 0.0, nudge_b: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Run B - run A on A's timestamps (seconds after A's zero) where the runs overlap."""
    ta, tb = run_seconds(a, zero_a, nudge_a), run_seconds(b, zero_b, nudge_b)
    if not len(ta) or len(tb) < 2:
        return np.empty(0), np.empty(0)
    inside = (ta >= tb[0]) & (ta <= tb[-1])
    return ta[inside], np.interp(ta[inside], tb, b.values) - a.values[inside]


def integral(signal: Signal) -> float:
    """∫ value dt over the whole signal (trapezoids, seconds); 0 with fewer than 2 samples."""
    if len(signal) < 2:
        return 0.0
    seconds = (signal.timestamps - signal.timestamps[0]) * signal.seconds_per_unit
    return float(np.trapezoid(signal.values, seconds))


@dataclass(frozen=True)
class SummaryRow:
    """One run of the summary: duration (s), metadata values and, per signal, its
    min, max, mean and integral (NaN where the run lacks the signal)."""

    run: Run
    duration_s: float
    metadata: tuple[str, ...]
    stats: Mapping[str, Stats]

    def value(self, column: str) -> float | str:
        """The cell of `column` (as named by `summary_columns`), for sorting."""
        if column == "run":
            return self.run.label
        if column == "duration_s":
            return self.duration_s
        signal, _, stat = column.rpartition(":")
        if signal in self.stats and stat in SUMMARY_STATS:
            return self.stats[signal][SUMMARY_STATS.index(stat)]
        return str(self.run.metadata.get(column, ""))


def signal_stats(log: Log, name: str) -> Stats:
    """Min, max, mean and integral of signal `name` in `log` (NaN when it lacks it)."""
    if name in log and len(log[name]):
        s = log[name].stats()
        return (s.min, s.max, s.mean, integral(log[name]))
    return (math.nan, math.nan, math.nan, math.nan)


def summary(
    runs: Sequence[Run],
    signals: Sequence[str],
    metadata: Sequence[str] = (),
    stats: Callable[[Run, str], Stats] | None = None,
) -> list[SummaryRow]:
    """The summary table of `runs` for `signals`, with the `metadata` columns; `stats`
    gives a run's figures of a signal (default: `signal_stats`, computed now)."""
    stats_of = stats or (lambda run, name: signal_stats(run.log, name))
    rows = []
    for run in runs:
        figures = {name: stats_of(run, name) for name in signals}
        shown = tuple(str(run.metadata.get(key, "")) for key in metadata)
        rows.append(SummaryRow(run, run.log.duration_s, shown, figures))
    return rows


def summary_columns(signals: Sequence[str], metadata: Sequence[str] = ()) -> list[str]:
    """Column keys of the summary in order: run, duration, metadata, then signal:stat."""
    stats = [f"{name}:{stat}" for name in signals for stat in SUMMARY_STATS]
    return ["run", "duration_s", *metadata, *stats]


def sort_rows(rows: Sequence[SummaryRow], column: str, descending: bool) -> list[SummaryRow]:
    """`rows` ordered by `column`; NaN and empty cells always last."""

    def missing(value: float | str) -> bool:
        return value == "" or (isinstance(value, float) and math.isnan(value))

    def sortable(row: SummaryRow) -> tuple[float, str]:
        value = row.value(column)
        return (value, "") if isinstance(value, float) else (0.0, value.casefold())

    present = [r for r in rows if not missing(r.value(column))]
    present.sort(key=sortable, reverse=descending)
    return present + [r for r in rows if missing(r.value(column))]


def summary_csv(rows: Sequence[SummaryRow], signals: Sequence[str], metadata: Sequence[str]) -> str:
    """The summary as CSV text: one line per run, empty cells for missing values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(summary_columns(signals, metadata))
    for row in rows:
        numbers = [v for name in signals for v in row.stats[name]]
        writer.writerow(
            [
                row.run.label,
                f"{row.duration_s:.3f}",
                *row.metadata,
                *("" if math.isnan(v) else f"{v:.6g}" for v in numbers),
            ]
        )
    return out.getvalue()


def summary_json(
    rows: Sequence[SummaryRow], signals: Sequence[str], metadata: Sequence[str]
) -> list[dict[str, object]]:
    """The summary as JSON-ready dicts (NaN becomes None)."""
    return [
        {
            "run": row.run.name,
            "label": row.run.label,
            "duration_s": round(row.duration_s, 6),
            "metadata": dict(zip(metadata, row.metadata, strict=True)),
            "signals": {
                name: {
                    stat: None if math.isnan(v) else v
                    for stat, v in zip(SUMMARY_STATS, row.stats[name], strict=True)
                }
                for name in signals
            },
        }
        for row in rows
    ]
