"""The lap table: one row per lap with its time, Δ to the best lap and per-lap figures
(columns such as max speed, energy and min cell voltage, configurable by signal)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from perda_tui.analysis.laps import Lap, best_lap

if TYPE_CHECKING:
    from perda_tui.logs import Log, Signal

Stat = Literal["max", "min", "mean", "integral"]
STATS: tuple[Stat, ...] = ("max", "min", "mean", "integral")


@dataclass(frozen=True)
class LapColumn:
    """A figure per lap: `stat` of the first of `signals` the log has, times `scale`.

    `integral` is over seconds, so a power in kW with `scale` 1/3600 gives kWh.
    """

    title: str
    signals: tuple[str, ...]
    stat: Stat
    unit: str = ""
    scale: float = 1.0
    decimals: int = 1

    def signal(self, log: Log) -> Signal | None:
        """The first of `signals` present in `log`."""
        return next((log[name] for name in self.signals if name in log), None)


#: The lap table's columns unless the config names others.
DEFAULT_COLUMNS = (
    LapColumn(
        "Max speed",
        ("gps.speed", "pcm.wheelSpeeds.frontLeft", "pcm.wheelSpeeds.frontRight"),
        "max",
        "km/h",
    ),
    LapColumn("Energy", ("ams.pack.power",), "integral", "kWh", 1 / 3600, 3),
    LapColumn("Min cell", ("ams.cells.v_min",), "min", "V", 1.0, 3),
)


@dataclass(frozen=True)
class LapRow:
    """One lap of the table: the lap, its time (s), Δ to the best timed lap (s, None for
    out/in laps) and one figure per column (NaN where the log lacks the signal)."""

    lap: Lap
    seconds: float
    delta: float | None
    figures: tuple[float, ...]
    best: bool = False


def lap_figure(signal: Signal, start: float, end: float, stat: Stat) -> float:
    """`stat` of `signal` over raw times [start, end]; NaN without samples."""
    window = signal.trim(start, end)
    values = window.values
    if not len(values):
        return math.nan
    if stat == "max":
        return float(values.max())
    if stat == "min":
        return float(values.min())
    if stat == "mean":
        return float(values.mean())
    seconds = (window.timestamps - window.timestamps[0]) * signal.seconds_per_unit
    return float(np.trapezoid(values, seconds)) if len(values) > 1 else 0.0


def lap_table(
    log: Log, laps: Sequence[Lap], columns: Sequence[LapColumn] = DEFAULT_COLUMNS
) -> list[LapRow]:
    """The rows of the lap table for `laps` of `log`."""
    spu = log.seconds_per_unit
    best = best_lap(laps)
    best_s = best.seconds(spu) if best is not None else None
    signals = [column.signal(log) for column in columns]
    rows = []
    for lap in laps:
        seconds = lap.seconds(spu)
        figures = tuple(
            math.nan
            if signal is None
            else lap_figure(signal, lap.start, lap.end, column.stat) * column.scale
            for column, signal in zip(columns, signals, strict=True)
        )
        timed = lap.kind == "timed" and best_s is not None
        rows.append(
            LapRow(
                lap,
                seconds,
                seconds - best_s if timed and best_s is not None else None,
                figures,
                best=lap == best,
            )
        )
    return rows


def lap_table_json(rows: Sequence[LapRow], columns: Sequence[LapColumn]) -> list[dict[str, object]]:
    """The table as JSON-ready dicts (NaN becomes None)."""

    def number(value: float) -> float | None:
        return None if math.isnan(value) else round(value, 6)

    return [
        {
            "lap": row.lap.label,
            "kind": row.lap.kind,
            "time_s": round(row.seconds, 4),
            "delta_s": None if row.delta is None else round(row.delta, 4),
            "best": row.best,
            **{
                column.title: number(value)
                for column, value in zip(columns, row.figures, strict=True)
            },
        }
        for row in rows
    ]
