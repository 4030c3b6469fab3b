"""Laps: crossings of a start/finish line by the GPS track (or a lap beacon), and the lap
table (time, Δ to the best lap, and per-lap figures such as max speed and energy).

Times are the log's raw timestamps (floats: a crossing falls between two samples and is
interpolated). The part of the log before the first crossing is the out-lap, the part
after the last one the in-lap; the laps between crossings are timed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

import numpy as np

from perda_tui.analysis.geo import EARTH_RADIUS_M, find_gps, project

if TYPE_CHECKING:
    from perda_tui.logs import Log, Signal

#: A start/finish line: (lat1, lon1, lat2, lon2) in degrees.
Line = tuple[float, float, float, float]
#: Half-width (m) of a line picked on the track: wider than any track, narrower than a loop.
LINE_HALF_WIDTH_M = 15.0
#: Crossings closer together than this are one crossing (GPS jitter on the line).
MIN_LAP_S = 10.0
LapKind = Literal["out", "timed", "in"]


class LapError(ValueError):
    """Laps cannot be found in this log (no GPS, no crossings, a bad line); one line."""


@dataclass(frozen=True)
class Lap:
    """One lap: `number` (0 for the out-lap), raw start and end times, and its kind."""

    number: int
    start: float
    end: float
    kind: LapKind

    def seconds(self, seconds_per_unit: float) -> float:
        """The lap's duration in seconds."""
        return (self.end - self.start) * seconds_per_unit

    @property
    def label(self) -> str:
        """`out`, `in` or the lap number."""
        return str(self.number) if self.kind == "timed" else self.kind


def gps_signals(log: Log) -> tuple[Signal, Signal]:
    """The log's GPS latitude and longitude signals (`analysis.geo` names); `LapError`
    without them."""
    found = find_gps(log)
    if found is None:
        raise LapError("no GPS latitude/longitude signals (gps.lat, gps.lon) in this log")
    return found


