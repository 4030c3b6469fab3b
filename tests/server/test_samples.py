"""Sample-log generator: real PER v2.0 format, plausible physics, deterministic tree."""

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from perda_tui.cli.main import main
from perda_tui.logs import Log
from perda_tui.samples.trees import generate_sample_tree
from perda_tui.samples.writer import write_sample_log

REQUIRED = [
    "ams.pack.voltage",
    "ams.pack.current",
    "ams.cells.temp_max",
    "pcm.wheelSpeeds.frontRight",
    "pcm.wheelSpeeds.frontLeft",
    "pcm.wheelSpeeds.rearRight",
    "pcm.wheelSpeeds.rearLeft",
    "pcm.motor.torque",
    "gps.lat",
    "gps.lon",
    "inverter.state",
]


@pytest.fixture(scope="module")
def endurance(tmp_path_factory) -> Log:
    path = tmp_path_factory.mktemp("samples") / "endurance.csv"
    return Log.load(write_sample_log(path, 60_000, recorded=datetime(2026, 4, 1, 17, 6, 37)))


def test_format_header_and_exact_row_count(endurance: Log) -> None:
    assert endurance.header == "PER Log: Wed Apr 01 17:06:37 2026 v2.0"
    assert endurance.time_unit == "us" and endurance.recording_time == datetime(
        2026, 4, 1, 17, 6, 37
    )
    assert endurance.sample_count == 60_000 and endurance.parse_errors == 0
    assert endurance.warnings == []
    assert set(REQUIRED) <= set(endurance.names)
    assert endurance["ams.pack.voltage"].description == "Pack voltage (V)"


def test_pack_voltage_sags_under_current(endurance: Log) -> None:
    voltage, current = endurance["ams.pack.voltage"], endurance["ams.pack.current"]
    common = np.interp(current.timestamps, voltage.timestamps, voltage.values)
    driving = current.values > 5
    assert np.corrcoef(current.values[driving], common[driving])[0, 1] < -0.3
    assert 400 < voltage.values.min() < voltage.values.max() < 600


def test_temperatures_rise_and_speeds_follow_laps(endurance: Log) -> None:
    temp = endurance["ams.cells.temp_max"].values
    assert temp[-20:].mean() > temp[:20].mean() + 3
    wheel = endurance["pcm.wheelSpeeds.frontRight"]
    assert wheel.values.min() >= 0 and 60 < wheel.values.max() < 110
    states = set(endurance["inverter.state"].values.tolist())
    assert {0.0, 3.0} <= states <= {0.0, 1.0, 2.0, 3.0, 4.0}
    lat = endurance["gps.lat"].values
    assert np.ptp(lat) * 111_320 > 100  # metres around the track loop


def test_logger_dropout_gap(endurance: Log) -> None:
    gaps = np.diff(endurance["ams.pack.voltage"].timestamps)
    assert gaps.max() > 1_000_000  # more than a second without any sample at 100 Hz
    assert np.median(gaps) < 20_000


def test_tree_layout_metadata_and_determinism(tmp_path: Path) -> None:
    first = generate_sample_tree(tmp_path / "a", rows=4000, seed=3, lapped=False)
    again = generate_sample_tree(tmp_path / "b", rows=4000, seed=3, lapped=False)
    other = generate_sample_tree(tmp_path / "c", rows=4000, seed=4, lapped=False)
    keys = [p.relative_to(tmp_path / "a").as_posix() for p in first]
    assert "REV 11/2026-04-01/endurance.csv" in keys
    assert any(k.startswith("REV 10/") for k in keys)
    assert all(p.read_bytes() == q.read_bytes() for p, q in zip(first, again, strict=True))
    assert any(p.read_bytes() != q.read_bytes() for p, q in zip(first, other, strict=True))
    sizes = {k: Log.load(p).sample_count for k, p in zip(keys, first, strict=True)}
    assert sizes["REV 11/2026-04-01/endurance.csv"] == 4000 and min(sizes.values()) >= 300
    meta = json.loads((tmp_path / "a/REV 11/2026-04-01/endurance.meta.json").read_text())
    assert set(meta) == {"title", "description", "tags", "string_metadata", "numeric_metadata"}
    assert meta["title"] == "Endurance" and "endurance" in meta["tags"]
    assert {"driver", "track"} <= set(meta["string_metadata"])
    assert {"max_speed_kmh", "energy_used_kwh"} <= set(meta["numeric_metadata"])
    assert meta["numeric_metadata"]["max_speed_kmh"] > 30
    bare = json.loads((tmp_path / "a/REV 10/brake_test.meta.json").read_text())
    assert bare["title"] == "" and bare["numeric_metadata"] == {}


def test_signal_count_for_benchmarks(tmp_path: Path) -> None:
    log = Log.load(write_sample_log(tmp_path / "wide.csv", 5000, signals=200))
    assert len(log) == 200 and log.sample_count == 5000
    assert "ams.cells.v150" in log


def test_cli_command(tmp_path: Path, capsys) -> None:
    assert main(["sample-logs", str(tmp_path / "out"), "--rows", "1000", "--seed", "5"]) == 0
    printed = capsys.readouterr().out
    assert "REV 11/2026-04-01/endurance.csv" in printed
    assert "REV 11/2026-05-16/endurance_AB.csv" in printed  # the lapped runs come along
    assert (tmp_path / "out/REV 11/2026-04-01/endurance.csv").is_file()
    assert main(["sample-logs", str(tmp_path / "bad"), "--rows", "0"]) == 1
    assert "--rows must be at least 1" in capsys.readouterr().err


def test_few_signals_and_bad_counts(tmp_path: Path) -> None:
    log = Log.load(write_sample_log(tmp_path / "two.csv", 500, signals=2))
    assert log.names == ["ams.pack.voltage", "ams.pack.current"] and log.sample_count == 500
    with pytest.raises(ValueError, match="at least one signal"):
        write_sample_log(tmp_path / "none.csv", 10, signals=0)
