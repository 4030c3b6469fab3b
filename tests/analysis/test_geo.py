"""GPS signals and the local projection."""

from __future__ import annotations

import math

import numpy as np
import pytest

from perda_tui.analysis.geo import EARTH_RADIUS_M, GpsNames, find_gps, project, track
from perda_tui.logs import Log, Signal
from tests.analysis.generated import make_log


def test_finds_the_default_names_and_configured_ones() -> None:
    log = make_log()
    found = find_gps(log)
    assert found is not None and (found[0].name, found[1].name) == ("gps.lat", "gps.lon")
    assert find_gps(log, GpsNames(("Position.Lat",), ("gps.lon",))) is None
    renamed = Log([Signal([1, 2], [42.0, 42.0], "Position.LAT"), log["gps.lon"]])
    found = find_gps(renamed, GpsNames(("position.lat",), ("gps.lon",)))
    assert found is not None and found[0].name == "Position.LAT"  # case-insensitive fallback
    assert find_gps(Log([log["car.speed"]])) is None


def test_projection_is_metres_around_the_centre() -> None:
    lat = np.array([42.0, 42.001, 42.002])
    lon = np.array([-84.0, -84.001, -84.002])
    x, y, centre = project(lat, lon)
    assert centre == pytest.approx((42.001, -84.001))
    per_degree = EARTH_RADIUS_M * math.pi / 180
    east = 0.001 * per_degree * math.cos(math.radians(centre[0]))
    np.testing.assert_allclose(y, [-0.001 * per_degree, 0, 0.001 * per_degree], atol=1e-6)
    np.testing.assert_allclose(x, [east, 0, -east], atol=1e-6)


def test_track_of_a_circle_is_to_scale() -> None:
    # the generated car drives a 100 m circle
    result = track(make_log())
    assert result is not None and len(result) > 100
    (cx,), (cy,), _ = project(np.array([42.0]), np.array([-84.0]), result.centre)
    radius = np.hypot(result.x - cx, result.y - cy)
    np.testing.assert_allclose(radius, 100, rtol=0.02)
    assert result.position_at(result.timestamps[10] + 1) == (result.x[10], result.y[10])
    assert result.position_at(result.timestamps[0] - 1) is None


def test_fixes_without_position_are_dropped() -> None:
    t = np.arange(5)
    lat = Signal(t, [0.0, 42.0, math.nan, 42.001, 95.0], "gps.lat")
    lon = Signal(t, [0.0, -84.0, -84.0, -84.001, -84.0], "gps.lon")
    result = track(Log([lat, lon]))
    assert result is not None
    assert result.timestamps.tolist() == [1, 3]
    empty = Log([Signal([0], [0.0], "gps.lat"), Signal([0], [0.0], "gps.lon")])
    assert track(empty) is None
