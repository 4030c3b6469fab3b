"""The sample logs' channel table: which signals a log has, at what rate and precision."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from perda_tui.samples.vehicle import (
    LAP_S,
    Run,
    accel_ms2,
    cell_voltage,
    current_a,
    heat,
    inverter_state,
    lat,
    lon,
    pack_v,
    rpm,
    soc,
    speed_kmh,
    torque_nm,
    wheel,
)

if TYPE_CHECKING:
    import numpy as np


class Timeline(Protocol):
    """What the writer needs of a run's timeline: when the logger recorded nothing."""

    @property
    def dropout(self) -> tuple[float, float]: ...


RunT = TypeVar("RunT", bound=Timeline)


@dataclass(frozen=True)
class Channel(Generic[RunT]):
    """One logged signal: its name, rate, rounding and noise, and the model it samples."""

    name: str
    description: str
    rate_hz: float
    decimals: int
    noise: float
    model: Callable[[RunT, np.ndarray], np.ndarray]
    non_negative: bool = False


def core_channels() -> list[Channel[Run]]:
    import numpy as np

    def const(value: float) -> Callable[[Run, np.ndarray], np.ndarray]:
        return lambda run, t: np.full(t.shape, value)

    ch = Channel
    return [
        ch("ams.pack.voltage", "Pack voltage (V)", 100, 2, 0.15, pack_v),
        ch("ams.pack.current", "Pack current (A)", 100, 1, 0.4, current_a),
        ch("ams.pack.soc", "State of charge (%)", 10, 1, 0.05, soc),
        ch(
            "ams.cells.temp_max",
            "Max cell temperature (C)",
            10,
            1,
            0.1,
            lambda r, t: heat(r, t, 30.0, 0.6),
        ),
        ch(
            "ams.cells.temp_min",
            "Min cell temperature (C)",
            10,
            1,
            0.1,
            lambda r, t: heat(r, t, 24.0, 0.7),
        ),
        ch(
            "ams.cells.v_min",
            "Min cell voltage (V)",
            10,
            3,
            0.002,
            lambda r, t: cell_voltage(0)(r, t) - 0.012,
        ),
        ch(
            "pcm.wheelSpeeds.frontLeft",
            "Front left wheel speed (km/h)",
            100,
            2,
            0.1,
            wheel(True, -1.0),
            True,
        ),
        ch(
            "pcm.wheelSpeeds.frontRight",
            "Front right wheel speed (km/h)",
            100,
            2,
            0.1,
            wheel(True, 1.0),
            True,
        ),
        ch(
            "pcm.wheelSpeeds.rearLeft",
            "Rear left wheel speed (km/h)",
            100,
            2,
            0.1,
            wheel(False, -1.0),
            True,
        ),
        ch(
            "pcm.wheelSpeeds.rearRight",
            "Rear right wheel speed (km/h)",
            100,
            2,
            0.1,
            wheel(False, 1.0),
            True,
        ),
        ch("pcm.motor.torque", "Motor torque (Nm)", 100, 1, 0.5, torque_nm),
        ch("pcm.motor.rpm", "Motor speed (rpm)", 100, 0, 3.0, rpm, True),
        ch(
            "pcm.pedals.throttle",
            "Throttle pedal (%)",
            50,
            1,
            0.2,
            lambda r, t: np.clip(torque_nm(r, t) / 2.3, 0, 100),
            True,
        ),
        ch(
            "pcm.pedals.brake",
            "Brake pressure (bar)",
            50,
            1,
            0.1,
            lambda r, t: np.clip(-accel_ms2(r, t) * 6.0, 0, 60),
            True,
        ),
        ch(
            "pcm.steering.angle",
            "Steering angle (deg)",
            50,
            1,
            0.3,
            lambda r, t: 80 * np.sin(3 * 2 * np.pi * (t % LAP_S) / LAP_S + 0.5) * r.driving(t),
        ),
        ch(
            "imu.accel.x",
            "Longitudinal acceleration (g)",
            100,
            3,
            0.01,
            lambda r, t: accel_ms2(r, t) / 9.81,
        ),
        ch(
            "imu.accel.y",
            "Lateral acceleration (g)",
            100,
            3,
            0.01,
            lambda r, t: (
                (speed_kmh(r, t) / 3.6) ** 2
                / 40.0
                / 9.81
                * np.sin(3 * 2 * np.pi * (t % LAP_S) / LAP_S + 0.5)
            ),
        ),
        ch("gps.lat", "GPS latitude (deg)", 10, 7, 1e-6, lat),
        ch("gps.lon", "GPS longitude (deg)", 10, 7, 1e-6, lon),
        ch("gps.speed", "GPS ground speed (km/h)", 10, 1, 0.3, speed_kmh, True),
        ch(
            "inverter.state",
            "Inverter state (0 off, 1 precharge, 2 ready, 3 drive, 4 fault)",
            10,
            0,
            0.0,
            inverter_state,
        ),
        ch(
            "inverter.temp",
            "Inverter temperature (C)",
            10,
            1,
            0.1,
            lambda r, t: heat(r, t, 22.0, 0.4),
        ),
        ch(
            "pcm.motor.temp",
            "Motor temperature (C)",
            10,
            1,
            0.1,
            lambda r, t: heat(r, t, 45.0, 0.8),
        ),
        ch(
            "cooling.water.temp",
            "Coolant temperature (C)",
            5,
            1,
            0.1,
            lambda r, t: heat(r, t, 18.0, 0.5),
        ),
        ch(
            "lv.battery.voltage",
            "Low-voltage battery (V)",
            5,
            2,
            0.01,
            lambda r, t: 13.1 - 0.4 * r.drive_fraction(t),
        ),
        ch("ams.imd.ok", "Insulation monitor OK", 2, 0, 0.0, const(1.0)),
    ]


def channels(signals: int | None = None) -> list[Channel[Run]]:
    """The core channels plus per-cell voltages up to `signals` channels in total."""
    if signals is not None and signals < 1:
        raise ValueError(f"a log needs at least one signal, not {signals}")
    core = core_channels()
    extra = 24 if signals is None else max(signals - len(core), 0)
    cells = [
        Channel[Run](f"ams.cells.v{i:03d}", f"Cell {i} voltage (V)", 1, 3, 0.001, cell_voltage(i))
        for i in range(1, extra + 1)
    ]
    return (core + cells)[:signals]
