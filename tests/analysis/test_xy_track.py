"""The banded track map."""

from __future__ import annotations

import numpy as np

from perda_tui.analysis.geo import track
from perda_tui.analysis.trackmap import BANDS, colour_signal, track_map
from tests.analysis.generated import make_log


def test_track_map_bands_follow_the_colour_signal() -> None:
    log = make_log()
    found = track(log)
    assert found is not None
    speed = colour_signal(log, ("gps.speed",))  # absent: the first "speed" signal
    assert speed is not None and speed.name == "car.speed"
    data = track_map(found, speed)
    values = np.interp(found.timestamps, speed.timestamps, speed.values)
    edges = np.linspace(values.min(), values.max(), BANDS + 1)
    expected = np.clip(np.digitize(values, edges[1:-1]), 0, BANDS - 1)
    np.testing.assert_allclose(data.edges, edges)
    assert (data.band == expected).mean() > 0.99  # edges may round either way
    plain = track_map(found, None)
    assert plain.colour == "" and set(plain.band.tolist()) == {0}
