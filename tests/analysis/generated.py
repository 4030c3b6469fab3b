"""Generated logs for the analysis tests: known signals on jittered timestamps."""

from __future__ import annotations

import numpy as np

from perda_tui.logs import Log, Signal


def jittered(rate_hz: float, seconds: float, rng: np.random.Generator, start_us: int = 0):
    """Timestamps (µs) at `rate_hz` with up to 20 % jitter, sorted and unique."""
    count = int(rate_hz * seconds)
    period = 1e6 / rate_hz
    t = start_us + np.arange(count) * period + rng.uniform(0, 0.2 * period, count)
    return np.unique(np.round(t).astype(np.int64))


def make_log(seed: int = 1, seconds: float = 20.0) -> Log:
    """Speed (100 Hz), torque (50 Hz), a slow temperature (2 Hz) and GPS (10 Hz) of a
    car driving a 100 m-radius circle."""
    rng = np.random.default_rng(seed)
    signals = []
    t = jittered(100, seconds, rng, 1_000_000)
    signals.append(Signal(t, 40 + 10 * np.sin(t * 1e-6), "car.speed", "Speed (km/h)", 1))
    t = jittered(50, seconds, rng, 1_000_000)
    signals.append(Signal(t, 100 * np.cos(t * 2e-6), "motor.torque", "Torque (Nm)", 2))
    t = jittered(2, seconds, rng, 1_000_000)
    signals.append(Signal(t, 20 + t * 1e-7, "temp", "Temperature (C)", 3))
    t = jittered(10, seconds, rng, 1_000_000)
    angle = t * 1e-6 * 0.4
    lat = 42.0 + 100 * np.sin(angle) / 111_194.93
    lon = -84.0 + 100 * np.cos(angle) / (111_194.93 * np.cos(np.radians(42.0)))
    signals.append(Signal(t, lat, "gps.lat", "Latitude", 4))
    signals.append(Signal(t + 3, lon, "gps.lon", "Longitude", 5))
    return Log(signals, header="PER Log: generated v2.0", time_unit="us")
