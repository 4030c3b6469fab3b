"""The sample-log tree served by `perda-tui demo` and the tests: two cars' folders of
realistic PER v2.0 logs, each with its metadata in NAME.meta.json beside it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from perda_tui.samples.writer import write_log


@dataclass(frozen=True)
class Plan:
    """One log of the sample tree: its key, size (fraction of the largest), time and metadata."""

    key: str
    fraction: float
    recorded: datetime
    title: str
    description: str
    tags: tuple[str, ...]
    driver: str
    track: str


PLANS = (
    Plan(
        "REV 10/2025-10-12/skidpad.csv",
        0.002,
        datetime(2025, 10, 12, 10, 14, 2),
        "Skidpad practice",
        "Figure-eight practice before the autocross runs.",
        ("skidpad", "practice"),
        "MK",
        "Pennovation lot",
    ),
    Plan(
        "REV 10/2025-10-12/autocross_run1.csv",
        0.05,
        datetime(2025, 10, 12, 11, 2, 45),
        "Autocross run 1",
        "First timed autocross run; cones moved after lap 1.",
        ("autocross", "dry"),
        "AB",
        "Pennovation lot",
    ),
    Plan("REV 10/brake_test.csv", 0.0015, datetime(2025, 9, 28, 16, 40, 11), "", "", (), "", ""),
    Plan(
        "REV 11/2026-03-15/shakedown.csv",
        0.25,
        datetime(2026, 3, 15, 14, 30, 0),
        "Shakedown",
        "First drive of REV 11 after the new accumulator was installed.",
        ("shakedown", "rev11"),
        "JS",
        "Pennovation lot",
    ),
    Plan(
        "REV 11/2026-04-01/acceleration.csv",
        0.1,
        datetime(2026, 4, 1, 9, 55, 20),
        "Acceleration runs",
        "Four 75 m acceleration runs with launch control on.",
        ("acceleration", "launch-control"),
        "AB",
        "Michigan International Speedway",
    ),
    Plan(
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


@dataclass(frozen=True)
class LapPlan:
    """One lapped run of the sample tree: timed laps at a driver's pace around the loop."""

    key: str
    recorded: datetime
    title: str
    tags: tuple[str, ...]
    driver: str
    laps: int
    pace: float
    spread: float


#: The lapped runs: one track, a faster (AB) and a slower (JS) driver.
LAP_TRACK = "Michigan International Speedway"
LAP_PLANS = (
    LapPlan(
        "REV 11/2026-05-16/endurance_AB.csv",
        datetime(2026, 5, 16, 10, 2, 11),
        "Endurance stint AB",
        ("endurance", "dry", "laps"),
        "AB",
        8,
        1.0,
        0.012,
    ),
    LapPlan(
        "REV 11/2026-05-16/endurance_JS.csv",
        datetime(2026, 5, 16, 10, 41, 50),
        "Endurance stint JS",
        ("endurance", "dry", "laps"),
        "JS",
        8,
        0.94,
        0.02,
    ),
    LapPlan(
        "REV 11/2026-05-16/autocross_run1.csv",
        datetime(2026, 5, 16, 14, 5, 3),
        "Autocross run 1",
        ("autocross", "laps"),
        "AB",
        3,
        1.02,
        0.01,
    ),
    LapPlan(
        "REV 11/2026-05-16/autocross_run2.csv",
        datetime(2026, 5, 16, 14, 21, 40),
        "Autocross run 2",
        ("autocross", "laps"),
        "JS",
        3,
        0.96,
        0.015,
    ),
    LapPlan(
        "REV 11/2026-05-16/autocross_run3.csv",
        datetime(2026, 5, 16, 14, 44, 9),
        "Autocross run 3",
        ("autocross", "laps"),
        "AB",
        3,
        1.04,
        0.008,
    ),
)


def generate_lap_runs(
    out_dir: str | Path, seed: int = 11, max_laps: int | None = None
) -> list[Path]:
    """Write the lapped runs (`LAP_PLANS`) with their metadata; the true lap times go in
    `string_metadata["lap_times_s"]` and the start/finish line in `["start_finish"]`.
    `max_laps` caps each run's timed laps (small runs for tests)."""
    import numpy as np

    from perda_tui.samples.laps import LapRun, lap_paces, start_finish_line, write_lap_log

    out = Path(out_dir)
    line = ",".join(f"{v:.7f}" for v in start_finish_line())
    paths = []
    for index, plan in enumerate(LAP_PLANS):
        rng = np.random.default_rng(seed + 100 + index)
        laps = plan.laps if max_laps is None else min(plan.laps, max_laps)
        run = LapRun.build(lap_paces(laps, plan.pace, plan.spread, rng))
        path = out / plan.key
        summary = write_lap_log(path, run, seed + 200 + index, plan.recorded)
        meta = {
            "title": plan.title,
            "description": f"{laps} timed laps by {plan.driver} with out-lap and in-lap.",
            "tags": list(plan.tags),
            "string_metadata": {
                "driver": plan.driver,
                "track": LAP_TRACK,
                "car": plan.key.split("/")[0],
                "start_finish": line,
                "lap_times_s": " ".join(f"{s:.4f}" for s in summary.lap_times),
            },
            "numeric_metadata": {
                "laps": laps,
                "best_lap_s": min(summary.lap_times),
                "max_speed_kmh": summary.max_speed_kmh,
                "energy_used_kwh": summary.energy_kwh,
                "duration_s": summary.duration_s,
                "rows": summary.rows,
            },
        }
        path.with_suffix(".meta.json").write_text(json.dumps(meta, indent=2) + "\n")
        paths.append(path)
    return paths


def generate_sample_tree(
    out_dir: str | Path, rows: int = 200_000, seed: int = 11, *, lapped: bool = True
) -> list[Path]:
    """Write the sample tree (REV 10/…, REV 11/2026-04-01/…) with NAME.meta.json beside each,
    and with `lapped` the lapped runs of `REV 11/2026-05-16/` (`generate_lap_runs`).

    The largest log has `rows` data rows; the others are fractions of it (at least 300).
    Deterministic for a given seed. One log (`REV 10/brake_test.csv`) has empty metadata.
    """
    out = Path(out_dir)
    paths = []
    for index, plan in enumerate(PLANS):
        path = out / plan.key
        summary = write_log(
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
    return paths + (generate_lap_runs(out, seed) if lapped else [])
