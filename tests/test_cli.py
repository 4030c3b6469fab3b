"""The console script answers --help and --version and reports failures in one line."""

import subprocess
import sys
from pathlib import Path

from perda_tui import __version__
from perda_tui.cli.main import build_parser


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perda_tui", *args], capture_output=True, text=True, timeout=30
    )


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"perda-tui {__version__}"


def test_help_lists_every_command() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("open", "device", "archive", "ls", "download", "plot", "serve", "demo"):
        assert command in result.stdout


def test_every_handler_resolves() -> None:
    """Each sub-command names a handler that exists."""
    import importlib

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    handlers = {parser.get_default("handler")}
    handlers |= {p.get_default("handler") for p in subparsers.choices.values()}
    for handler in handlers:
        module_name, _, function_name = handler.partition(":")
        assert callable(getattr(importlib.import_module(module_name), function_name)), handler


def broken_config(folder: Path, text: str) -> Path:
    path = folder / "config.toml"
    path.write_text(text)
    return path


def test_locate_works_with_a_broken_config_and_names_it_once(isolated_config: Path) -> None:
    path = broken_config(isolated_config, "url = [unterminated")
    result = run_cli("locate")
    assert result.returncode == 0, result.stderr
    assert f"config: {path}" in result.stdout
    assert result.stderr.count(str(path)) == 1 and "cannot read" in result.stderr


def test_explicit_flags_work_with_a_broken_config(isolated_config: Path) -> None:
    broken_config(isolated_config, "url = [unterminated")
    result = run_cli("ls", "--url", "http://127.0.0.1:9", "--password-stdin")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert "cannot read" in lines[0] and "config.toml" in lines[0]
    assert "http://127.0.0.1:9" in lines[1]  # it went on and tried the server


def test_a_wrong_type_in_the_config_is_named(isolated_config: Path) -> None:
    broken_config(isolated_config, 'url = 5\ndrms_server = "kis"\n')
    result = run_cli("locate")
    assert result.returncode == 0
    assert "'url' must be a string" in result.stderr
