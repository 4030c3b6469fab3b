"""Hostile-load figures: password guesses per second under 400 connections, session
creation with 300,000 live sessions, peak memory for a 64 MB DRMS answer of `{}`."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time

from bench.common import BenchResult

GUESS_SECONDS = 20.0
CONNECTIONS = 400
SESSIONS = 300_000


async def _guesses(url: str, connections: int, seconds: float) -> tuple[int, int]:
    """(password checks answered 401, attempts turned away with 429) in `seconds`."""
    import httpx

    checked = refused = 0
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:

        async def guess() -> None:
            nonlocal checked, refused
            while time.monotonic() < stop:
                try:
                    response = await http.post("/api/v1/auth/login", json={"password": "x"})
                except httpx.HTTPError:
                    continue
                if time.monotonic() > stop:  # queued before the end, answered after it
                    return
                if response.status_code == 401:
                    checked += 1
                elif response.status_code == 429:
                    refused += 1
                    await asyncio.sleep(0.5)

        await asyncio.gather(*(guess() for _ in range(connections)))
    return checked, refused


def _guess_rate(connections: int) -> tuple[float, int]:
    from perda_tui.server.runner import start_data_server

    with start_data_server(password="bench-right") as server:
        checked, refused = asyncio.run(_guesses(server.url, connections, GUESS_SECONDS))
    return checked / GUESS_SECONDS, refused


def _session_create_us() -> float:
    from perda_tui.server.sessions import SessionStore

    store = SessionStore(3600.0, per_client=10**7, total=10**7)
    for n in range(SESSIONS):
        store.create(f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}")
    started = time.perf_counter()
    for _ in range(2_000):
        store.create("10.9.9.9")
    return (time.perf_counter() - started) / 2_000 * 1e6


DRMS_RSS = r"""
    import re, threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from perda_tui.clients.drms import HttpJsonClient
    from perda_tui.clients.drms.errors import DrmsError
    head, piece, tail = b'{"status": 0, "names": [', b"{}," * 2**16, b"{}]}"
    class Handle(BaseHTTPRequestHandler):
        def do_GET(self):  # 64 MB of {} written in pieces: the server holds none of it
            self.send_response(200)
            self.send_header("Content-Length", str(len(head) + 341 * len(piece) + len(tail)))
            self.end_headers()
            self.wfile.write(head)
            for _ in range(341):
                self.wfile.write(piece)
            self.wfile.write(tail)
        def log_message(self, *args):
            pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    def peak_kb():  # VmHWM belongs to this process's memory: ru_maxrss would keep the
        # high-water mark of the forking parent (the bench process, 1.3 GB in a full run)
        with open("/proc/self/status") as status:
            return int(re.search(r"VmHWM:\s*(\d+)", status.read()).group(1))
    before = peak_kb()
    with HttpJsonClient(f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/") as client:
        try:
            client.show_series()
        except DrmsError as exc:
            print("refused:", str(exc)[:60], file=__import__("sys").stderr)
    print(before, peak_kb())
"""


def _drms_peak_mb() -> tuple[float, float]:
    """(RSS before the request, peak RSS) in MB of a process fetching the 64 MB answer."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(DRMS_RSS)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    before, peak = (int(v) / 1024 for v in result.stdout.split())
    return before, peak


def run() -> list[BenchResult]:
    one, _ = _guess_rate(1)
    many, refused = _guess_rate(CONNECTIONS)
    create_us = _session_create_us()
    before, peak = _drms_peak_mb()
    return [
        BenchResult(
            "login: password checks/s, 1 connection",
            one,
            "/s",
            "reference",
            True,
            f"{GUESS_SECONDS:.0f} s of wrong passwords, one address",
        ),
        BenchResult(
            f"login: password checks/s, {CONNECTIONS} connections",
            many,
            "/s",
            "<= 1.5x one connection",
            many <= 1.5 * max(one, 0.1),
            f"{refused:,} attempts answered 429 at once",
        ),
        BenchResult(
            f"gateway: create a session with {SESSIONS:,} live",
            create_us,
            "µs",
            "<= 100 µs",
            create_us <= 100,
            "mean of 2,000",
        ),
        BenchResult(
            "DRMS: peak RSS, 64 MB answer of {}",
            peak,
            "MB",
            "<= 400 MB",
            peak <= 400,
            f"refused unparsed; {before:.0f} MB before the request",
        ),
    ]
