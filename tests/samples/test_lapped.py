"""Lapped sample runs: consistent physics, true lap times in the metadata, drivers differ,
and the older sample logs are untouched by them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from perda_tui.samples.laps import LapRun, lap_paces, start_finish_line
from perda_tui.samples.trees import LAP_PLANS, generate_lap_runs, generate_sample_tree
from tests.samples.lapped import SampleRun, lapped_runs

#: sha256 of every file of `generate_sample_tree(rows=2000, seed=3, lapped=False)`, taken
#: before the lapped runs were added: the older sample logs must not move.
OLDER_TREE_SHA256 = "2df4eb45f9fbd74a9a47751e967166631ed1cf8b722b3ca1e81ab17f0b264553"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[SampleRun]:
    return lapped_runs(tmp_path_factory.mktemp("lapped"))


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def test_the_older_sample_logs_are_byte_identical(tmp_path: Path) -> None:
    generate_sample_tree(tmp_path, rows=2000, seed=3, lapped=False)
    assert tree_digest(tmp_path) == OLDER_TREE_SHA256


def test_metadata_holds_the_truth_and_the_line(runs: list[SampleRun]) -> None:
    assert [r.path.relative_to(r.path.parents[2]).as_posix() for r in runs] == [
        p.key for p in LAP_PLANS
    ]
    for run in runs:
        strings, numbers = run.meta["string_metadata"], run.meta["numeric_metadata"]
        assert strings["track"] == "Michigan International Speedway"
        assert strings["start_finish"] == ",".join(f"{v:.7f}" for v in start_finish_line())
        assert numbers["laps"] == len(run.lap_times) == 3
        assert numbers["best_lap_s"] == min(run.lap_times)
        assert numbers["rows"] == run.log.sample_count
        assert np.std(run.lap_times) > 0.05  # lap-to-lap variation


def test_lap_times_are_the_integral_of_the_speed() -> None:
    run = LapRun.build(lap_paces(2, 1.0, 0.01, np.random.default_rng(0)))
    # the time between crossings is the distance of one lap over the speed, integrated
    one_lap = (run.u >= run.u[0] + 260.0) & (run.u <= 260.0 + run.loop.length)
    u, v = run.u[one_lap], run.v[one_lap]
    assert run.lap_times[0] == pytest.approx(np.trapezoid(1 / v, u), abs=0.01)
    assert len(run.crossings) == 3 and np.all(np.diff(run.crossings) > 60)


def test_the_faster_driver_is_faster(runs: list[SampleRun]) -> None:
    by_driver: dict[str, list[float]] = {}
    for run in runs:
        by_driver.setdefault(str(run.meta["string_metadata"]["driver"]), []).extend(run.lap_times)
    assert np.mean(by_driver["AB"]) < np.mean(by_driver["JS"]) - 2


def test_deterministic(tmp_path: Path) -> None:
    first = generate_lap_runs(tmp_path / "a", seed=5, max_laps=1)
    again = generate_lap_runs(tmp_path / "b", seed=5, max_laps=1)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
