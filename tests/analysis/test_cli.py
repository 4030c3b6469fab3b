"""`perda-tui stats` and `perda-tui health` on a fixed sample log."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from perda_tui.cli.main import main
from perda_tui.logs import Log
from perda_tui.samples.writer import write_sample_log


@pytest.fixture(scope="module")
def sample_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_log(tmp_path_factory.mktemp("stats") / "endurance.csv", 20_000)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_stats_json_against_numpy(sample_log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "stats",
        str(sample_log),
        "ams.pack.voltage",
        "ams.pack.voltage * ams.pack.current / 1000",
        "power",
        "--channel",
        "power=ams.pack.voltage*ams.pack.current",
        "--start",
        "5",
        "--end",
        "0:20",
        "--json",
    )
    assert code == 0
    document = json.loads(out)
    log = Log.load(sample_log)
    voltage = log["ams.pack.voltage"]
    t0, t1 = log.start_time + 5e6, log.start_time + 20e6
    inside = (voltage.timestamps >= t0) & (voltage.timestamps <= t1)
    first = document["signals"][0]
    assert set(first) == {
        "name",
        "count",
        "min",
        "max",
        "mean",
        "std",
        "first_s",
        "last_s",
        "rate_hz",
    }
    assert first["count"] == inside.sum()
    assert first["mean"] == pytest.approx(voltage.values[inside].mean())
    assert first["std"] == pytest.approx(voltage.values[inside].std())
    assert first["first_s"] == pytest.approx(
        (voltage.timestamps[inside][0] - log.start_time) * 1e-6
    )
    power = log["ams.pack.voltage"] * log["ams.pack.current"]
    inside = (power.timestamps >= t0) & (power.timestamps <= t1)
    kw, named = document["signals"][1], document["signals"][2]
    assert kw["max"] == pytest.approx(power.values[inside].max() / 1000)
    assert named["name"] == "power" and named["mean"] == pytest.approx(power.values[inside].mean())
    assert document["start_s"] == 5 and document["end_s"] == 20


def test_stats_names_and_options_in_any_order(
    sample_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names_first = (
        "stats",
        str(sample_log),
        "ams.pack.voltage",
        "power",
        "pcm.motor.rpm",
        "--channel",
        "power=ams.pack.voltage*ams.pack.current",
        "--start",
        "5",
        "--json",
    )
    code, expected, _ = run(capsys, *names_first)
    assert code == 0
    intermixed = (
        "stats",
        "--json",
        str(sample_log),
        "ams.pack.voltage",
        "--channel",
        "power=ams.pack.voltage*ams.pack.current",
        "power",
        "--start",
        "5",
        "pcm.motor.rpm",
    )
    code, out, err = run(capsys, *intermixed)
    assert (code, err) == (0, "")
    assert out == expected
    assert [row["name"] for row in json.loads(out)["signals"]] == [
        "ams.pack.voltage",
        "power",
        "pcm.motor.rpm",
    ]


def test_stats_table_and_team_file(
    sample_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = tmp_path / "team.toml"
    team.write_text('[channels]\nrpm_k = "pcm.motor.rpm / 1000"\nghost = "no.such * 2"\n')
    code, out, _ = run(capsys, "stats", str(sample_log), "rpm_k", "--channels", str(team))
    assert code == 0
    header, row = out.splitlines()
    assert header.split() == [
        "signal",
        "count",
        "min",
        "max",
        "mean",
        "std",
        "first",
        "last",
        "rate",
        "Hz",
    ]
    assert row.split()[0] == "rpm_k"
    code, _, err = run(capsys, "stats", str(sample_log), "ghost", "--channels", str(team))
    assert code == 1 and err.strip() == "perda-tui: channel ghost needs no.such"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nosuch",), "nosuch: not in this log: nosuch"),
        (("__import__('os')",), 'unexpected "\'"'),
        (("ams.pack.voltage", "--start", "20", "--end", "10"), "must be after --start"),
        (("ams.pack.voltage", "--channel", "oops"), "not a channel: 'oops'"),
        (("ams.pack.voltage", "--channels", "/nonexistent/team.toml"), "no channels file"),
    ],
)
def test_stats_errors_are_one_line(
    sample_log: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, "stats", str(sample_log), *args)
    assert code == 1 and out == ""
    assert message in err and err.count("\n") == 1


def test_health_json_and_table(sample_log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "health", str(sample_log), "--json")
    assert code == 0
    document = json.loads(out)
    log = Log.load(sample_log)
    assert len(document["channels"]) == len(log)
    voltage = next(c for c in document["channels"] if c["name"] == "ams.pack.voltage")
    steps = np.diff(log["ams.pack.voltage"].timestamps)
    assert voltage["samples"] == len(log["ams.pack.voltage"])
    assert voltage["longest_gap_s"] == pytest.approx(steps.max() * 1e-6)
    assert voltage["gaps"] == np.count_nonzero(steps > 5 * np.median(steps))
    assert document["parse_errors"] == log.parse_errors
    code, out, _ = run(capsys, "health", str(sample_log))
    lines = out.splitlines()
    assert lines[0] == f"parse errors: {log.parse_errors}"
    assert lines[1].split()[:3] == ["channel", "samples", "rate"]
