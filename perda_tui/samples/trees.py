"""Realistic PER v2.0 sample logs: an endurance run of a Formula SAE electric car.

Every signal is a function of time through a small physical model (lap speed profile →
acceleration → motor torque → electrical power → pack current, voltage sag, state of
charge and heating), sampled at its own rate with jitter and noise, with a driver change,
an inverter fault and a logger dropout gap. Generation is vectorised and written in time
windows, so millions of rows take seconds and memory stays bounded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

DEFAULT_RECORDED = datetime(2026, 6, 11, 17, 6, 37)
WINDOW_S = 120.0
LAP_S = 62.0
CELLS = 140
MASS_KG, WHEEL_R_M, GEAR = 280.0, 0.2, 3.5
CENTER_LAT, CENTER_LON = 42.0664, -84.2410


@dataclass(frozen=True)
class _Run:
    """Timeline of one run in seconds from logger start."""

    duration: float
    change: tuple[float, float]
    fault: tuple[float, float]
    dropout: tuple[float, float]

    @classmethod
    def for_duration(cls, duration: float) -> _Run:
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


def _speed_kmh(run: _Run, t: np.ndarray) -> np.ndarray:
    import numpy as np

    phi = 2 * np.pi * (t % LAP_S) / LAP_S
    v = 48 + 22 * np.sin(3 * phi) + 10 * np.sin(7 * phi + 1.0) + 4 * np.sin(11 * phi + 2.0)
    return np.clip(v, 12.0, 95.0) * run.pace(t)


def _accel_ms2(run: _Run, t: np.ndarray) -> np.ndarray:
    dt = 0.05
    return (_speed_kmh(run, t + dt) - _speed_kmh(run, t - dt)) / (2 * dt * 3.6)


def _torque_nm(run: _Run, t: np.ndarray) -> np.ndarray:
    import numpy as np

    v = _speed_kmh(run, t) / 3.6
    force = MASS_KG * _accel_ms2(run, t) + 0.5 * 1.2 * 1.3 * v**2 + 0.015 * MASS_KG * 9.81
    return np.clip(force * WHEEL_R_M / GEAR, -90.0, 230.0) * (v > 0.1)


def _rpm(run: _Run, t: np.ndarray) -> np.ndarray:
    return _speed_kmh(run, t) / 3.6 / WHEEL_R_M * GEAR * 60 / (2 * math.pi)


def _power_w(run: _Run, t: np.ndarray) -> np.ndarray:
    """Electrical power drawn from the pack (negative when regenerating)."""
    import numpy as np

    mech = _torque_nm(run, t) * _rpm(run, t) * 2 * math.pi / 60
    return np.where(mech > 0, mech / 0.9, mech * 0.8) + 350.0


def _soc(run: _Run, t: np.ndarray) -> np.ndarray:
    return 95.0 - 68.0 * run.drive_fraction(t)


def _cell_ocv(run: _Run, t: np.ndarray) -> np.ndarray:
    return 3.45 + 0.0072 * _soc(run, t)


def _current_a(run: _Run, t: np.ndarray) -> np.ndarray:
    return _power_w(run, t) / (CELLS * _cell_ocv(run, t))


def _pack_v(run: _Run, t: np.ndarray) -> np.ndarray:
    return CELLS * _cell_ocv(run, t) - 0.18 * _current_a(run, t)


def _heat(run: _Run, t: np.ndarray, rise: float, tau: float) -> np.ndarray:
    import numpy as np

    return 24.0 + rise * (1 - np.exp(-run.drive_fraction(t) / tau))


def _inverter_state(run: _Run, t: np.ndarray) -> np.ndarray:
    """0 off, 1 precharge, 2 ready, 3 drive, 4 fault."""
    import numpy as np

    c0, c1 = run.change
    since = np.where(t >= c1, t - c1, t)
    state = np.select([since < 2.0, since < 4.0, since < 5.0], [0.0, 1.0, 2.0], 3.0)
    state = np.where((t >= c0) & (t < c1), 0.0, state)
    return np.where((t >= run.fault[0]) & (t < run.fault[1]), 4.0, state)


def _track_xy(run: _Run, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    phi = 2 * np.pi * (t % LAP_S) / LAP_S
    moving = run.driving(t) > 0
    x = np.where(moving, 180 * np.cos(phi) + 40 * np.cos(3 * phi), 215.0)
    y = np.where(moving, 110 * np.sin(phi) + 30 * np.sin(2 * phi), -20.0)
    return x, y


def _lat(run: _Run, t: np.ndarray) -> np.ndarray:
    return CENTER_LAT + _track_xy(run, t)[1] / 111_320.0


def _lon(run: _Run, t: np.ndarray) -> np.ndarray:
    return CENTER_LON + _track_xy(run, t)[0] / (111_320.0 * math.cos(math.radians(CENTER_LAT)))


def _wheel(front: bool, side: float) -> Callable[[_Run, np.ndarray], np.ndarray]:
    def speed(run: _Run, t: np.ndarray) -> np.ndarray:
        import numpy as np

        v = _speed_kmh(run, t)
        corner = 1 + side * 0.03 * np.sin(3 * 2 * np.pi * (t % LAP_S) / LAP_S + 0.5)
        slip = 1.0 if front else 1 + 0.04 * np.clip(_torque_nm(run, t) / 230, 0, 1)
        return v * corner * slip

    return speed


def _cell_voltage(index: int) -> Callable[[_Run, np.ndarray], np.ndarray]:
    offset = 0.004 * math.sin(index * 1.7)

    def voltage(run: _Run, t: np.ndarray) -> np.ndarray:
        return _cell_ocv(run, t) - 0.18 / CELLS * _current_a(run, t) + offset

    return voltage


@dataclass(frozen=True)
class _Channel:
    name: str
    description: str
    rate_hz: float
    decimals: int
    noise: float
    model: Callable[[_Run, np.ndarray], np.ndarray]
    non_negative: bool = False


def _core_channels() -> list[_Channel]:
    import numpy as np

    def const(value: float) -> Callable[[_Run, np.ndarray], np.ndarray]:
        return lambda run, t: np.full(t.shape, value)

    ch = _Channel
    return [
        ch("ams.pack.voltage", "Pack voltage (V)", 100, 2, 0.15, _pack_v),
        ch("ams.pack.current", "Pack current (A)", 100, 1, 0.4, _current_a),
        ch("ams.pack.soc", "State of charge (%)", 10, 1, 0.05, _soc),
        ch(
            "ams.cells.temp_max",
            "Max cell temperature (C)",
            10,
            1,
            0.1,
            lambda r, t: _heat(r, t, 30.0, 0.6),
        ),
        ch(
            "ams.cells.temp_min",
            "Min cell temperature (C)",
            10,
            1,
            0.1,
            lambda r, t: _heat(r, t, 24.0, 0.7),
        ),
        ch(
            "ams.cells.v_min",
            "Min cell voltage (V)",
            10,
            3,
            0.002,
            lambda r, t: _cell_voltage(0)(r, t) - 0.012,
        ),
        ch(
            "pcm.wheelSpeeds.frontLeft",
            "Front left wheel speed (km/h)",
            100,
            2,
            0.1,
            _wheel(True, -1.0),
            True,
        ),
        ch(
            "pcm.wheelSpeeds.frontRight",
            "Front right wheel speed (km/h)",
            100,
            2,
            0.1,
            _wheel(True, 1.0),
            True,
        ),
        ch(
            "pcm.wheelSpeeds.rearLeft",
            "Rear left wheel speed (km/h)",
            100,
            2,
            0.1,
            _wheel(False, -1.0),
            True,
        ),
        ch(
            "pcm.wheelSpeeds.rearRight",
            "Rear right wheel speed (km/h)",
            100,
            2,
            0.1,
            _wheel(False, 1.0),
            True,
        ),
        ch("pcm.motor.torque", "Motor torque (Nm)", 100, 1, 0.5, _torque_nm),
        ch("pcm.motor.rpm", "Motor speed (rpm)", 100, 0, 3.0, _rpm, True),
        ch(
            "pcm.pedals.throttle",
            "Throttle pedal (%)",
            50,
            1,
            0.2,
            lambda r, t: np.clip(_torque_nm(r, t) / 2.3, 0, 100),
            True,
        ),
        ch(
            "pcm.pedals.brake",
            "Brake pressure (bar)",
            50,
            1,
            0.1,
            lambda r, t: np.clip(-_accel_ms2(r, t) * 6.0, 0, 60),
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
            lambda r, t: _accel_ms2(r, t) / 9.81,
        ),
        ch(
            "imu.accel.y",
            "Lateral acceleration (g)",
            100,
            3,
            0.01,
            lambda r, t: (
                (_speed_kmh(r, t) / 3.6) ** 2
                / 40.0
                / 9.81
                * np.sin(3 * 2 * np.pi * (t % LAP_S) / LAP_S + 0.5)
            ),
        ),
        ch("gps.lat", "GPS latitude (deg)", 10, 7, 1e-6, _lat),
        ch("gps.lon", "GPS longitude (deg)", 10, 7, 1e-6, _lon),
        ch("gps.speed", "GPS ground speed (km/h)", 10, 1, 0.3, _speed_kmh, True),
        ch(
            "inverter.state",
            "Inverter state (0 off, 1 precharge, 2 ready, 3 drive, 4 fault)",
            10,
            0,
            0.0,
            _inverter_state,
        ),
        ch(
            "inverter.temp",
            "Inverter temperature (C)",
            10,
            1,
            0.1,
            lambda r, t: _heat(r, t, 22.0, 0.4),
        ),
        ch(
            "pcm.motor.temp",
            "Motor temperature (C)",
            10,
            1,
            0.1,
            lambda r, t: _heat(r, t, 45.0, 0.8),
        ),
        ch(
            "cooling.water.temp",
            "Coolant temperature (C)",
            5,
            1,
            0.1,
            lambda r, t: _heat(r, t, 18.0, 0.5),
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


def channels(signals: int | None = None) -> list[_Channel]:
    """The core channels plus per-cell voltages up to `signals` channels in total."""
    if signals is not None and signals < 1:
        raise ValueError(f"a log needs at least one signal, not {signals}")
    core = _core_channels()
    extra = 24 if signals is None else max(signals - len(core), 0)
    cells = [
        _Channel(f"ams.cells.v{i:03d}", f"Cell {i} voltage (V)", 1, 3, 0.001, _cell_voltage(i))
        for i in range(1, extra + 1)
    ]
    return (core + cells)[:signals]


@dataclass
class _Summary:
    """Figures gathered while writing, for the metadata beside the log."""

    rows: int = 0
    duration_s: float = 0.0
    max_speed_kmh: float = 0.0
    energy_kwh: float = 0.0
    laps: int = 0


def _rate_scale(chans: list[_Channel], rows: int, min_duration: float = 30.0) -> float:
    total = sum(c.rate_hz for c in chans)
    return min(1.0, rows / (total * min_duration))


def _window(
    chans: list[_Channel],
    run: _Run,
    start: float,
    end: float,
    scale: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All samples of one time window, sorted by (time, id)."""
    import numpy as np

    times, ids, values = [], [], []
    for cid, ch in enumerate(chans, start=1):
        rate = max(ch.rate_hz * scale, 0.05)
        first = math.ceil(start * rate - 0.25)
        t = (np.arange(first, math.ceil(end * rate - 0.25)) + 0.25) / rate
        t = t + rng.uniform(0, 2e-4, t.size)
        t = t[(t >= start) & (t < end) & ~((t >= run.dropout[0]) & (t < run.dropout[1]))]
        v = ch.model(run, t)
        if ch.noise:
            v = v + rng.normal(0.0, ch.noise, t.size)
        if ch.non_negative:
            v = np.abs(v)
        times.append(t)
        ids.append(np.full(t.size, cid, dtype=np.int32))
        values.append(np.round(v, ch.decimals))
    t_all = np.concatenate(times)
    order = np.argsort(t_all, kind="stable")
    return t_all[order], np.concatenate(ids)[order], np.concatenate(values)[order]


