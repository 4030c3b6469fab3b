"""`perda-tui ls` and `perda-tui download`: the data-server client from the shell.

The password comes from `--password-stdin`, then `PERDA_PASSWORD`, then a prompt.
`download` prints the local path on stdout and a progress line on stderr.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import TextIO

from perda_tui.cli.passwords import read_password
from perda_tui.clients.dataserver.client import ServerClient
from perda_tui.clients.dataserver.errors import DownloadCancelledError
from perda_tui.config import load_settings
from perda_tui.text import without_control
from perda_tui.units import duration, human_bytes


def connect(args: argparse.Namespace) -> ServerClient:
    """A logged-in client for the configured server and cache."""
    settings = load_settings(args)
    if not settings.url:
        raise ValueError("no data server URL: pass --url or set PERDA_URL")
    client = ServerClient(settings.url, settings.cache_dir, verify=not settings.insecure)
    try:
        client.login(read_password(args))
    except BaseException:
        client.close()
        raise
    return client


def list_command(args: argparse.Namespace) -> int:
    """`perda-tui ls [PREFIX]`: print the listing like the seed's `print_logs`."""
    with connect(args) as client:
        client.print_logs(args.prefix)
    return 0


class ProgressLine:
    """One self-overwriting status line on a terminal; silent when not a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = without_control(label)
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty()
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if not self.live:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        percent = f"{100 * done / total:3.0f}%" if total else "100%"
        rate = human_bytes(done / elapsed)
        line = f"{self.label}  {human_bytes(done)} / {human_bytes(total)}  {percent}  {rate}/s"
        self.stream.write(f"\r{line[:120]}\x1b[K")
        self.stream.flush()

    def end(self, message: str) -> None:
        """Replace the line with a final message."""
        prefix = "\r\x1b[K" if self.live else ""
        self.stream.write(f"{prefix}{without_control(message, ' ')}\n")
        self.stream.flush()


def download_command(args: argparse.Namespace) -> int:
    """`perda-tui download KEY`: download (or reuse) one log; Ctrl-C keeps it resumable."""
    with connect(args) as client:
        line = ProgressLine(args.key)
        cancel = threading.Event()
        outcome: dict[str, object] = {}

        def work() -> None:
            try:
                outcome["path"] = client.download(args.key, progress=line, cancel=cancel)
            except Exception as exc:  # noqa: BLE001 - handed to the main thread below
                outcome["error"] = exc

        worker = threading.Thread(target=work, name="perda-download", daemon=True)
        worker.start()
        try:
            while worker.is_alive():
                worker.join(0.2)
        except KeyboardInterrupt:
            cancel.set()
            worker.join()
        error = outcome.get("error")
        if isinstance(error, DownloadCancelledError):
            line.end(f"{args.key}: cancelled; run the same command again to resume")
            return 130
        if isinstance(error, BaseException):
            line.end(f"{args.key}: failed")
            raise error
        stats = client.last_transfer
        if stats is not None and stats.from_cache:
            line.end(f"{args.key}: up to date in the cache ({human_bytes(stats.size)})")
        elif stats is not None:
            resumed = (
                f", resumed after {human_bytes(stats.resumed_bytes)}" if stats.resumed_bytes else ""
            )
            took = duration(stats.seconds, decimals=1)
            line.end(f"{args.key}: {human_bytes(stats.size)} in {took}{resumed}")
        print(outcome["path"])
    return 0
