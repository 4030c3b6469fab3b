"""Data health per channel against numpy references on a log with known defects."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from perda_tui.analysis.health import GAP_PERIODS, channel_health, log_health
from perda_tui.logs import Log, Signal


def defective_log() -> Log:
    """`steady` at 100 Hz; `gappy` with two pauses and three repeated timestamps;
    an undeclared id; an empty channel."""
    steady = Signal(np.arange(0, 1_000_000, 10_000), np.zeros(100), "steady", id=1)
    t = np.arange(0, 1_000_000, 10_000)
    t = np.concatenate((t[:30], t[30:60] + 200_000, t[60:] + 900_000))
    t = np.sort(np.concatenate((t, t[[5, 6, 70]])))
    gappy = Signal(t, np.ones(t.size), "gappy", id=2)
    stray = Signal([500_000, 520_000, 540_000], [1.0, 2.0, 3.0], "undeclared.77", id=77)
    empty = Signal([], [], "never", id=3)
    return Log(
        [steady, gappy, stray, empty],
        time_unit="us",
        parse_errors=2,
        bad_lines=[7, 9],
        warnings=["2 malformed data rows skipped", "1 ids sampled but never declared (77)"],
    )


def test_channel_figures_match_numpy() -> None:
    log = defective_log()
    health = channel_health(log["gappy"], log.start_time or 0)
    t = log["gappy"].timestamps
    steps = np.diff(t)
    median = np.median(steps)
    assert health.samples == t.size
    assert health.median_rate_hz == 1 / (median * 1e-6)
    assert health.longest_gap_s == steps.max() * 1e-6
    assert health.longest_gap_at_s == (t[np.argmax(steps)] - log.start_time) * 1e-6
    assert health.gaps == np.count_nonzero(steps > GAP_PERIODS * median) == 2
    assert health.duplicates == np.count_nonzero(steps == 0) == 3
    assert health.problems == ("2 gaps > 5 periods", "3 duplicate timestamps")


def test_worst_first_and_the_parse_report() -> None:
    health = log_health(defective_log())
    names = [c.name for c in health.channels]
    assert names[0] == "gappy"  # two kinds of problem
    assert set(names[1:3]) == {"undeclared.77", "never"}
    assert names[-1] == "steady" and health.channels[-1].problems == ()
    stray = next(c for c in health.channels if c.name == "undeclared.77")
    assert stray.undeclared and "undeclared id" in stray.problems
    never = next(c for c in health.channels if c.name == "never")
    assert never.samples == 0 and math.isnan(never.median_rate_hz)
    document = health.to_json()
    assert document["parse_errors"] == 2 and document["bad_lines"] == [7, 9]
    first = document["channels"][0]
    assert set(first) == {
        "name",
        "samples",
        "median_rate_hz",
        "longest_gap_s",
        "longest_gap_at_s",
        "gaps",
        "duplicates",
        "undeclared",
        "problems",
    }
    assert next(c for c in document["channels"] if c["name"] == "never")["median_rate_hz"] is None


def test_rows_out_of_time_order_counted_before_the_sort(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    times = np.cumsum(rng.integers(1, 100, 500))
    swapped = rng.choice(times.size - 1, 20, replace=False)
    times[swapped], times[swapped + 1] = times[swapped + 1], times[swapped]
    path = tmp_path / "late.csv"
    rows = "".join(f"{t},1,{i}\n" for i, t in enumerate(times))
    path.write_text(f"PER Log: Thu Jun 11 17:06:37 2026 v2.0\nValue A (a): 1\n{rows}")
    late = int(np.count_nonzero(np.diff(times) < 0))
    assert late > 0
    health = log_health(Log.load(path))
    assert health.channels[0].problems == (f"{late} out of time order",)


def test_computed_channels_are_marked() -> None:
    log = defective_log()
    log.add_computed(Signal([0, 10], [1.0, 2.0], "double"), "steady * 2")
    health = log_health(log)
    assert next(c for c in health.channels if c.name == "double").computed
