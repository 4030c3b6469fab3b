"""`perda-tui ls`, `perda-tui download` and `perda-tui demo --no-tui` from the shell's view."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from perda_tui.cli.data import ProgressLine
from perda_tui.cli.main import main
from perda_tui.server.runner import RunningDataServer
from perda_tui.units import human_bytes
from tests.fixtures.dataserver import PASSWORD, SAMPLE_TREE


@pytest.fixture
def password_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERDA_PASSWORD", PASSWORD)


@pytest.mark.usefixtures("password_env")
def test_ls_prints_the_listing(
    data_server: RunningDataServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ls", "--url", data_server.url, "REV 11/"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('Logs under "REV 11/"\n')
    assert "[DIR]  2026-04-01/\n[FILE] endurance.csv\n" in out
    assert out.endswith("1 folder, 1 file\n")


def test_ls_reads_the_password_from_stdin(
    data_server: RunningDataServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{PASSWORD}\n"))
    assert main(["ls", "--url", data_server.url, "--password-stdin"]) == 0
    assert "2 folders, 0 files" in capsys.readouterr().out


def test_ls_with_a_wrong_password_fails_in_one_line(
    data_server: RunningDataServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PERDA_PASSWORD", "wrong")
    assert main(["ls", "--url", data_server.url]) == 1
    assert capsys.readouterr().err == "perda-tui: login failed: invalid password\n"


def test_ls_without_a_url_says_how_to_give_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ls"]) == 1
    assert "no data server URL: pass --url or set PERDA_URL" in capsys.readouterr().err


@pytest.mark.usefixtures("password_env")
def test_download_prints_the_path_then_reuses_the_cache(
    data_server: RunningDataServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "download",
        "--url",
        data_server.url,
        "--cache-dir",
        str(tmp_path),
        "REV 10/skidpad.csv",
    ]
    assert main(args) == 0
    out, err = capsys.readouterr()
    path = Path(out.strip())
    assert path == tmp_path / "REV 10" / "skidpad.csv"
    assert path.read_bytes() == SAMPLE_TREE["REV 10/skidpad.csv"][0]
    assert err.startswith("REV 10/skidpad.csv: ") and " in " in err
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(path)
    size = human_bytes(len(SAMPLE_TREE["REV 10/skidpad.csv"][0]))
    assert err == f"REV 10/skidpad.csv: up to date in the cache ({size})\n"


@pytest.mark.usefixtures("password_env")
def test_download_refuses_an_unsafe_key(
    data_server: RunningDataServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["download", "--url", data_server.url, "--cache-dir", str(tmp_path), "../x.csv"]
    assert main(args) == 1
    assert "refusing log key '../x.csv'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_overwrites_itself_on_a_terminal() -> None:
    stream = FakeTerminal()
    line = ProgressLine("REV 11/big.csv", stream)
    line(512 * 1024, 2 * 1024 * 1024)
    line.end("done")
    text = stream.getvalue()
    assert text.startswith("\rREV 11/big.csv  512 KiB / 2 MiB   25%  ")
    assert text.endswith("\r\x1b[Kdone\n")


def test_progress_line_is_quiet_when_not_a_terminal() -> None:
    stream = io.StringIO()
    line = ProgressLine("x", stream)
    line(1, 2)
    line.end("done")
    assert stream.getvalue() == "done\n"


def test_human_bytes() -> None:
    assert [human_bytes(n) for n in (5, 1536, 3 * 1024**2, 5 * 1024**4)] == [
        "5 B",
        "1.5 KiB",
        "3 MiB",
        "5120 GiB",
    ]


def test_demo_without_tui_serves_and_lists_the_sample_logs(isolated_config: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "perda_tui", "demo", "--no-tui"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PERDA_CONFIG_DIR": str(isolated_config)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "demo data server on http://127.0.0.1:" in result.stderr
    assert result.stdout.startswith(
        'Logs under ""\n' + "=" * 40 + "\n[DIR]  REV 10/\n[DIR]  REV 11/\n"
    )
    assert 'Logs under "REV 11/2026-04-01/"' in result.stdout
    demo_home = isolated_config / "cache" / ".perda" / "demo"
    assert (demo_home / "logs" / ".complete").exists()
    assert not (isolated_config / "config.toml").exists()  # the user's config is untouched
