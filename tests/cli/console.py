"""Running the real `perda-tui` console script: in pipes, or on a pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import IO

#: The console script installed next to the interpreter running the tests.
SCRIPT = str(Path(sys.executable).with_name("perda-tui"))
#: Safety net only: no test waits for this long unless the command hangs.
HANG_LIMIT_S = 60
_ANSI = re.compile(
    r"\x1b(?:\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|.)"
)
#: Opens the terminal on standard output by name, which makes it the controlling
#: terminal of this new session (as a login shell has), then runs the command.
_ADOPT_TERMINAL = (
    "import os, sys; os.close(os.open(os.ttyname(1), os.O_RDWR)); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def run_console(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`perda-tui ARGS` with pipes for standard input, output and error."""
    return subprocess.run(
        [SCRIPT, *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=HANG_LIMIT_S,
        env={**os.environ, **(env or {})},
        check=False,
    )


class Terminal:
    """`perda-tui ARGS` with its output on a 120x40 pseudo-terminal.

    `controlling=True` makes that terminal the process's controlling terminal (what
    `/dev/tty` opens); `stdin` is either the terminal or, with `pipe_stdin`, a pipe.
    """

    def __init__(
        self, *args: str, pipe_stdin: bool = False, controlling: bool = True, cwd: Path
    ) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        command = [SCRIPT, *args]
        if controlling:
            command = [sys.executable, "-c", _ADOPT_TERMINAL, *command]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE if pipe_stdin else slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            cwd=cwd,
            env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"},
        )
        os.close(slave)
        self.screen = ""

    @property
    def stdin(self) -> IO[bytes]:
        assert self.process.stdin is not None
        return self.process.stdin

    def read_until(self, text: str) -> str:
        """Read the terminal until `text` appears in it (escape sequences removed)."""
        raw = b""
        while text not in self.screen:
            ready, _, _ = select.select([self.master], [], [], HANG_LIMIT_S)
            assert ready, f"{text!r} never appeared; the terminal shows {self.screen[-2000:]!r}"
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the process closed the terminal
                chunk = b""
            assert chunk, f"exited before {text!r} appeared: {self.screen[-2000:]!r}"
            raw += chunk
            self.screen = _ANSI.sub("", raw.decode(errors="replace"))
        return self.screen

    def type(self, keys: str) -> None:
        """Send keys as if typed."""
        os.write(self.master, keys.encode())

    def wait(self) -> int:
        """The exit status once the process has ended (it must end by itself)."""
        try:
            code = self.process.wait(timeout=HANG_LIMIT_S)
        finally:
            self.close()
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stdin is not None:
            self.process.stdin.close()
        os.close(self.master)
        self.master = -1

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.master >= 0 and self.process.poll() is None:
            self.close()
