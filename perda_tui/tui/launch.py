"""Starting the app from the command line (`perda-tui`, `perda-tui open|device|archive`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from perda_tui.config import Settings, load_settings

PASSWORD_ENV = "PERDA_PASSWORD"


def read_password(args: argparse.Namespace) -> str | None:
    """The password from `--password-stdin` (first line) or `PERDA_PASSWORD`, if any.

    After reading a piped standard input, the terminal is reattached to it so the app
    can still read the keyboard.
    """
    if getattr(args, "password_stdin", False):
        password = sys.stdin.readline().rstrip("\r\n")
        if not sys.stdin.isatty():
            tty = os.open("/dev/tty", os.O_RDONLY)
            os.dup2(tty, 0)
            os.close(tty)
        return password
    return os.environ.get(PASSWORD_ENV) or None


def run_app(args: argparse.Namespace) -> int:
    """CLI handler: `args.screen` is `login`, `open`, `device` or `archive`."""
    settings = load_settings(args)
    file = None
    if args.screen == "open":
        file = Path(args.file)
        if not file.is_file():
            raise FileNotFoundError(f"{file}: no such file")
    return launch_app(settings, password=read_password(args), screen=args.screen, file=file)


def launch_app(
    settings: Settings,
    *,
    password: str | None = None,
    screen: str = "login",
    file: Path | None = None,
) -> int:
    """Run the app until the user quits; returns the exit status."""
    from perda_tui.tui.app import PerdaApp

    app = PerdaApp(settings, password=password, screen=screen, file=file)
    try:
        app.run()
    finally:
        app.close_client()
    return app.return_code or 0
