"""The console script answers --help and --version and reports failures in one line."""

import subprocess
import sys

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
