"""`perda-tui laps`: the lap table of a sample run, as text and JSON, against the truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perda_tui.analysis.laps import format_line
from perda_tui.analysis.tracks import load_lap_settings
from perda_tui.cli.main import main
from perda_tui.config import config_dir
from perda_tui.samples.laps import start_finish_line
from tests.samples.lapped import SampleRun, lapped_runs


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[SampleRun]:
    return lapped_runs(tmp_path_factory.mktemp("lapped"))


def test_json_lap_times_are_the_truth(runs: list[SampleRun], capsys) -> None:
    run = runs[2]
    assert main(["laps", str(run.path), "--json"]) == 0  # line from the metadata beside it
    doc = json.loads(capsys.readouterr().out)
    assert doc["track"] == "Michigan International Speedway"
    assert doc["by"] == f"line:{format_line(start_finish_line())}"
    assert [lap["lap"] for lap in doc["laps"]] == ["out", "1", "2", "3", "in"]
    timed = [lap["time_s"] for lap in doc["laps"] if lap["kind"] == "timed"]
    assert timed == pytest.approx(run.lap_times, abs=0.1)
    assert min(lap["delta_s"] for lap in doc["laps"] if lap["kind"] == "timed") == 0


def test_text_table_marks_the_best_lap(runs: list[SampleRun], capsys) -> None:
    assert main(["laps", str(runs[0].path), "--beacon", "timing.lap_beacon"]) == 0
    out = capsys.readouterr().out
    assert "lap        time    Δ best" in out and "\nout " in out and "\nin " in out
    best = min(range(3), key=lambda i: runs[0].lap_times[i]) + 1
    assert f"\n{best} *" in out and f"best: lap {best} in" in out


def test_line_is_saved_per_track_and_used(runs: list[SampleRun], tmp_path: Path, capsys) -> None:
    bare = tmp_path / "bare.csv"
    bare.write_bytes(runs[1].path.read_bytes())  # no metadata beside it
    assert main(["laps", str(bare)]) == 1
    assert "no start/finish line" in capsys.readouterr().err
    line = format_line(start_finish_line())
    assert main(["laps", str(bare), "--line", line, "--track", "MIS", "--save"]) == 0
    assert "stored the line for 'MIS'" in capsys.readouterr().out
    assert load_lap_settings(config_dir()).lines["MIS"] == start_finish_line()
    assert main(["laps", str(bare), "--track", "MIS", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["laps"]) == 5


def test_bad_line_and_missing_log(tmp_path: Path, capsys) -> None:
    assert main(["laps", str(tmp_path / "x.csv"), "--line", "1,2,3"]) == 1
    assert "LAT1,LON1,LAT2,LON2" in capsys.readouterr().err
    assert main(["laps", str(tmp_path / "missing.csv"), "--line", "1,2,3,4"]) == 1
    assert "not a file here" in capsys.readouterr().err
