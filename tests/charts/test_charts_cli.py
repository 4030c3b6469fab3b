"""`perda-tui plot`: a chart of a fixed log on stdout, from a file or a server key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from perda_tui.cli.main import main
from perda_tui.logs import Log
from perda_tui.samples.writer import write_sample_log
from perda_tui.server.runner import RunningDataServer
from perda_tui.units import parse_duration
from tests.fixtures.dataserver import SAMPLE_TREE

BRAILLE = re.compile("[\u2801-\u28ff]")


@pytest.fixture(scope="module")
def sample_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixed sample log (seed 11, 20,000 rows)."""
    return write_sample_log(tmp_path_factory.mktemp("plot") / "endurance.csv", 20_000)


def x_ticks(lines: list[str]) -> list[float]:
    """Numbers on the row under the frame's bottom edge."""
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    return [parse_duration(n) for n in lines[bottom + 1].split()]


def test_plot_prints_a_chart_of_the_requested_size(
    sample_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "plot",
            str(sample_log),
            "ams.pack.voltage",
            "ams.pack.current",
            "--width",
            "90",
            "--height",
            "20",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    lines = out.rstrip("\n").split("\n")
    assert len(lines) == 20
    assert max(len(line) for line in lines) == 90
    assert "\x1b[" not in out  # not a terminal: no colour codes
    assert "ams.pack.voltage" in out and "ams.pack.current" in out
    assert lines[1].startswith("V,A┌─ ━━ ams.pack.voltage  ━━ ams.pack.current ─")  # on the frame
    assert lines[0].strip() == "endurance.csv"  # the title
    assert len(set(BRAILLE.findall(out))) > 20  # every series is a braille line
    ticks = x_ticks(lines)
    duration = Log.load(sample_log).duration_s
    assert len(ticks) >= 3 and ticks[0] >= 0 and ticks[-1] <= duration


def test_plot_window_limits_the_time_axis(
    sample_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["plot", str(sample_log), "pcm.motor.torque", "--start", "4", "--end", "6"])
    lines = capsys.readouterr().out.rstrip("\n").split("\n")
    assert code == 0
    assert len(lines) == 25 and max(map(len, lines)) == 100  # the defaults
    ticks = x_ticks(lines)
    assert len(ticks) >= 3
    assert all(4 <= t <= 6 for t in ticks)


def test_unknown_signal_suggests_close_names(
    sample_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["plot", str(sample_log), "ams.pack.voltag"])
    err = capsys.readouterr().err
    assert code == 1
    assert "no signal 'ams.pack.voltag'" in err and "ams.pack.voltage" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "10", "--end", "5"], "must be after"),
        (["--width", "10"], "at least --width"),
        (["--start", "1000"], "outside the log"),
    ],
)
def test_bad_windows_and_sizes_are_refused(
    sample_log: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["plot", str(sample_log), "ams.pack.voltage", *args]) == 1
    assert message in capsys.readouterr().err


def test_a_server_key_is_downloaded_once_then_read_from_the_cache(
    fresh_data_server: RunningDataServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("PERDA_PASSWORD", fresh_data_server.password)
    args = ["plot", "--url", fresh_data_server.url, "--cache-dir", str(cache)]
    args += ["REV 11/endurance.csv", "ams.pack.voltage", "--width", "60", "--height", "15"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert "ams.pack.voltage" in first
    assert any(path.name == "endurance.csv" for path in cache.rglob("*"))
    fresh_data_server.stop()
    monkeypatch.delenv("PERDA_PASSWORD")
    assert main(args) == 0  # no server and no password needed: the cached copy is used
    second = capsys.readouterr()
    assert second.out == first
    assert "using the cached copy of REV 11/endurance.csv" in second.err


def test_a_cached_key_changed_on_the_server_is_downloaded_again(
    fresh_data_server: RunningDataServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PERDA_PASSWORD", fresh_data_server.password)
    args = ["plot", "--url", fresh_data_server.url, "--cache-dir", str(tmp_path / "cache")]
    args += ["REV 11/endurance.csv", "ams.pack.voltage", "--width", "60", "--height", "15"]
    assert main(args) == 0
    first = capsys.readouterr().out
    fresh_data_server.put_log("REV 11/endurance.csv", SAMPLE_TREE["REV 10/skidpad.csv"][0])
    assert main(args) == 0
    assert capsys.readouterr().out != first


def test_a_key_needs_a_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plot", "REV 11/endurance.csv", "ams.pack.voltage"]) == 1
    assert "no server is configured" in capsys.readouterr().err


def test_wrong_password_from_stdin_is_reported(
    data_server: RunningDataServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("not-the-password\n"))
    args = ["plot", "--url", data_server.url, "--cache-dir", str(tmp_path / "c")]
    args += ["--password-stdin", "REV 11/endurance.csv", "ams.pack.voltage"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("perda-tui: ")
    assert "not-the-password" not in err


def test_right_puts_a_signal_on_a_second_axis(
    sample_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["plot", str(sample_log), "ams.pack.voltage", "--right", "ams.pack.current"]
    assert main([*args, "--width", "80", "--height", "20"]) == 0
    lines = capsys.readouterr().out.rstrip("\n").split("\n")
    legend = next(line for line in lines if "ams.pack.current" in line)
    assert legend.rstrip().endswith("ams.pack.current ━━─┐ A")  # right side, unit A
    right_ticks = [line.rstrip()[-4:] for line in lines if "├" in line]
    assert right_ticks  # the frame has ticks on its right edge


def test_a_broken_config_file_does_not_stop_a_plot(
    sample_log: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PERDA_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text("url = 5\ncache_dir = [", encoding="utf-8")
    assert main(["plot", str(sample_log), "ams.pack.voltage", "--width", "60"]) == 0
    assert "ams.pack.voltage" in capsys.readouterr().out