def to_metres(
    lat: np.ndarray, lon: np.ndarray, centre: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Metres east and north of `centre` (`analysis.geo.project`)."""
    x, y, _ = project(lat, lon, centre)
    return x, y


def parse_line(text: str) -> Line:
    """`LAT1,LON1,LAT2,LON2` as a `Line`; `LapError` saying what is wrong otherwise."""
    parts = [p.strip() for p in text.replace(";", ",").split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise LapError(f"a line is LAT1,LON1,LAT2,LON2 in degrees, not {text.strip()!r}") from None
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise LapError(f"a line is four numbers LAT1,LON1,LAT2,LON2, not {text.strip()!r}")
    lat1, lon1, lat2, lon2 = values
    if not (abs(lat1) <= 90 and abs(lat2) <= 90 and abs(lon1) <= 180 and abs(lon2) <= 180):
        raise LapError("latitudes lie within ±90° and longitudes within ±180°")
    if (lat1, lon1) == (lat2, lon2):
        raise LapError("the two ends of the line are the same point")
    return (lat1, lon1, lat2, lon2)


def format_line(line: Line) -> str:
    """`LAT1,LON1,LAT2,LON2` with 7 decimals (about a centimetre)."""
    return ",".join(f"{v:.7f}" for v in line)


def line_across(
    lat: np.ndarray, lon: np.ndarray, index: int, half_width_m: float = LINE_HALF_WIDTH_M
) -> Line:
    """A start/finish line through fix `index` of a GPS track, across the direction of
    travel there (from its neighbouring fixes), `half_width_m` either side."""
    if len(lat) < 3 or not 0 <= index < len(lat):
        raise LapError("pick a point on a GPS track of at least three fixes")
    before, after = max(index - 1, 0), min(index + 1, len(lat) - 1)
    centre = (float(lat[index]), float(lon[index]))
    x, y = to_metres(lat[[before, after]], lon[[before, after]], centre)
    dx, dy = float(x[1] - x[0]), float(y[1] - y[0])
    norm = math.hypot(dx, dy)
    if norm == 0:
        raise LapError("the car stands still there: pick a point where it moves")
    nx, ny = -dy / norm * half_width_m, dx / norm * half_width_m
    metres_per_degree = EARTH_RADIUS_M * math.pi / 180
    dlat = ny / metres_per_degree
    dlon = nx / (metres_per_degree * math.cos(math.radians(centre[0])))
    return parse_line(
        format_line((centre[0] + dlat, centre[1] + dlon, centre[0] - dlat, centre[1] - dlon))
    )


def line_crossings(
    times: np.ndarray, lat: np.ndarray, lon: np.ndarray, line: Line, min_lap: float
) -> np.ndarray:
    """Raw times at which the track (lat, lon at ascending `times`) crosses `line` in its
    usual direction, interpolated between the two samples either side; crossings less
    than `min_lap` raw units after a kept one are dropped."""
    lat1, lon1, lat2, lon2 = line
    centre = ((lat1 + lat2) / 2, (lon1 + lon2) / 2)
    ax, ay = to_metres(np.array([lat1]), np.array([lon1]), centre)
    bx, by = to_metres(np.array([lat2]), np.array([lon2]), centre)
    x, y = to_metres(lat, lon, centre)
    ex, ey = float(bx[0] - ax[0]), float(by[0] - ay[0])
    side = ex * (y - ay[0]) - ey * (x - ax[0])
    i = np.flatnonzero((side[:-1] < 0) != (side[1:] < 0))
    if not len(i):
        return np.empty(0)
    frac = side[i] / (side[i] - side[i + 1])
    qx = x[i] + frac * (x[i + 1] - x[i])
    qy = y[i] + frac * (y[i + 1] - y[i])
    along = ((qx - ax[0]) * ex + (qy - ay[0]) * ey) / (ex * ex + ey * ey)
    on_line = (along >= 0) & (along <= 1)
    i, frac = i[on_line], frac[on_line]
    forward = side[i] < 0
    usual = forward if 2 * int(forward.sum()) >= len(forward) else ~forward
    i, frac = i[usual], frac[usual]
    crossed = times[i] + frac * (times[i + 1] - times[i]).astype(np.float64)
    return debounce(crossed, min_lap)


def beacon_crossings(beacon: Signal, min_lap: float) -> np.ndarray:
    """Raw times of a lap beacon's rising edges (the first sample above half its peak)."""
    values = beacon.values
    if not len(values):
        return np.empty(0)
    high = values > 0.5 * float(np.nanmax(values)) if np.nanmax(values) > 0 else values > 0
    rising = np.flatnonzero(high[1:] & ~high[:-1]) + 1
    if len(high) and high[0]:
        rising = np.concatenate([[0], rising])
    return debounce(beacon.timestamps[rising].astype(np.float64), min_lap)


def debounce(crossings: np.ndarray, min_gap: float) -> np.ndarray:
    """`crossings` (ascending) without those less than `min_gap` after the last kept one."""
    kept: list[float] = []
    for value in crossings.tolist():
        if not kept or value - kept[-1] >= min_gap:
            kept.append(value)
    return np.asarray(kept, dtype=np.float64)


def laps_from_crossings(crossings: np.ndarray, start: float, end: float) -> list[Lap]:
    """Out-lap (log start to the first crossing), timed laps, in-lap (last crossing to end)."""
    if not len(crossings):
        return []
    laps = [Lap(0, start, float(crossings[0]), "out")] if crossings[0] > start else []
    laps += [
        Lap(n, float(a), float(b), "timed") for n, (a, b) in enumerate(pairwise(crossings), start=1)
    ]
    if crossings[-1] < end:
        laps.append(Lap(len(crossings), float(crossings[-1]), end, "in"))
    return laps


def find_laps(
    log: Log,
    *,
    line: Line | None = None,
    beacon: str | None = None,
    min_lap_s: float = MIN_LAP_S,
) -> list[Lap]:
    """The laps of `log` from GPS crossings of `line`, or from the rising edges of the
    `beacon` signal. `LapError` when neither gives a crossing."""
    if log.start_time is None or log.end_time is None:
        raise LapError("the log has no samples")
    min_lap = min_lap_s / log.seconds_per_unit
    if beacon is not None:
        if beacon not in log:
            raise LapError(f"no lap beacon signal {beacon!r} in this log")
        crossings = beacon_crossings(log[beacon], min_lap)
    elif line is not None:
        lat, lon = gps_signals(log)
        times, lat_values, lon_values = same_times(lat, lon)
        crossings = line_crossings(times, lat_values, lon_values, line, min_lap)
    else:
        raise LapError("no start/finish line and no lap beacon: give --line or set one")
    if not len(crossings):
        raise LapError("the car never crosses the start/finish line")
    return laps_from_crossings(crossings, float(log.start_time), float(log.end_time))


def same_times(lat: Signal, lon: Signal) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitude and longitude on the latitude's timestamps (interpolated if they differ)."""
    if len(lat) == len(lon) and np.array_equal(lat.timestamps, lon.timestamps):
        return lat.timestamps, lat.values, lon.values
    if len(lon) < 2:
        raise LapError("the GPS longitude has fewer than two samples")
    return lat.timestamps, lat.values, np.interp(lat.timestamps, lon.timestamps, lon.values)


def best_lap(laps: Sequence[Lap]) -> Lap | None:
    """The fastest timed lap."""
    timed = [lap for lap in laps if lap.kind == "timed"]
    return min(timed, key=lambda lap: lap.end - lap.start, default=None)
