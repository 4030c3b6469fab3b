"""`perda-tui`, `perda-tui open|device|archive`: start the app, only on a terminal.

Without a terminal (a pipe, cron, `ssh host perda-tui` without `-t`) a full-screen app
cannot run: the command says so in one line and names the commands made for scripts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from perda_tui.cli.passwords import given_password, reattach_terminal, terminal_available
from perda_tui.config import load_settings

#: Exit status of a command that cannot run as asked (argparse uses the same).
USAGE_ERROR = 2
NO_TERMINAL_HINT = (
    "the app needs a terminal; from a script or pipe use `perda-tui ls`, `download`, "
    "`plot` or `demo --no-tui` (over ssh: ssh -t)"
)


def terminal_problem(*, piped_password: bool) -> str | None:
    """Why the app cannot run here, or None. A password piped into standard input is
    fine when the process still has a terminal to read the keyboard from."""
    if not sys.stdout.isatty():
        return "standard output is not a terminal"
    if sys.stdin.isatty() or (piped_password and terminal_available()):
        return None
    return "standard input is not a terminal"


def require_terminal(*, piped_password: bool = False) -> bool:
    """True when the app can run; otherwise print why in one line and return False."""
    problem = terminal_problem(piped_password=piped_password)
    if problem is None:
        return True
    print(f"perda-tui: {problem}: {NO_TERMINAL_HINT}", file=sys.stderr)
    return False


def run_app(args: argparse.Namespace) -> int:
    """CLI handler: `args.screen` is `login`, `open`, `device` or `archive`."""
    settings = load_settings(args)
    file = None
    if args.screen == "open":
        file = Path(args.file)
        if not file.is_file():
            raise FileNotFoundError(f"{file}: no such file")
    piped = bool(getattr(args, "password_stdin", False))
    if not require_terminal(piped_password=piped):
        return USAGE_ERROR
    password = given_password(args)
    if piped:
        reattach_terminal()
    from perda_tui.tui.launch import launch_app

    return launch_app(settings, password=password, screen=args.screen, file=file)
