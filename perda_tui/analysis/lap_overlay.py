"""Laps side by side: a signal against distance or time in the lap, and the time
variance (Δt versus distance against a reference lap, as in MoTeC).

Distance in a lap comes from the GPS track (the sum of the steps between fixes,
projected to metres) or from an integrated wheel speed (km/h). Each lap's distance is
scaled to the reference lap's length before laps are compared, so a lap that is a few
metres longer on the GPS does not drift against the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from perda_tui.analysis.laps import Lap, LapError, gps_signals, same_times, to_metres

if TYPE_CHECKING:
    from perda_tui.logs import Log

DistanceSource = Literal["gps", "wheel"]
#: Wheel-speed signals (km/h) for `wheel` distance, first present wins.
WHEEL_SPEEDS = ("pcm.wheelSpeeds.frontLeft", "pcm.wheelSpeeds.frontRight", "gps.speed")
#: Points of the common distance grid of a time-variance trace.
VARIANCE_POINTS = 400


@dataclass(frozen=True)
class LapDistance:
    """Seconds into the lap and metres driven by then, both ascending."""

    seconds: np.ndarray
    metres: np.ndarray

    @property
    def length(self) -> float:
        return float(self.metres[-1]) if len(self.metres) else 0.0


def lap_distance(log: Log, lap: Lap, source: DistanceSource = "gps") -> LapDistance:
    """Distance driven through `lap` by the GPS track or the integrated wheel speed."""
    spu = log.seconds_per_unit
    if source == "gps":
        lat, lon = gps_signals(log)
        times, lat_v, lon_v = same_times(lat.trim(lap.start, lap.end), lon)
        if len(times) < 2:
            raise LapError(f"lap {lap.label} has fewer than two GPS fixes")
        x, y = to_metres(lat_v, lon_v, (float(lat_v[0]), float(lon_v[0])))
        steps = np.hypot(np.diff(x), np.diff(y))
    else:
        name = next((n for n in WHEEL_SPEEDS if n in log), None)
        if name is None:
            raise LapError(f"no wheel speed for distance ({', '.join(WHEEL_SPEEDS)})")
        speed = log[name].trim(lap.start, lap.end)
        times, kmh = speed.timestamps, speed.values
        if len(times) < 2:
            raise LapError(f"lap {lap.label} has fewer than two {name} samples")
        steps = 0.5 * (kmh[1:] + kmh[:-1]) / 3.6 * np.diff(times) * spu
    metres = np.concatenate([[0.0], np.cumsum(np.abs(steps))])
    return LapDistance((times - lap.start) * spu, metres)


def lap_trace(
    log: Log,
    lap: Lap,
    signal: str,
    *,
    by: Literal["distance", "time"] = "distance",
    distance: LapDistance | None = None,
    scale_to: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """x (metres, or seconds into the lap) and y of `signal` through `lap`; with
    `scale_to`, distances are scaled so the lap is that long."""
    window = log[signal].trim(lap.start, lap.end)
    seconds = (window.timestamps - lap.start) * log.seconds_per_unit
    if by == "time":
        return seconds, window.values
    dist = distance or lap_distance(log, lap)
    metres = np.interp(seconds, dist.seconds, dist.metres)
    if scale_to and dist.length > 0:
        metres = metres * (scale_to / dist.length)
    return metres, window.values


def time_variance(
    reference: LapDistance, lap: LapDistance, points: int = VARIANCE_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """Distance grid (m of the reference lap) and Δt (s): the time `lap` took to reach each
    distance minus the reference's; positive where `lap` is behind."""
    if reference.length <= 0 or lap.length <= 0:
        raise LapError("a lap without distance has no time variance")
    grid = np.linspace(0.0, reference.length, points)
    scaled = lap.metres * (reference.length / lap.length)
    ref_t = np.interp(grid, *_increasing(reference.metres, reference.seconds))
    lap_t = np.interp(grid, *_increasing(scaled, lap.seconds))
    return grid, lap_t - ref_t


def _increasing(metres: np.ndarray, seconds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points where the distance grows (standing still adds repeated distances)."""
    keep = np.concatenate([[True], np.diff(metres) > 0])
    return metres[keep], seconds[keep]
