"""Small lapped sample runs for tests: every plan of `LAP_PLANS`, capped at three laps."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from perda_tui.logs import Log
from perda_tui.samples.trees import generate_lap_runs


@dataclass(frozen=True)
class SampleRun:
    """A written lapped run: its path, parsed log, metadata and true lap times (s)."""

    path: Path
    log: Log
    meta: dict[str, dict[str, object]]
    lap_times: list[float]


def lapped_runs(folder: Path, seed: int = 11) -> list[SampleRun]:
    """Write the lapped runs (three laps each) under `folder` and read them back."""
    runs = []
    for path in generate_lap_runs(folder, seed, max_laps=3):
        meta = json.loads(path.with_suffix(".meta.json").read_text())
        truth = [float(s) for s in str(meta["string_metadata"]["lap_times_s"]).split()]
        runs.append(SampleRun(path, Log.load(path), meta, truth))
    return runs
