"""The console script does what `--help` says: global options before or after a command,
and no full-screen app without a terminal (issue 11 §4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from perda_tui.cli.main import build_parser
from perda_tui.config import load_settings
from perda_tui.server.runner import RunningDataServer
from tests.cli.console import Terminal, run_console
from tests.fixtures.dataserver import PASSWORD

CTRL_Q = "\x11"


# --------------------------------------------------------------- global options


@pytest.mark.parametrize(
    ("argv", "setting", "value"),
    [
        (["--url", "http://u", "ls"], "url", "http://u"),
        (["ls", "--url", "http://u"], "url", "http://u"),
        (["--cache-dir", "/c", "download", "k"], "cache_dir", Path("/c")),
        (["--insecure", "plot", "f", "s"], "insecure", True),
        (["--scrutiny", "tcp://h:1", "device"], "scrutiny_url", "tcp://h:1"),
        (["device", "--scrutiny", "tcp://h:1"], "scrutiny_url", "tcp://h:1"),
        (["device", "tcp://h:2"], "scrutiny_url", "tcp://h:2"),
        (["--drms", "http://d/cgi", "archive"], "drms_server", "http://d/cgi"),
        (["archive", "kis"], "drms_server", "kis"),
        (["--url", "http://u", "open", "f.csv"], "url", "http://u"),
        (["--cache-dir", "/c", "demo"], "cache_dir", Path("/c")),
    ],
)
def test_global_options_count_before_and_after_the_command(
    argv: list[str], setting: str, value: object
) -> None:
    settings = load_settings(build_parser().parse_args(argv), env={})
    assert getattr(settings, setting) == value


@pytest.mark.parametrize("where", ["before", "after"])
def test_password_stdin_counts_before_and_after_the_command(where: str) -> None:
    argv = ["--password-stdin", "ls"] if where == "before" else ["ls", "--password-stdin"]
    assert build_parser().parse_args(argv).password_stdin is True
    assert build_parser().parse_args(["ls"]).password_stdin is False


@pytest.mark.parametrize(
    "argv",
    [
        ["--url", "{url}", "--password-stdin", "ls", "REV 11/"],
        ["ls", "--url", "{url}", "--password-stdin", "REV 11/"],
    ],
    ids=["before", "after"],
)
def test_ls_with_url_and_password_given_before_the_command(
    data_server: RunningDataServer, argv: list[str]
) -> None:
    result = run_console(*(a.format(url=data_server.url) for a in argv), stdin=f"{PASSWORD}\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('Logs under "REV 11/"\n')
    assert result.stdout.endswith("1 folder, 1 file\n")


def test_scrutiny_given_before_device_reaches_the_device_screen(tmp_path: Path) -> None:
    with Terminal("--scrutiny", "tcp://127.0.0.1:9", "device", cwd=tmp_path) as terminal:
        terminal.read_until("Scrutiny server at 127.0.0.1:9")
        terminal.type(CTRL_Q)
        assert terminal.wait() == 0


# --------------------------------------------------------------- no terminal


NO_TERMINAL_ARGS = [[], ["--password-stdin"], ["device"], ["archive"], ["open", "{log}"], ["demo"]]


@pytest.mark.parametrize("argv", NO_TERMINAL_ARGS, ids=lambda a: " ".join(a) or "app")
def test_without_a_terminal_the_app_names_the_script_commands(
    argv: list[str], tmp_path: Path
) -> None:
    """`ssh pi perda-tui` without -t, cron, a pipe: one line, exit 2, no full-screen app."""
    log = tmp_path / "run.csv"
    log.write_text("PER Log: Wed Apr 01 14:05:09 2026 v2.0\nValue a: 1\n1,1,2\n")
    result = run_console(*(a.format(log=log) for a in argv), stdin="secret\n")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("perda-tui: standard output is not a terminal: ")
    for command in ("`perda-tui ls`", "`download`", "`plot`"):
        assert command in lines[0]


def test_a_piped_password_without_a_terminal_for_the_keys_is_refused(tmp_path: Path) -> None:
    """Output on a terminal, the password piped in, but no terminal to read keys from."""
    with Terminal("--password-stdin", pipe_stdin=True, controlling=False, cwd=tmp_path) as term:
        term.stdin.write(b"secret\n")
        term.stdin.close()
        term.read_until("standard input is not a terminal: the app needs a terminal")
        assert term.wait() == 2


def test_a_piped_password_with_a_terminal_starts_the_app_on_it(tmp_path: Path) -> None:
    """`echo pw | perda-tui --password-stdin` in a terminal: the keys come from the terminal."""
    with Terminal(
        "--url", "http://127.0.0.1:9", "--password-stdin", pipe_stdin=True, cwd=tmp_path
    ) as terminal:
        terminal.stdin.write(b"secret\n")
        terminal.stdin.flush()
        terminal.read_until("Sign in to the team's data server")
        terminal.type(CTRL_Q)  # read from the terminal, not from the pipe
        assert terminal.wait() == 0
