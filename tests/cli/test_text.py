"""What the command line prints: binary units, readable times, wall-clock axes, and a
one-line hint when the server extra is missing (issue 11 §4, §5)."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from perda_tui.logs import Log
from perda_tui.units import parse_duration
from tests.cli.console import run_console

#: 14:05:09 is raw 0; the logger's first sample is 30 s later, the last at 5:00.
RECORDED = datetime(2026, 4, 1, 14, 5, 9)
FIRST_S, LAST_S = 30, 300
CLOCK_LABEL = re.compile(r"^\d\d:\d\d(:\d\d)?$")


@pytest.fixture
def late_start_log(tmp_path: Path) -> Path:
    """A 1 Hz log whose first sample comes 30 s after the recording time."""
    lines = [
        f"PER Log: {RECORDED:%a %b %d %H:%M:%S %Y} v2.0",
        "Value Pack voltage (ams.pack.voltage): 1",
    ]
    lines += [f"{t * 1_000_000},1,{400 - t * 0.01:.2f}" for t in range(FIRST_S, LAST_S + 1)]
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def x_labels(chart: str) -> list[str]:
    """The labels on the row under the chart frame's bottom edge."""
    lines = chart.splitlines()
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    return lines[bottom + 1].split()


def test_plot_clock_labels_the_axis_with_the_samples_wall_clock_times(
    late_start_log: Path,
) -> None:
    """`--start 2:00 --end 3:30` is 2:00-3:30 after the first sample; `--clock` shows when
    that was: recording time + raw timestamp (`Log.wall_clock`), as in the app and exports."""
    result = run_console(
        "plot", str(late_start_log), "ams.pack.voltage", "--clock",
        "--start", "2:00", "--end", "3:30", "--width", "80", "--height", "12",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    labels = x_labels(result.stdout)
    assert len(labels) >= 2 and all(CLOCK_LABEL.match(label) for label in labels), labels
    log = Log.load(late_start_log)
    assert log.wall_clock(log.start_time) == RECORDED + timedelta(seconds=FIRST_S)
    window = (
        RECORDED + timedelta(seconds=FIRST_S + 120),
        RECORDED + timedelta(seconds=FIRST_S + 210),
    )
    for label in labels:
        clock = datetime.combine(RECORDED.date(), datetime.strptime(label, "%H:%M:%S").time())
        assert window[0] <= clock <= window[1], (label, window)


def test_plot_clock_without_a_recording_time_says_so(tmp_path: Path) -> None:
    path = tmp_path / "no-time.csv"
    path.write_text("PER Log: not a date v2.0\nValue a: 1\n1000,1,1\n2000000,1,2\n")
    result = run_console("plot", str(path), "a", "--clock")
    assert result.returncode == 1
    assert result.stderr == "perda-tui: --clock: the log's header has no recording time\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "4:00", "--end", "2:00"], "--end (2:00) must be after --start (4:00)"),
        (["--start", "1:02:03"], "the window 1:02:03-4:30 is outside the log, which lasts 4:30"),
        (["--start", "90", "--end", "2:x"], "argument --end: not a time: '2:x'"),
    ],
)
def test_plot_windows_are_read_and_written_as_clock_durations(
    late_start_log: Path, args: list[str], message: str
) -> None:
    result = run_console("plot", str(late_start_log), "ams.pack.voltage", *args)
    assert result.returncode != 0
    assert message in result.stderr
    assert "e+0" not in result.stderr


def test_plot_window_in_minutes_and_seconds(late_start_log: Path) -> None:
    result = run_console(
        "plot", str(late_start_log), "ams.pack.voltage", "--start", "1:30", "--end", "150",
        "--width", "60", "--height", "10",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    ticks = [parse_duration(label) for label in x_labels(result.stdout)]  # M:SS labels
    assert ticks and all(90 <= tick <= 150 for tick in ticks)


def test_sample_logs_lists_sizes_in_binary_units(tmp_path: Path) -> None:
    result = run_console("sample-logs", str(tmp_path / "out"), "--rows", "500")
    assert result.returncode == 0, result.stderr
    sizes = [line.strip().split("  ")[0] for line in result.stdout.splitlines()]
    assert sizes and all(re.fullmatch(r"[\d.]+ (B|KiB|MiB)", size) for size in sizes), sizes


@pytest.fixture
def without_starlette(tmp_path: Path) -> dict[str, str]:
    """An environment whose interpreter cannot import starlette (as without the extra)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import sys\nsys.modules['starlette'] = None\n")
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}


@pytest.mark.parametrize("argv", [["serve"], ["demo"], ["demo", "--no-tui"]])
def test_server_commands_without_the_server_extra_say_how_to_add_it(
    without_starlette: dict[str, str], argv: list[str]
) -> None:
    result = run_console(*argv, env={**without_starlette, "PERDA_SERVER_PASSWORD": "x"})
    assert result.returncode == 2
    assert result.stderr == (
        f"perda-tui {argv[0]}: needs the reference server (starlette missing); "
        "add it with: pip install 'perda-tui[server]'\n"
    )
