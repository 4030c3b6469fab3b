"""The data server password on the command line: one reader for every command.

From the first line of standard input (`--password-stdin`), then `PERDA_PASSWORD`,
then (where a command can ask) a prompt on the terminal. Passwords are never stored.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

PASSWORD_ENV = "PERDA_PASSWORD"
TERMINAL = "/dev/tty"


class NoPasswordError(ValueError):
    """No password was given and there is no terminal to ask on."""


def given_password(args: argparse.Namespace) -> str | None:
    """The password from `--password-stdin` (first line) or `PERDA_PASSWORD`, if any."""
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    return os.environ.get(PASSWORD_ENV) or None


def read_password(args: argparse.Namespace) -> str:
    """`given_password`, else a prompt on the terminal; `NoPasswordError` without one."""
    password = given_password(args)
    if password is not None:
        return password
    if sys.stdin.isatty():
        return getpass.getpass("data server password: ")
    raise NoPasswordError(f"no password: use --password-stdin or set {PASSWORD_ENV}")


def terminal_available() -> bool:
    """Whether this process has a controlling terminal it can read the keyboard from."""
    try:
        fd = os.open(TERMINAL, os.O_RDONLY)
    except OSError:
        return False
    os.close(fd)
    return True


def reattach_terminal() -> None:
    """Make the terminal standard input again after a piped password was read from it."""
    if sys.stdin.isatty():
        return
    fd = os.open(TERMINAL, os.O_RDONLY)
    os.dup2(fd, 0)
    os.close(fd)
