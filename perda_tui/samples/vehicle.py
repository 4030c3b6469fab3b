"""The physical model behind the sample logs: an endurance run of a Formula SAE electric car.

Every quantity is a function of time (seconds from logger start) through a small model:
lap speed profile -> acceleration -> motor torque -> electrical power -> pack current,
voltage sag, state of charge and heating, with a driver change, an inverter fault and a
logger dropout gap on the run's timeline (`Run`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

LAP_S = 62.0
CELLS = 140
MASS_KG, WHEEL_R_M, GEAR = 280.0, 0.2, 3.5
CENTER_LAT, CENTER_LON = 42.0664, -84.2410


@dataclass(frozen=True)
class Run:
    """Timeline of one run in seconds from logger start."""

    duration: float
    change: tuple[float, float]
    fault: tuple[float, float]
    dropout: tuple[float, float]

    @classmethod
    def for_duration(cls, duration: float) -> Run:
        d = duration
        return cls(
            duration=d,
            change=(0.48 * d, 0.55 * d),
            fault=(0.8 * d, 0.8 * d + min(1.5, 0.01 * d)),
            dropout=(0.3 * d, 0.3 * d + min(4.0, max(1.5, 0.02 * d))),
        )

    def driving(self, t: np.ndarray) -> np.ndarray:
        """1.0 while the car is driven, 0.0 at start-up, during the driver change and faults."""
        import numpy as np

        on = (t > 5.0) & ~((t >= self.change[0]) & (t < self.change[1] + 5.0))
        on &= ~((t >= self.fault[0]) & (t < self.fault[1]))
        return on.astype(np.float64)

    def pace(self, t: np.ndarray) -> np.ndarray:
        """Fraction of lap speed: smooth launch, stop for the driver change, the fault's
        loss of torque (the car coasts down) and smooth restarts, so accelerations stay
        physical."""
        import numpy as np

        (c0, c1), (f0, f1) = self.change, self.fault
        knots = sorted(
            [
                (0.0, 0.0),
                (5.0, 0.0),
                (11.0, 1.0),
                (c0 - 6.0, 1.0),
                (c0, 0.0),
                (c1 + 5.0, 0.0),
                (c1 + 11.0, 1.0),
                (f0, 1.0),
                (f1, 0.8),
                (f1 + 5.0, 1.0),
            ]
        )
        return np.interp(t, [k[0] for k in knots], [k[1] for k in knots])

    def drive_fraction(self, t: np.ndarray) -> np.ndarray:
        """Fraction of the run's driving done by time t (drives SOC and heating)."""
        import numpy as np

        c0, c1 = self.change
        driven = np.minimum(t, c0) + np.clip(t - c1, 0.0, None)
        return np.clip(driven / max(self.duration - (c1 - c0), 1e-9), 0.0, 1.2)


def profile_kmh(phi: np.ndarray) -> np.ndarray:
    """The lap's speed profile (km/h) at loop angle `phi` (radians)."""
    import numpy as np

    v = 48 + 22 * np.sin(3 * phi) + 10 * np.sin(7 * phi + 1.0) + 4 * np.sin(11 * phi + 2.0)
    return np.clip(v, 12.0, 95.0)


def speed_kmh(run: Run, t: np.ndarray) -> np.ndarray:
    """Vehicle speed (km/h): the lap profile scaled by the run's pace."""
    import numpy as np

    return profile_kmh(2 * np.pi * (t % LAP_S) / LAP_S) * run.pace(t)


def accel_ms2(run: Run, t: np.ndarray) -> np.ndarray:
    """Longitudinal acceleration (m/s²), the central difference of the speed."""
    dt = 0.05
    return (speed_kmh(run, t + dt) - speed_kmh(run, t - dt)) / (2 * dt * 3.6)


def torque_nm(run: Run, t: np.ndarray) -> np.ndarray:
    """Motor torque (Nm) for the acceleration, drag and rolling resistance."""
    import numpy as np

    v = speed_kmh(run, t) / 3.6
    force = MASS_KG * accel_ms2(run, t) + 0.5 * 1.2 * 1.3 * v**2 + 0.015 * MASS_KG * 9.81
    return np.clip(force * WHEEL_R_M / GEAR, -90.0, 230.0) * (v > 0.1)


def rpm(run: Run, t: np.ndarray) -> np.ndarray:
    """Motor speed (rpm) through the gear and wheel radius."""
    return speed_kmh(run, t) / 3.6 / WHEEL_R_M * GEAR * 60 / (2 * math.pi)


