"""Wall-clock time of raw timestamps: the one mapping used by the plot screen, export and CLI.

The header's recording time (`PER Log: Thu Jun 11 17:06:37 2026 v2.0`) is the moment the
logger's clock read 0, so a sample's wall-clock time is `recording_time + timestamp`
(timestamps as stored in the `Log`, i.e. after any `ts_offset`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from numbers import Integral
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

#: Microseconds per raw unit, by time unit.
MICROSECONDS_PER_UNIT = {"us": 1, "ms": 1000}
#: Offsets beyond this many microseconds (about 3,000 years) have no wall-clock time.
MAX_OFFSET_US = 10**17


def wall_clock(recording_time: datetime | None, raw: float, time_unit: str) -> datetime | None:
    """The wall-clock time of raw timestamp `raw`; None without a recording time or when
    the result is not a representable date."""
    if recording_time is None:
        return None
    per_unit = MICROSECONDS_PER_UNIT[time_unit]
    try:
        if isinstance(raw, Integral):  # exact for integer timestamps of any size
            return recording_time + timedelta(microseconds=int(raw) * per_unit)
        return recording_time + timedelta(microseconds=float(raw) * per_unit)
    except (OverflowError, ValueError):
        return None


def wall_clock_array(
    recording_time: datetime | None, raw: np.ndarray, time_unit: str
) -> np.ndarray | None:
    """`wall_clock` of every raw timestamp as `datetime64[us]` (None without a recording
    time; NaT where the time is not a representable date)."""
    import numpy as np

    if recording_time is None:
        return None
    per_unit = MICROSECONDS_PER_UNIT[time_unit]
    raw = np.asarray(raw, dtype=np.int64)
    valid = np.abs(raw) <= MAX_OFFSET_US // per_unit
    offsets = np.where(valid, raw * np.int64(per_unit), 0).astype("timedelta64[us]")
    times = np.datetime64(recording_time, "us") + offsets
    times[~valid] = np.datetime64("NaT")
    return times