def _header(recorded: datetime, chans: list[_Channel]) -> str:
    lines = [f"PER Log: {recorded.strftime('%a %b %d %H:%M:%S %Y')} v2.0"]
    lines += [f"Value {c.description} ({c.name}): {i}" for i, c in enumerate(chans, start=1)]
    return "\n".join(lines) + "\n"


def _write(path: Path, rows: int, seed: int, recorded: datetime, signals: int | None) -> _Summary:
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    chans = channels(signals)
    scale = _rate_scale(chans, rows)
    total_rate = sum(max(c.rate_hz * scale, 0.05) for c in chans)
    run = _Run.for_duration(rows / total_rate * 1.03)
    rng = np.random.default_rng(seed)
    boot_us = int(rng.integers(1_000_000, 3_000_000))
    summary = _Summary()
    path.parent.mkdir(parents=True, exist_ok=True)
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    with path.open("wb") as out:
        out.write(_header(recorded, chans).encode())
        start = 0.0
        while summary.rows < rows:
            t, ids, v = _window(chans, run, start, start + WINDOW_S, scale, rng)
            t, ids, v = (
                t[: rows - summary.rows],
                ids[: rows - summary.rows],
                v[: rows - summary.rows],
            )
            stamps = boot_us + np.round(t * 1e6).astype(np.int64)
            table = pa.table({"t": stamps, "id": ids, "v": v})
            pacsv.write_csv(table, out, options)
            summary.rows += t.size
            if t.size:
                summary.duration_s = float(t[-1])
            start += WINDOW_S
    grid = np.arange(0.0, summary.duration_s, 0.05)
    summary.max_speed_kmh = round(float(_speed_kmh(run, grid).max(initial=0.0)) * 1.04, 1)
    summary.energy_kwh = round(float(np.sum(_power_w(run, grid)) * 0.05 / 3.6e6), 3)
    summary.laps = int(float(np.sum(run.driving(grid))) * 0.05 // LAP_S)
    return summary


def write_sample_log(
    path: str | Path,
    rows: int,
    *,
    seed: int = 11,
    recorded: datetime = DEFAULT_RECORDED,
    signals: int | None = None,
) -> Path:
    """Write a realistic PER v2.0 log of exactly `rows` data rows; returns its path.

    `signals` sets the channel count (core channels first, then per-cell voltages).
    """
    path = Path(path)
    _write(path, rows, seed, recorded, signals)
    return path


@dataclass(frozen=True)
class _Plan:
    key: str
    fraction: float
    recorded: datetime
    title: str
    description: str
    tags: tuple[str, ...]
    driver: str
    track: str


PLANS = (
    _Plan(
        "REV 10/2025-10-12/skidpad.csv",
        0.002,
        datetime(2025, 10, 12, 10, 14, 2),
        "Skidpad practice",
        "Figure-eight practice before the autocross runs.",
        ("skidpad", "practice"),
        "MK",
        "Pennovation lot",
    ),
    _Plan(
        "REV 10/2025-10-12/autocross_run1.csv",
        0.05,
        datetime(2025, 10, 12, 11, 2, 45),
        "Autocross run 1",
        "First timed autocross run; cones moved after lap 1.",
        ("autocross", "dry"),
        "AB",
        "Pennovation lot",
    ),
    _Plan("REV 10/brake_test.csv", 0.0015, datetime(2025, 9, 28, 16, 40, 11), "", "", (), "", ""),
    _Plan(
        "REV 11/2026-03-15/shakedown.csv",
        0.25,
        datetime(2026, 3, 15, 14, 30, 0),
        "Shakedown",
        "First drive of REV 11 after the new accumulator was installed.",
        ("shakedown", "rev11"),
        "JS",
        "Pennovation lot",
    ),
    _Plan(
        "REV 11/2026-04-01/acceleration.csv",
        0.1,
        datetime(2026, 4, 1, 9, 55, 20),
        "Acceleration runs",
        "Four 75 m acceleration runs with launch control on.",
        ("acceleration", "launch-control"),
        "AB",
        "Michigan International Speedway",
    ),
    _Plan(
        "REV 11/2026-04-01/endurance.csv",
        1.0,
        datetime(2026, 4, 1, 17, 6, 37),
        "Endurance",
        "Full endurance run with driver change; logger dropout near lap 5.",
        ("endurance", "dry", "driver-change"),
        "AB / JS",
        "Michigan International Speedway",
    ),
)


def generate_sample_tree(out_dir: str | Path, rows: int = 200_000, seed: int = 11) -> list[Path]:
    """Write the sample tree (REV 10/…, REV 11/2026-04-01/…) with NAME.meta.json beside each.

    The largest log has `rows` data rows; the others are fractions of it (at least 300).
    Deterministic for a given seed. One log (`REV 10/brake_test.csv`) has empty metadata.
    """
    out = Path(out_dir)
    paths = []
    for index, plan in enumerate(PLANS):
        path = out / plan.key
        summary = _write(
            path, max(300, int(rows * plan.fraction)), seed + index, plan.recorded, None
        )
        meta: dict[str, object] = {
            "title": plan.title,
            "description": plan.description,
            "tags": list(plan.tags),
            "string_metadata": {},
            "numeric_metadata": {},
        }
        if plan.title:
            meta["string_metadata"] = {
                "driver": plan.driver,
                "track": plan.track,
                "car": plan.key.split("/")[0],
            }
            meta["numeric_metadata"] = {
                "max_speed_kmh": summary.max_speed_kmh,
                "energy_used_kwh": summary.energy_kwh,
                "laps": summary.laps,
                "duration_s": round(summary.duration_s, 1),
                "rows": summary.rows,
            }
        path.with_suffix(".meta.json").write_text(json.dumps(meta, indent=2) + "\n")
        paths.append(path)
    return paths
