"""`perda-tui demo`: sample logs (generated once), a local data server, and the app on it."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from perda_tui.cli.app import USAGE_ERROR, require_terminal
from perda_tui.cli.serve import require_server_extra
from perda_tui.config import CONFIG_DIR_ENV, Settings, load_settings

#: The demo's own home (sample logs, cache, config) inside the cache's bookkeeping
#: folder, which no log key can reach: the demo never touches the user's cache or config.
DEMO_FOLDER = Path(".perda") / "demo"
COMPLETE_MARKER = ".complete"


def generator_fingerprint() -> str:
    """Digest of the sample generator's sources: a newer generator (new runs, new
    channels) regenerates the demo's logs instead of serving the ones an older one wrote."""
    import hashlib

    import perda_tui.samples

    digest = hashlib.sha256()
    for source in sorted(Path(perda_tui.samples.__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def sample_logs(home: Path) -> Path:
    """The demo's sample-log folder, generated on first use and again whenever the
    generator changed (atomically, by rename)."""
    folder = home / "logs"
    fingerprint = generator_fingerprint()
    marker = folder / COMPLETE_MARKER
    if marker.exists() and marker.read_text(errors="replace") == fingerprint:
        return folder
    from perda_tui.samples.trees import generate_sample_tree

    print("generating sample logs (once per generator version)...", file=sys.stderr, flush=True)
    scratch = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(scratch, ignore_errors=True)
    generate_sample_tree(scratch)
    (scratch / COMPLETE_MARKER).write_text(fingerprint)
    shutil.rmtree(folder, ignore_errors=True)
    scratch.rename(folder)
    return folder


def print_tree(settings: Settings, password: str) -> None:
    """Log in and print every folder's listing, depth first."""
    from perda_tui.clients.dataserver import ServerClient

    with ServerClient(settings.url, settings.cache_dir) as client:
        client.login(password)
        prefixes = [""]
        while prefixes:
            prefix = prefixes.pop(0)
            entries = client.list_logs(prefix)
            client.print_logs(prefix)
            print()
            prefixes[:0] = [e.key for e in entries if e.is_folder]


def scrutiny_demo(stack: ExitStack) -> str:
    """URL of a Scrutiny server with its demo device, stopped with `stack`; "" if not installed."""
    from perda_tui.server.scrutiny_launcher import ScrutinyNotInstalledError, start_demo_server

    try:
        server = stack.enter_context(start_demo_server())
    except ScrutinyNotInstalledError as exc:
        print(f"no live device in this demo: {exc}", file=sys.stderr, flush=True)
        return ""
    print(f"demo Scrutiny server on {server.url} (F3: device)", file=sys.stderr, flush=True)
    return server.url


def demo_command(args: argparse.Namespace) -> int:
    """Serve the sample logs on 127.0.0.1 and open the app logged in (or print the listing)."""
    if not require_server_extra("demo") or not (args.no_tui or require_terminal()):
        return USAGE_ERROR
    from perda_tui.server.runner import start_data_server

    settings = load_settings(args)
    home = settings.cache_dir / DEMO_FOLDER
    logs = sample_logs(home)
    os.environ[CONFIG_DIR_ENV] = str(home / "config")  # what the demo remembers stays there
    settings = replace(settings, cache_dir=home / "cache")
    password = secrets.token_urlsafe(12)
    with start_data_server(logs, password=password) as server:
        settings = replace(settings, url=server.url)
        print(f"demo data server on {server.url}", file=sys.stderr, flush=True)
        if args.no_tui:
            print_tree(settings, password)
            return 0
        from perda_tui.tui.launch import launch_app

        with ExitStack() as stack:
            settings = replace(settings, scrutiny_url=scrutiny_demo(stack))
            return launch_app(settings, password=password, screen="login")