def power_w(run: Run, t: np.ndarray) -> np.ndarray:
    """Electrical power drawn from the pack (negative when regenerating)."""
    import numpy as np

    mech = torque_nm(run, t) * rpm(run, t) * 2 * math.pi / 60
    return np.where(mech > 0, mech / 0.9, mech * 0.8) + 350.0


def soc(run: Run, t: np.ndarray) -> np.ndarray:
    """State of charge (%), falling with the driving done."""
    return 95.0 - 68.0 * run.drive_fraction(t)


def cell_ocv(run: Run, t: np.ndarray) -> np.ndarray:
    """Open-circuit cell voltage (V) at the state of charge."""
    return 3.45 + 0.0072 * soc(run, t)


def current_a(run: Run, t: np.ndarray) -> np.ndarray:
    """Pack current (A) for the electrical power."""
    return power_w(run, t) / (CELLS * cell_ocv(run, t))


def pack_v(run: Run, t: np.ndarray) -> np.ndarray:
    """Pack voltage (V): open-circuit voltage less the sag under current."""
    return CELLS * cell_ocv(run, t) - 0.18 * current_a(run, t)


def heat(run: Run, t: np.ndarray, rise: float, tau: float) -> np.ndarray:
    """A temperature (C) rising by `rise` towards its limit with time constant `tau`."""
    import numpy as np

    return 24.0 + rise * (1 - np.exp(-run.drive_fraction(t) / tau))


def inverter_state(run: Run, t: np.ndarray) -> np.ndarray:
    """0 off, 1 precharge, 2 ready, 3 drive, 4 fault."""
    import numpy as np

    c0, c1 = run.change
    since = np.where(t >= c1, t - c1, t)
    state = np.select([since < 2.0, since < 4.0, since < 5.0], [0.0, 1.0, 2.0], 3.0)
    state = np.where((t >= c0) & (t < c1), 0.0, state)
    return np.where((t >= run.fault[0]) & (t < run.fault[1]), 4.0, state)


def loop_xy(phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The track loop (m east, m north of the centre) at loop angle `phi` (radians)."""
    import numpy as np

    return 180 * np.cos(phi) + 40 * np.cos(3 * phi), 110 * np.sin(phi) + 30 * np.sin(2 * phi)


def track_xy(run: Run, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position on the track (m): a closed loop while driving, the pits otherwise."""
    import numpy as np

    phi = 2 * np.pi * (t % LAP_S) / LAP_S
    moving = run.driving(t) > 0
    loop_x, loop_y = loop_xy(phi)
    return np.where(moving, loop_x, 215.0), np.where(moving, loop_y, -20.0)


def lat_of(y: np.ndarray) -> np.ndarray:
    """GPS latitude (deg) of a point `y` metres north of the track centre."""
    return CENTER_LAT + y / 111_320.0


def lon_of(x: np.ndarray) -> np.ndarray:
    """GPS longitude (deg) of a point `x` metres east of the track centre."""
    return CENTER_LON + x / (111_320.0 * math.cos(math.radians(CENTER_LAT)))


def lat(run: Run, t: np.ndarray) -> np.ndarray:
    """GPS latitude (deg) of the track position."""
    return lat_of(track_xy(run, t)[1])


def lon(run: Run, t: np.ndarray) -> np.ndarray:
    """GPS longitude (deg) of the track position."""
    return lon_of(track_xy(run, t)[0])


def wheel(front: bool, side: float) -> Callable[[Run, np.ndarray], np.ndarray]:
    """The speed model of one wheel: cornering on the `side`, rear wheels slip under torque."""

    def speed(run: Run, t: np.ndarray) -> np.ndarray:
        import numpy as np

        v = speed_kmh(run, t)
        corner = 1 + side * 0.03 * np.sin(3 * 2 * np.pi * (t % LAP_S) / LAP_S + 0.5)
        slip = 1.0 if front else 1 + 0.04 * np.clip(torque_nm(run, t) / 230, 0, 1)
        return v * corner * slip

    return speed


def cell_voltage(index: int) -> Callable[[Run, np.ndarray], np.ndarray]:
    """The voltage model of cell `index`, with its own small offset."""
    offset = 0.004 * math.sin(index * 1.7)

    def voltage(run: Run, t: np.ndarray) -> np.ndarray:
        return cell_ocv(run, t) - 0.18 / CELLS * current_a(run, t) + offset

    return voltage
