"""Track map data: the GPS track in metres, cut into bands of a colouring signal.

The colouring signal is taken at each fix (linear interpolation, as in math channels)
and its range is split into `BANDS` equal bands; each band is drawn in its own colour
and marker, so the map reads on 16-colour terminals too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from perda_tui.analysis.timeline import values_on

if TYPE_CHECKING:
    from perda_tui.analysis.geo import Track
    from perda_tui.logs import Log, Signal

#: Number of colour bands of the map.
BANDS = 5


@dataclass(frozen=True)
class TrackMap:
    """The track and, per fix, its colour band (0 lowest; -1 where the colour is unknown).

    `edges` are the band limits in the colouring signal's unit (`BANDS + 1` values).
    """

    track: Track
    colour: str
    band: np.ndarray
    edges: np.ndarray


def colour_signal(log: Log, names: tuple[str, ...]) -> Signal | None:
    """The first of `names` the log has with samples, else the first signal whose name
    contains "speed", else None."""
    for name in names:
        if name in log and len(log[name]):
            return log[name]
    return next((s for s in log if "speed" in s.name.lower() and len(s)), None)


def track_map(track: Track, colour: Signal | None, bands: int = BANDS) -> TrackMap:
    """Band each fix of `track` by `colour` (all in band 0 without a colour)."""
    if colour is None or len(colour) == 0:
        return TrackMap(track, "", np.zeros(len(track), np.int64), np.array([0.0, 1.0]))
    values = values_on(colour, track.timestamps)
    finite = np.isfinite(values)
    lo = float(values[finite].min()) if finite.any() else 0.0
    hi = float(values[finite].max()) if finite.any() else 1.0
    if hi == lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, bands + 1)
    scaled = np.where(finite, (values - lo) / (hi - lo) * bands, 0.0)
    band = np.where(finite, np.clip(scaled.astype(np.int64), 0, bands - 1), -1)
    return TrackMap(track, colour.name, band, edges)
