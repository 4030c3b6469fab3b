"""Writing a sample log: each channel sampled at its own rate with jitter and noise, in
time windows, through the log engine's PER CSV writer (millions of rows take seconds)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from perda_tui.logs.export import per_csv_header, write_per_csv_rows
from perda_tui.samples.channels import Channel, RunT, channels
from perda_tui.samples.vehicle import LAP_S, Run, power_w, speed_kmh

if TYPE_CHECKING:
    import numpy as np

DEFAULT_RECORDED = datetime(2026, 6, 11, 17, 6, 37)
WINDOW_S = 120.0


@dataclass
class Summary:
    """Figures gathered while writing, for the metadata beside the log."""

    rows: int = 0
    duration_s: float = 0.0
    max_speed_kmh: float = 0.0
    energy_kwh: float = 0.0
    laps: int = 0


def _rate_scale(chans: list[Channel[Run]], rows: int, min_duration: float = 30.0) -> float:
    total = sum(c.rate_hz for c in chans)
    return min(1.0, rows / (total * min_duration))


def _window(
    chans: Sequence[Channel[RunT]],
    run: RunT,
    start: float,
    end: float,
    scale: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All samples of one time window, sorted by (time, id)."""
    import numpy as np

    times, ids, values = [], [], []
    for cid, ch in enumerate(chans, start=1):
        rate = max(ch.rate_hz * scale, 0.05)
        first = math.ceil(start * rate - 0.25)
        t = (np.arange(first, math.ceil(end * rate - 0.25)) + 0.25) / rate
        t = t + rng.uniform(0, 2e-4, t.size)
        t = t[(t >= start) & (t < end) & ~((t >= run.dropout[0]) & (t < run.dropout[1]))]
        v = ch.model(run, t)
        if ch.noise:
            v = v + rng.normal(0.0, ch.noise, t.size)
        if ch.non_negative:
            v = np.abs(v)
        times.append(t)
        ids.append(np.full(t.size, cid, dtype=np.int32))
        values.append(np.round(v, ch.decimals))
    t_all = np.concatenate(times)
    order = np.argsort(t_all, kind="stable")
    return t_all[order], np.concatenate(ids)[order], np.concatenate(values)[order]


def write_samples(
    out: BinaryIO,
    chans: Sequence[Channel[RunT]],
    run: RunT,
    scale: float,
    rng: np.random.Generator,
    boot_us: int,
    *,
    rows: int | None = None,
    end: float | None = None,
) -> tuple[int, float]:
    """Write the data rows of `chans` window by window, until `rows` rows are written or
    the run reaches `end` seconds; returns (rows written, time of the last sample)."""
    import numpy as np

    written, last, start = 0, 0.0, 0.0
    while (rows is None or written < rows) and (end is None or start < end):
        stop = start + WINDOW_S if end is None else min(start + WINDOW_S, end)
        t, ids, v = _window(chans, run, start, stop, scale, rng)
        if rows is not None:
            left = rows - written
            t, ids, v = t[:left], ids[:left], v[:left]
        write_per_csv_rows(out, boot_us + np.round(t * 1e6).astype(np.int64), ids, v)
        written += t.size
        if t.size:
            last = float(t[-1])
        start += WINDOW_S
    return written, last


def write_log(path: Path, rows: int, seed: int, recorded: datetime, signals: int | None) -> Summary:
    """Write a log of exactly `rows` data rows, window by window with the log engine's
    PER CSV writer (memory stays bounded); returns the figures for its metadata."""
    import numpy as np

    chans = channels(signals)
    scale = _rate_scale(chans, rows)
    total_rate = sum(max(c.rate_hz * scale, 0.05) for c in chans)
    run = Run.for_duration(rows / total_rate * 1.03)
    rng = np.random.default_rng(seed)
    boot_us = int(rng.integers(1_000_000, 3_000_000))
    summary = Summary()
    path.parent.mkdir(parents=True, exist_ok=True)
    mappings = [(c.name, c.description, i) for i, c in enumerate(chans, start=1)]
    with path.open("wb") as out:
        out.write(per_csv_header(recorded, "us", mappings))
        summary.rows, summary.duration_s = write_samples(
            out, chans, run, scale, rng, boot_us, rows=rows
        )
    grid = np.arange(0.0, summary.duration_s, 0.05)
    summary.max_speed_kmh = round(float(speed_kmh(run, grid).max(initial=0.0)) * 1.04, 1)
    summary.energy_kwh = round(float(np.sum(power_w(run, grid)) * 0.05 / 3.6e6), 3)
    summary.laps = int(float(np.sum(run.driving(grid))) * 0.05 // LAP_S)
    return summary


def write_sample_log(
    path: str | Path,
    rows: int,
    *,
    seed: int = 11,
    recorded: datetime = DEFAULT_RECORDED,
    signals: int | None = None,
) -> Path:
    """Write a realistic PER v2.0 log of exactly `rows` data rows; returns its path.

    `signals` sets the channel count (core channels first, then per-cell voltages).
    """
    path = Path(path)
    write_log(path, rows, seed, recorded, signals)
    return path
