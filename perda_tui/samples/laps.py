"""Lapped sample runs: a car driving timed laps of the track loop, each lap at its own pace.

The car leaves the pits just before the start/finish line (the out-lap), drives `laps`
timed laps whose pace varies from lap to lap around its driver's pace, then an in-lap
back to the pits. Position and speed are consistent (the time is the integral of
distance over speed), so GPS crossings of the line happen exactly at the recorded
`LapRun.crossings`: the truth lap detection is tested against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from perda_tui.samples.channels import Channel
from perda_tui.samples.vehicle import CELLS, lat_of, lon_of, loop_xy, profile_kmh

if TYPE_CHECKING:
    import numpy as np

#: Points of the loop's arc-length table.
LOOP_POINTS = 4096
#: Distance step (m) of the run's time integral.
STEP_M = 0.5
#: Launch and stopping acceleration (m/s²).
LAUNCH_MS2 = 3.0
#: Seconds standing still before leaving and after arriving.
STAND_S = 5.0
#: Metres of the out-lap before the line and of the in-lap after it.
OUT_M, IN_M = 260.0, 420.0
#: Metres over which the pace changes from one lap to the next (no step in speed).
BLEND_M = 80.0
#: Half-width (m) of the sample track's start/finish line across the track.
LINE_HALF_WIDTH_M = 15.0


@dataclass(frozen=True)
class Loop:
    """The track loop by distance: `phi` (loop angle) at each of `distance` (m)."""

    distance: np.ndarray
    phi: np.ndarray

    @property
    def length(self) -> float:
        """One lap (m)."""
        return float(self.distance[-1])

    @classmethod
    def build(cls) -> Loop:
        import numpy as np

        phi = np.linspace(0.0, 2 * np.pi, LOOP_POINTS + 1)
        x, y = loop_xy(phi)
        steps = np.hypot(np.diff(x), np.diff(y))
        return cls(np.concatenate([[0.0], np.cumsum(steps)]), phi)

    def angle(self, distance: np.ndarray) -> np.ndarray:
        """Loop angle at `distance` metres from the line (any number of laps)."""
        import numpy as np

        return np.interp(np.mod(distance, self.length), self.distance, self.phi)


def start_finish_line() -> tuple[float, float, float, float]:
    """The sample track's start/finish line (lat1, lon1, lat2, lon2): across the track at
    loop angle 0, `LINE_HALF_WIDTH_M` either side."""
    import numpy as np

    phi = np.array([0.0, 1e-4])
    x, y = loop_xy(phi)
    dx, dy = x[1] - x[0], y[1] - y[0]
    norm = math.hypot(dx, dy)
    nx, ny = -dy / norm * LINE_HALF_WIDTH_M, dx / norm * LINE_HALF_WIDTH_M
    xs = np.array([x[0] + nx, x[0] - nx])
    ys = np.array([y[0] + ny, y[0] - ny])
    lats, lons = lat_of(ys), lon_of(xs)
    return (
        round(float(lats[0]), 7),
        round(float(lons[0]), 7),
        round(float(lats[1]), 7),
        round(float(lons[1]), 7),
    )


@dataclass(frozen=True)
class LapRun:
    """One lapped run: pace of each lap segment (out-lap, timed laps, in-lap), and the
    distance/time table integrated from it."""

    paces: tuple[float, ...]
    loop: Loop = field(repr=False)
    u: np.ndarray = field(repr=False)  # metres driven from the pit exit
    t: np.ndarray = field(repr=False)  # seconds from logger start at each u
    v: np.ndarray = field(repr=False)  # speed (m/s) at each u
    dropout: tuple[float, float] = (0.0, 0.0)

    @classmethod
    def build(cls, paces: tuple[float, ...]) -> LapRun:
        """Integrate the run: out-lap, `len(paces) - 2` timed laps, in-lap."""
        import numpy as np

        loop = Loop.build()
        timed = len(paces) - 2
        total = OUT_M + timed * loop.length + IN_M
        u = np.arange(0.0, total + STEP_M, STEP_M)
        u[-1] = total
        along = u - OUT_M  # distance past the first crossing
        segment = np.clip(np.floor(along / loop.length).astype(np.int64) + 1, 0, timed + 1)
        segment[along < 0] = 0
        window = int(BLEND_M / STEP_M)  # pace changes blend over BLEND_M metres
        steps = np.pad(np.asarray(paces)[segment], window // 2, mode="edge")
        pace = np.convolve(steps, np.ones(window) / window, mode="same")[
            window // 2 : -(window // 2)
        ]
        v = profile_kmh(loop.angle(along)) / 3.6 * pace
        ramp = np.sqrt(2 * LAUNCH_MS2 * np.minimum(u, total - u))
        v = np.minimum(v, ramp)
        dt = STEP_M / (0.5 * (v[1:] + v[:-1]))
        t = STAND_S + np.concatenate([[0.0], np.cumsum(dt)])
        return cls(paces, loop, u, t, v)

    @property
    def laps(self) -> int:
        """Timed laps."""
        return len(self.paces) - 2

    @property
    def duration(self) -> float:
        """Seconds from logger start to the end of the standstill after the in-lap."""
        return float(self.t[-1]) + STAND_S

    @property
    def crossings(self) -> np.ndarray:
        """Seconds from logger start at which the car crosses the start/finish line."""
        import numpy as np

        marks = OUT_M + self.loop.length * np.arange(self.laps + 1)
        return np.interp(marks, self.u, self.t)

    @property
    def lap_times(self) -> np.ndarray:
        """Seconds of each timed lap."""
        import numpy as np

        return np.diff(self.crossings)

    def distance(self, t: np.ndarray) -> np.ndarray:
        """Metres driven from the pit exit at time `t` (0 before, all of it after)."""
        import numpy as np

        return np.interp(t, self.t, self.u)

    def speed_ms(self, t: np.ndarray) -> np.ndarray:
        """Speed (m/s) at time `t` (0 while standing)."""
        import numpy as np

        inside = (t >= self.t[0]) & (t <= self.t[-1])
        return np.where(inside, np.interp(t, self.t, self.v), 0.0)

    @cached_property
    def energy_table(self) -> tuple[np.ndarray, np.ndarray]:
        """Times (s, a 0.1 s grid) and the energy drawn by then (kWh)."""
        import numpy as np

        grid = np.arange(0.0, self.duration + 0.1, 0.1)
        used = np.concatenate([[0.0], np.cumsum(_power_w(self, grid[:-1]) * 0.1)]) / 3.6e6
        return grid, used

    def xy(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Position on the loop (m from the centre) at time `t`."""
        return loop_xy(self.loop.angle(self.distance(t) - OUT_M))


