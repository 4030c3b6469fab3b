"""`perda-tui compare`: summary of sample runs, event alignment, one failing log."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from perda_tui.cli.main import main
from tests.samples.lapped import SampleRun, lapped_runs


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[SampleRun]:
    return lapped_runs(tmp_path_factory.mktemp("lapped"))


def test_json_summary_against_numpy(runs: list[SampleRun], capsys) -> None:
    paths = [str(r.path) for r in runs[:3]]
    argv = ["compare", *paths, "--signal", "gps.speed", "--signal", "ams.pack.power"]
    argv += ["--align", "event:gps.speed > 5", "--metadata", "driver", "--json"]
    assert main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [r["label"] for r in doc["runs"]] == [
        f"{r.path.name} ({r.meta['string_metadata']['driver']})" for r in runs[:3]
    ]
    for out, run in zip(doc["runs"], runs, strict=False):
        speed = run.log["gps.speed"]
        stats = out["signals"]["gps.speed"]
        assert stats["max"] == speed.values.max() and stats["mean"] == speed.values.mean()
        first = speed.timestamps[np.flatnonzero(speed.values > 5)[0]]
        assert out["zero_s"] == pytest.approx((first - run.log.start_time) * 1e-6)
        power = run.log["ams.pack.power"]
        area = np.trapezoid(power.values, (power.timestamps - power.timestamps[0]) * 1e-6)
        assert out["signals"]["ams.pack.power"]["integral"] == pytest.approx(area)
        assert out["metadata"] == {"driver": run.meta["string_metadata"]["driver"]}


def test_one_failing_log_does_not_stop_the_others(
    runs: list[SampleRun], tmp_path: Path, capsys
) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01binary")
    argv = ["compare", str(runs[0].path), str(junk), str(runs[1].path), "--signal", "gps.speed"]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "junk.csv" in captured.err and captured.err.count("\n") == 1
    assert "endurance_AB.csv (AB)" in captured.out and "endurance_JS.csv (JS)" in captured.out
    assert "aligned at start" in captured.out


def test_event_that_never_happens_and_bad_arguments(runs: list[SampleRun], capsys) -> None:
    argv = [
        "compare",
        str(runs[0].path),
        "--signal",
        "gps.speed",
        "--align",
        "event:gps.speed > 999",
    ]
    assert main(argv) == 1
    assert "never holds" in capsys.readouterr().err
    assert main(["compare", str(runs[0].path), "--signal", "x", "--align", "middle"]) == 1
    assert "alignment is 'start' or 'event:EXPR'" in capsys.readouterr().err
    assert main(["compare", *[str(runs[0].path)] * 7, "--signal", "x"]) == 1
    assert "at most 6 logs" in capsys.readouterr().err
