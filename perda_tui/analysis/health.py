"""Data health of a log: per channel, how regularly it was recorded and what went wrong.

For each channel: samples, median rate (from the median sample period), the longest gap
and when it began, the number of gaps (pauses longer than `GAP_PERIODS` median periods),
duplicate timestamps, rows written out of time order (counted by the parser before it
sorts), whether its id was never declared, plus the log's parse report.
Channels are listed worst first: most kinds of problem, then the longest gap measured
in median periods.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from perda_tui.logs.log import UNDECLARED_PREFIX

if TYPE_CHECKING:
    from perda_tui.logs import Log, Signal

#: A pause longer than this many median periods is a gap (as the chart draws it).
GAP_PERIODS = 5.0
#: The median period is taken over at most this many evenly spread periods.
MEDIAN_SAMPLE = 100_001


@dataclass(frozen=True)
class ChannelHealth:
    """Health of one channel; times in seconds from the log's first sample."""

    name: str
    samples: int
    median_rate_hz: float
    longest_gap_s: float
    longest_gap_at_s: float | None
    gaps: int
    duplicates: int
    undeclared: bool
    computed: bool
    problems: tuple[str, ...]

    @property
    def gap_periods(self) -> float:
        """The longest gap in median periods (0 when unknown)."""
        if not self.median_rate_hz or math.isnan(self.median_rate_hz):
            return 0.0
        return self.longest_gap_s * self.median_rate_hz


@dataclass(frozen=True)
class LogHealth:
    """Health of every channel (worst first) and the parser's report."""

    channels: tuple[ChannelHealth, ...]
    parse_errors: int
    bad_lines: tuple[int, ...]
    warnings: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """Plain data for `perda-tui health --json` (NaN as null)."""
        return {
            "parse_errors": self.parse_errors,
            "bad_lines": list(self.bad_lines),
            "warnings": list(self.warnings),
            "channels": [
                {
                    key: _json_number(value)
                    for key, value in asdict(channel).items()
                    if key != "computed"
                }
                | {"problems": list(channel.problems)}
                for channel in self.channels
            ],
        }


def _json_number(value: object) -> object:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def channel_health(signal: Signal, origin: int, *, computed: bool = False) -> ChannelHealth:
    """Health of one signal; `origin` is the log's first raw timestamp."""
    t = signal.timestamps
    spu = signal.seconds_per_unit
    count = int(t.size)
    rate, gap, gap_at, gaps, duplicates = math.nan, 0.0, None, 0, 0
    if count > 1:
        steps = np.diff(t)
        stride = max(1, steps.size // MEDIAN_SAMPLE)
        median = float(np.median(steps[::stride]))
        if median <= 0:  # mostly repeated timestamps: the median of the real steps
            positive = steps[steps > 0]
            median = float(np.median(positive[::stride])) if positive.size else 0.0
        worst = int(np.argmax(steps))
        gap = float(steps[worst]) * spu
        gap_at = (int(t[worst]) - origin) * spu
        duplicates = int(np.count_nonzero(steps == 0))
        if median > 0:
            rate = 1.0 / (median * spu)
            gaps = int(np.count_nonzero(steps > GAP_PERIODS * median))
    undeclared = signal.name.startswith(UNDECLARED_PREFIX)
    problems = []
    if count == 0:
        problems.append("no samples")
    elif count == 1:
        problems.append("one sample")
    if gaps:
        problems.append(f"{gaps} gap{'s' if gaps != 1 else ''} > {GAP_PERIODS:g} periods")
    if duplicates:
        problems.append(f"{duplicates} duplicate timestamp{'s' if duplicates != 1 else ''}")
    if signal.out_of_order:
        problems.append(f"{signal.out_of_order} out of time order")
    if undeclared:
        problems.append("undeclared id")
    return ChannelHealth(
        signal.name,
        count,
        rate,
        gap,
        gap_at,
        gaps,
        duplicates,
        undeclared,
        computed,
        tuple(problems),
    )


def log_health(log: Log) -> LogHealth:
    """Health of every signal of `log`, worst first."""
    origin = log.start_time or 0
    channels = [channel_health(s, origin, computed=log.is_computed(s.name)) for s in log]
    channels.sort(key=lambda c: (-len(c.problems), -c.gap_periods, c.name))
    return LogHealth(tuple(channels), log.parse_errors, tuple(log.bad_lines), tuple(log.warnings))
