"""Start and stop a real Scrutiny server from the side virtualenvs (tests, demo, bench).

`tcp` runs scrutinydebugger 0.16.0 from `.venv-scrutiny` (framed TCP API), `ws` runs
0.1.0 from `.venv-scrutiny-ws` (WebSocket API). Both bind 127.0.0.1 on a free port and
keep their storage in a temporary folder, so nothing is written to the user's home.

Standard library only: `make scrutiny-venvs` runs this file directly to check that both
servers start (`python3 perda_tui/server/scrutiny_launcher.py --check tcp ws`).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

Flavour = Literal["tcp", "ws"]

#: flavour -> (virtualenv folder name, scrutinydebugger version it holds)
VENVS: dict[str, tuple[str, str]] = {
    "tcp": (".venv-scrutiny", "0.16.0"),
    "ws": (".venv-scrutiny-ws", "0.1.0"),
}
PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV_ROOT_ENV = "PERDA_SCRUTINY_VENV_ROOT"


class ScrutinyNotInstalledError(RuntimeError):
    """The side virtualenv holding the Scrutiny server is missing."""


class ScrutinyStartError(RuntimeError):
    """The Scrutiny server process exited or did not accept connections in time."""


def scrutiny_executable(flavour: Flavour, venv_root: Path | None = None) -> Path:
    """Path of the `scrutiny` command for a flavour; raises if its virtualenv is missing."""
    if flavour not in VENVS:
        raise ValueError(f"unknown Scrutiny flavour {flavour!r}: use 'tcp' or 'ws'")
    root = venv_root or Path(os.environ.get(VENV_ROOT_ENV) or PROJECT_ROOT)
    folder, version = VENVS[flavour]
    exe = root / folder / "bin" / "scrutiny"
    if not exe.exists():
        raise ScrutinyNotInstalledError(
            f"Scrutiny {version} server not found at {exe}: run `make scrutiny-venvs`"
        )
    return exe


def free_port(host: str = "127.0.0.1") -> int:
    """An ephemeral port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningScrutinyServer:
    """A Scrutiny server process listening on `host:port`; stop it (or use `with`)."""

    flavour: Flavour
    host: str
    port: int
    process: subprocess.Popen[bytes]
    workdir: tempfile.TemporaryDirectory[str] = field(repr=False)

    @property
    def url(self) -> str:
        """`tcp://host:port` or `ws://host:port`, as `ScrutinyClient.from_url` reads it."""
        return f"{self.flavour}://{self.host}:{self.port}"

    @property
    def log_path(self) -> Path:
        """The server's combined stdout/stderr."""
        return Path(self.workdir.name) / "server.log"

    def log_text(self) -> str:
        """What the server printed so far (for failure messages)."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def kill(self) -> None:
        """Kill the server abruptly (SIGKILL), as a crash would; keeps the storage folder."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 5 s) and delete its storage."""
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait(timeout=10)
        self.workdir.cleanup()

    def _signal(self, sig: signal.Signals) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)

    def __enter__(self) -> RunningScrutinyServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _command(flavour: Flavour, exe: Path, host: str, port: int, workdir: Path) -> list[str]:
    if flavour == "tcp":
        return [
            str(exe), "server", "--port", str(port),
            "--options", f"api.client_interface_config.host={host}",
        ]  # fmt: skip
    config = workdir / "server.json"
    api = {
        "client_interface_type": "websocket",
        "client_interface_config": {"host": host, "port": port},
    }
    config.write_text(json.dumps({"name": "perda-tui test server", "api_config": api}), "utf-8")
    return [str(exe), "launch-server", "--config", str(config)]


def _wait_accepting(server: RunningScrutinyServer, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            code = server.process.returncode
            raise ScrutinyStartError(
                f"Scrutiny server exited with code {code}:\n{server.log_text()}"
            )
        try:
            with socket.create_connection((server.host, server.port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise ScrutinyStartError(
        f"Scrutiny server did not accept connections in time:\n{server.log_text()}"
    )


def start_scrutiny_server(
    flavour: Flavour = "tcp",
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    timeout: float = 30.0,
    venv_root: Path | None = None,
) -> RunningScrutinyServer:
    """Start a Scrutiny server and return once it accepts TCP connections.

    `port=0` picks a free ephemeral port; pass the port of a stopped server to restart it
    at the same address. Raises `ScrutinyNotInstalledError` or `ScrutinyStartError`.
    """
    exe = scrutiny_executable(flavour, venv_root)
    workdir = tempfile.TemporaryDirectory(prefix=f"scrutiny-{flavour}-")
    root = Path(workdir.name)
    env = dict(os.environ, HOME=str(root), XDG_DATA_HOME=str(root / "data"))
    env["XDG_CONFIG_HOME"] = str(root / "config")
    port = port or free_port(host)
    with open(root / "server.log", "wb") as log:
        process = subprocess.Popen(
            _command(flavour, exe, host, port, root),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=root,
            env=env,  # same process group: closing the terminal stops the server too
        )
    server = RunningScrutinyServer(flavour, host, port, process, workdir)
    try:
        _wait_accepting(server, time.monotonic() + timeout)
    except BaseException:
        server.stop()
        raise
    return server


def start_demo_server() -> RunningScrutinyServer:
    """A Scrutiny 0.16 server with its built-in demo device attached (demo, benchmarks)."""
    from perda_tui.clients.scrutiny import ScrutinyClient

    server = start_scrutiny_server("tcp")
    try:
        with ScrutinyClient.from_url(server.url).connect() as client:
            client.request_demo_mode(True)
    except BaseException:
        server.stop()
        raise
    return server


def _check(flavours: list[Flavour]) -> int:
    """Start and stop the given servers; exit status 0 when all accepted connections."""
    for flavour in flavours:
        with start_scrutiny_server(flavour) as server:
            print(f"Scrutiny {VENVS[flavour][1]} server accepted connections at {server.url}")
    return 0


if __name__ == "__main__":
    wanted = [f for f in get_args(Flavour) if f in sys.argv[2:]]
    if sys.argv[1:2] != ["--check"] or len(wanted) != len(sys.argv[2:]):
        sys.exit("usage: scrutiny_launcher.py --check [tcp] [ws]")
    sys.exit(_check(wanted))