def _speed_kmh(run: LapRun, t: np.ndarray) -> np.ndarray:
    return run.speed_ms(t) * 3.6


def _accel(run: LapRun, t: np.ndarray) -> np.ndarray:
    dt = 0.05
    return (run.speed_ms(t + dt) - run.speed_ms(t - dt)) / (2 * dt)


def _power_w(run: LapRun, t: np.ndarray) -> np.ndarray:
    """Electrical power: traction (acceleration, drag, rolling) at the wheels over an
    efficiency of 0.9, 80 % recovered when braking, plus 350 W of auxiliaries."""
    import numpy as np

    v = run.speed_ms(t)
    force = 280.0 * _accel(run, t) + 0.78 * v**2 + 41.2 * (v > 0.1)
    mech = force * v
    return np.where(mech > 0, mech / 0.9, mech * 0.8) + 350.0


def _energy_kwh(run: LapRun, t: np.ndarray) -> np.ndarray:
    """Energy drawn so far (kWh), integrated on a fixed grid."""
    import numpy as np

    grid, used = run.energy_table
    return np.interp(t, grid, used)


def _soc(run: LapRun, t: np.ndarray) -> np.ndarray:
    return 95.0 - _energy_kwh(run, t) / 7.0 * 100.0


def _current_a(run: LapRun, t: np.ndarray) -> np.ndarray:
    return _power_w(run, t) / (CELLS * (3.45 + 0.0072 * _soc(run, t)))


def _cell_v(run: LapRun, t: np.ndarray) -> np.ndarray:
    return 3.45 + 0.0072 * _soc(run, t) - 0.18 / CELLS * _current_a(run, t)


def _beacon(run: LapRun, t: np.ndarray) -> np.ndarray:
    """1 for 0.3 s after each line crossing (a trackside lap beacon), else 0."""
    import numpy as np

    crossings = run.crossings
    index = np.searchsorted(crossings, t, side="right") - 1
    since = t - crossings[np.clip(index, 0, None)]
    return ((index >= 0) & (since < 0.3)).astype(np.float64)


