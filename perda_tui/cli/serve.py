"""`perda-tui serve`: run the reference data server until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import sys

from perda_tui.cli.app import USAGE_ERROR

PASSWORD_ENV = "PERDA_SERVER_PASSWORD"
#: Signals that stop the server cleanly: Ctrl-C, and what `kill` or systemd send.
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
#: What the `server` extra installs: the gateway, its HTTP server and the embedded S3.
SERVER_PACKAGES = ("starlette", "uvicorn", "moto")


def require_server_extra(command: str) -> bool:
    """True when the `server` extra is installed; otherwise say in one line how to add it."""
    missing = [name for name in SERVER_PACKAGES if importlib.util.find_spec(name) is None]
    if not missing:
        return True
    print(
        f"perda-tui {command}: needs the reference server ({', '.join(missing)} missing); "
        "add it with: pip install 'perda-tui[server]'",
        file=sys.stderr,
    )
    return False


def serve_command(args: argparse.Namespace) -> int:
    """Start the gateway (and embedded S3 unless --s3-endpoint) and serve until interrupted."""
    if not require_server_extra("serve"):
        return USAGE_ERROR
    from perda_tui.server.runner import LOOPBACK, start_data_server

    password = os.environ.get(PASSWORD_ENV, "")
    if not password:
        print(
            f"perda-tui serve: set {PASSWORD_ENV} to the password clients must give; "
            "refusing to start an open server",
            file=sys.stderr,
        )
        return USAGE_ERROR
    if args.s3_endpoint and not args.bucket:
        print("perda-tui serve: --bucket is required with --s3-endpoint", file=sys.stderr)
        return USAGE_ERROR
    # Block the stop signals before any server thread starts (threads inherit the mask):
    # a process-directed Ctrl-C or SIGTERM then reaches the main thread's sigwait, never a
    # server thread, where it would leave the main thread waiting forever.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        server = start_data_server(
            args.logs,
            password=password,
            host=args.host,
            port=args.port,
            s3_endpoint=args.s3_endpoint,
            bucket=args.bucket,
            db=args.db,
            log_level="info",
        )
        with server:
            print(f"data server on {server.url} (S3 {server.s3_endpoint}, bucket {server.bucket})")
            if not args.s3_endpoint and args.host not in LOOPBACK:
                print(
                    f"note: the embedded S3 endpoint listens on {args.host} too, because clients "
                    "download from it; it accepts only signed requests with its own keys, and "
                    "clients get a read-only pair",
                    file=sys.stderr,
                )
            print("press Ctrl-C to stop", flush=True)
            received = signal.sigwait(STOP_SIGNALS)
            print(f"stopping ({signal.Signals(received).name})", file=sys.stderr)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    return 0
