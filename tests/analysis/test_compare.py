"""Run comparison: alignment, delta trace and summary table against numpy references."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest

from perda_tui.analysis.align import AlignError, Alignment
from perda_tui.analysis.compare import (
    Run,
    delta,
    integral,
    run_seconds,
    signal_stats,
    sort_rows,
    summary,
    summary_columns,
    summary_csv,
    summary_json,
)
from perda_tui.logs import Log, Signal


def make_log(offset_s: float, scale: float) -> Log:
    """Speed rising from standstill after `offset_s` s (µs timestamps), power = speed·scale."""
    t = np.arange(0, 60_000_000, 10_000, dtype=np.int64) + 5_000_000
    seconds = (t - t[0]) * 1e-6
    speed = np.clip(seconds - offset_s, 0, None) * 2.0 * scale
    return Log(
        [
            Signal(t, speed, "speed"),
            Signal(t[::10], speed[::10] * 0.5, "power"),
        ],
        time_unit="us",
    )


def test_alignment_parse() -> None:
    assert Alignment.parse("start") == Alignment()
    assert Alignment.parse("event: speed > 5") == Alignment("event", "speed > 5")
    assert str(Alignment.parse("event:speed>5")) == "event:speed>5"
    for bad in ("", "end", "event:", "event:" + "x" * 600):
        with pytest.raises(AlignError):
            Alignment.parse(bad)


def test_event_zero_is_the_first_sample_where_it_holds() -> None:
    log = make_log(3.0, 1.0)
    speed = log["speed"]
    expected = speed.timestamps[np.flatnonzero(speed.values > 5)[0]]
    assert Alignment("event", "speed > 5").zero(log) == expected
    assert Alignment().zero(log) == log.start_time
    with pytest.raises(AlignError, match="never holds"):
        Alignment("event", "speed > 1000").zero(log)
    with pytest.raises(AlignError, match="not in this log"):
        Alignment("event", "nope > 1").zero(log)
    with pytest.raises(AlignError):
        Alignment("event", "speed >").zero(log)


def test_event_alignment_lines_runs_up() -> None:
    early, late = make_log(2.0, 1.0), make_log(7.5, 1.0)
    align = Alignment("event", "speed > 1")
    ta = run_seconds(early["speed"], align.zero(early))
    tb = run_seconds(late["speed"], align.zero(late))
    # same motion after the event: the values agree at the same aligned time
    common = np.intersect1d(np.round(ta, 6), np.round(tb, 6))
    va = np.interp(common, ta, early["speed"].values)
    vb = np.interp(common, tb, late["speed"].values)
    assert np.allclose(va[common > 0], vb[common > 0])


def test_delta_is_b_minus_a_on_a_timestamps() -> None:
    a, b = make_log(0.0, 1.0), make_log(0.0, 1.2)
    t, d = delta(a["speed"], a.start_time or 0, b["speed"], b.start_time or 0, 0.0, 0.5)
    ta = run_seconds(a["speed"], a.start_time or 0)
    tb = run_seconds(b["speed"], b.start_time or 0, 0.5)
    inside = (ta >= tb[0]) & (ta <= tb[-1])
    assert np.array_equal(t, ta[inside])
    assert np.allclose(d, np.interp(ta[inside], tb, b["speed"].values) - a["speed"].values[inside])
    assert t[0] >= 0.5  # B starts half a second later


def test_summary_against_numpy() -> None:
    runs = [
        Run("a.csv", make_log(0.0, 1.0), {"driver": "AB", "track": "X"}),
        Run("b.csv", make_log(0.0, 1.5), {"driver": "JS"}),
    ]
    rows = summary(runs, ["speed", "power", "missing"], ["driver", "track"])
    power = runs[1].log["power"]
    seconds = (power.timestamps - power.timestamps[0]) * 1e-6
    lo, hi, mean, area = rows[1].stats["power"]
    assert (lo, hi, mean) == (power.values.min(), power.values.max(), power.values.mean())
    assert area == pytest.approx(np.trapezoid(power.values, seconds))
    assert integral(power) == area
    assert all(math.isnan(v) for v in rows[0].stats["missing"])
    assert rows[0].duration_s == pytest.approx(runs[0].log.duration_s)
    assert rows[1].metadata == ("JS", "")
    assert runs[0].label == "a.csv (AB)"


def test_signal_stats_edge_cases_and_precomputed_figures() -> None:
    """Empty, one sample and NaN against numpy; `summary` takes figures computed elsewhere
    (the compare screen's worker) and asks for each (run, signal) once."""
    t = np.array([0, 1_000_000, 2_000_000], dtype=np.int64)
    log = Log(
        [
            Signal(t[:0], np.empty(0), "empty"),
            Signal(t[:1], np.array([4.0]), "one"),
            Signal(t, np.array([1.0, np.nan, 3.0]), "gap"),
        ],
        time_unit="us",
    )
    assert all(math.isnan(v) for v in signal_stats(log, "empty"))
    assert all(math.isnan(v) for v in signal_stats(log, "absent"))
    assert signal_stats(log, "one") == (4.0, 4.0, 4.0, 0.0)
    gap = signal_stats(log, "gap")
    values = log["gap"].values
    assert [math.isnan(v) for v in gap[:3]] == [
        math.isnan(v) for v in (values.min(), values.max(), values.mean())
    ]
    assert math.isnan(gap[3]) == math.isnan(np.trapezoid(values, [0.0, 1.0, 2.0]))
    runs = [Run("a.csv", make_log(0.0, 1.0)), Run("b.csv", make_log(2.0, 1.5))]
    asked: list[tuple[str, str]] = []

    def figures(run: Run, name: str) -> tuple[float, float, float, float]:
        asked.append((run.name, name))
        return signal_stats(run.log, name)

    rows = summary(runs, ["speed", "power"], stats=figures)
    assert sorted(asked) == sorted((r.name, n) for r in runs for n in ("speed", "power"))
    reference = summary(runs, ["speed", "power"])
    assert [r.stats for r in rows] == [r.stats for r in reference]


def test_sorting_csv_and_json() -> None:
    runs = [
        Run(f"{n}.csv", make_log(0.0, s), {"driver": d})
        for n, s, d in [("a", 1.0, "B"), ("b", 2.0, ""), ("c", 0.5, "A")]
    ]
    rows = summary(runs, ["speed"], ["driver"])
    by_max = sort_rows(rows, "speed:max", descending=True)
    assert [r.run.name for r in by_max] == ["b.csv", "a.csv", "c.csv"]
    by_driver = sort_rows(rows, "driver", descending=False)
    assert [r.run.name for r in by_driver] == ["c.csv", "a.csv", "b.csv"]  # empty last
    text = summary_csv(rows, ["speed"], ["driver"])
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == summary_columns(["speed"], ["driver"])
    assert float(table[2][table[0].index("speed:max")]) == pytest.approx(
        runs[1].log["speed"].values.max()
    )
    doc = summary_json(rows, ["speed"], ["driver"])
    assert doc[0]["signals"]["speed"]["mean"] == runs[0].log["speed"].values.mean()  # type: ignore[index]