def lap_channels() -> list[Channel[LapRun]]:
    """The channels of a lapped run (the core channels' names where they overlap)."""
    import numpy as np

    ch = Channel[LapRun]
    return [
        ch("gps.lat", "GPS latitude (deg)", 10, 7, 1e-6, lambda r, t: lat_of(r.xy(t)[1])),
        ch("gps.lon", "GPS longitude (deg)", 10, 7, 1e-6, lambda r, t: lon_of(r.xy(t)[0])),
        ch("gps.speed", "GPS ground speed (km/h)", 10, 1, 0.3, _speed_kmh, True),
        ch("pcm.wheelSpeeds.frontLeft", "Front left wheel speed (km/h)", 25, 2, 0.1, _speed_kmh),
        ch("pcm.wheelSpeeds.frontRight", "Front right wheel speed (km/h)", 25, 2, 0.1, _speed_kmh),
        ch("ams.pack.voltage", "Pack voltage (V)", 25, 2, 0.15, lambda r, t: CELLS * _cell_v(r, t)),
        ch("ams.pack.current", "Pack current (A)", 25, 1, 0.4, _current_a),
        ch("ams.pack.power", "Pack power (kW)", 25, 2, 0.05, lambda r, t: _power_w(r, t) / 1000),
        ch("ams.pack.soc", "State of charge (%)", 5, 1, 0.05, _soc),
        ch("ams.cells.v_min", "Min cell voltage (V)", 10, 3, 0.002, _cell_v),
        ch(
            "pcm.pedals.throttle",
            "Throttle pedal (%)",
            20,
            1,
            0.2,
            lambda r, t: np.clip(_accel(r, t) * 40 + 15 * (r.speed_ms(t) > 0.1), 0, 100),
            True,
        ),
        ch(
            "pcm.pedals.brake",
            "Brake pressure (bar)",
            20,
            1,
            0.1,
            lambda r, t: np.clip(-_accel(r, t) * 6.0, 0, 60),
            True,
        ),
        ch("timing.lap_beacon", "Lap beacon (1 at the line)", 20, 0, 0.0, _beacon),
    ]


def lap_paces(laps: int, pace: float, spread: float, rng: np.random.Generator) -> tuple[float, ...]:
    """Pace of the out-lap, each of `laps` timed laps (around `pace`, varying by `spread`,
    the first a little slower on cold tyres) and the in-lap."""
    timed = pace * (1.0 + rng.normal(0.0, spread, laps))
    timed[0] *= 0.97
    return (0.8 * pace, *(round(float(p), 4) for p in timed), 0.6 * pace)


def energy_kwh(run: LapRun) -> float:
    """Energy drawn from the pack over the whole run (kWh)."""
    import numpy as np

    return float(_energy_kwh(run, np.array([run.duration]))[0])


@dataclass(frozen=True)
class LapSummary:
    """Figures of a written lapped run for its metadata; `lap_times` is the truth."""

    rows: int
    duration_s: float
    lap_times: tuple[float, ...]
    max_speed_kmh: float
    energy_kwh: float


def write_lap_log(path: Path, run: LapRun, seed: int, recorded: datetime) -> LapSummary:
    """Write `run` as a PER v2.0 log at `path` (every channel at its full rate)."""
    import numpy as np

    from perda_tui.logs.export import per_csv_header
    from perda_tui.samples.writer import write_samples

    chans = lap_channels()
    rng = np.random.default_rng(seed)
    boot_us = int(rng.integers(1_000_000, 3_000_000))
    path.parent.mkdir(parents=True, exist_ok=True)
    mappings = [(c.name, c.description, i) for i, c in enumerate(chans, start=1)]
    with path.open("wb") as out:
        out.write(per_csv_header(recorded, "us", mappings))
        rows, last = write_samples(out, chans, run, 1.0, rng, boot_us, end=run.duration)
    return LapSummary(
        rows=rows,
        duration_s=round(last, 1),
        lap_times=tuple(round(float(s), 4) for s in run.lap_times),
        max_speed_kmh=round(float(run.v.max()) * 3.6, 1),
        energy_kwh=round(energy_kwh(run), 3),
    )
