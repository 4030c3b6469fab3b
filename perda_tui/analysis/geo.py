"""GPS position of a log: finding its latitude/longitude signals and projecting them to
local metres.

The signal names are tried in order (`GpsNames`; the team file's `[gps]` table can name
others); the first name the log has wins, then a case-insensitive match. Positions are
projected equirectangularly around the centre of their bounding box: x metres east, y
metres north. Over a track (a few kilometres) the error is well below a GPS fix's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from perda_tui.logs import Log, Signal

#: Mean Earth radius (m) of the projection.
EARTH_RADIUS_M = 6_371_000.0
#: Latitude names tried by default (the sample logs use the first).
LATITUDE_NAMES: tuple[str, ...] = ("gps.lat", "gps.latitude", "gps_lat", "latitude", "lat")
#: Longitude names tried by default (the sample logs use the first).
LONGITUDE_NAMES: tuple[str, ...] = (
    "gps.lon",
    "gps.lng",
    "gps.longitude",
    "gps_lon",
    "longitude",
    "lon",
)


@dataclass(frozen=True)
class GpsNames:
    """Signal names to try for latitude and longitude, in order."""

    latitude: tuple[str, ...] = LATITUDE_NAMES
    longitude: tuple[str, ...] = LONGITUDE_NAMES


@dataclass(frozen=True)
class Track:
    """Valid GPS fixes of a log projected to metres around `centre` (lat, lon in degrees).

    `timestamps` are the latitude signal's (raw units); `x` east and `y` north in metres.
    """

    timestamps: np.ndarray
    x: np.ndarray
    y: np.ndarray
    centre: tuple[float, float]
    latitude: str
    longitude: str

    def __len__(self) -> int:
        return int(self.timestamps.size)

    def position_at(self, raw_time: float) -> tuple[float, float] | None:
        """(x, y) of the last fix at or before `raw_time` (None before the first fix)."""
        index = int(np.searchsorted(self.timestamps, raw_time, side="right")) - 1
        if index < 0:
            return None
        return float(self.x[index]), float(self.y[index])


def _find(log: Log, names: tuple[str, ...]) -> Signal | None:
    for name in names:
        if name in log and len(log[name]):
            return log[name]
    wanted = {name.lower() for name in names}
    return next((s for s in log if s.name.lower() in wanted and len(s)), None)


def find_gps(log: Log, names: GpsNames | None = None) -> tuple[Signal, Signal] | None:
    """The (latitude, longitude) signals of `log`, or None when it has no GPS position."""
    names = names or GpsNames()
    latitude, longitude = _find(log, names.latitude), _find(log, names.longitude)
    if latitude is None or longitude is None:
        return None
    return latitude, longitude


def project(
    lat: np.ndarray, lon: np.ndarray, centre: tuple[float, float] | None = None
) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """(x east, y north) in metres around `centre` (default: the middle of the bounding
    box of the points), and the centre used."""
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    if centre is None:
        if lat.size == 0:
            raise ValueError("no positions to project")
        centre = (
            (float(lat.min()) + float(lat.max())) / 2,
            (float(lon.min()) + float(lon.max())) / 2,
        )
    metres_per_degree = EARTH_RADIUS_M * math.pi / 180
    x = (lon - centre[1]) * metres_per_degree * math.cos(math.radians(centre[0]))
    y = (lat - centre[0]) * metres_per_degree
    return x, y, centre


def track(log: Log, names: GpsNames | None = None) -> Track | None:
    """The log's GPS fixes in local metres, or None when it has no GPS position or no
    valid fix. Longitude is interpolated onto the latitude's timestamps; fixes outside
    the globe, NaN or at (0, 0) (no fix yet) are dropped."""
    found = find_gps(log, names)
    if found is None:
        return None
    latitude, longitude = found
    times = latitude.timestamps
    lat = latitude.values
    lon = np.interp(times, longitude.timestamps, longitude.values)
    valid = (
        np.isfinite(lat)
        & np.isfinite(lon)
        & (np.abs(lat) <= 90)
        & (np.abs(lon) <= 180)
        & ~((lat == 0) & (lon == 0))
    )
    if not valid.any():
        return None
    x, y, centre = project(lat[valid], lon[valid])
    return Track(times[valid], x, y, centre, latitude.name, longitude.name)
