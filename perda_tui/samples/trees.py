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


def generate_sample_tree(out_dir: str | Path, rows: int = 200_000, seed: int = 11) -> list[Path]:
    """Write the sample tree (REV 10/…, REV 11/2026-04-01/…) with NAME.meta.json beside each.

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
    return paths
