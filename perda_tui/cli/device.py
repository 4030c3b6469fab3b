"""`perda-tui device [URL]` opens the device screen; its actions are the CLI twins:

- `device watch URL PATH... --seconds N --out FILE.csv`: record watched values to a PER log;
- `device acquire URL --signal PATH... [--rate ID] [--trigger 'PATH > 0.5'] --out FILE.csv`:
  one datalogger acquisition, exported as a PER log;
- `device acquisitions URL [--json]`: the acquisitions stored on the server.

Server text is printed without control characters. Each action needs a 0.16 server.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from perda_tui.clients.scrutiny import (
    DataloggingConfig,
    DataloggingStorageEntry,
    ScrutinyClient,
    ValueUpdate,
    parse_trigger,
)
from perda_tui.text import without_control

ACTIONS = ("watch", "acquire", "acquisitions")
#: How long to wait for the device to be ready after connecting.
READY_TIMEOUT = 15.0


def device_command(args: argparse.Namespace) -> int:
    """Open the device screen, or run an action when the first word names one."""
    word = getattr(args, "scrutiny_url", None)
    rest = list(getattr(args, "action_args", []))
    if word in ACTIONS:
        action = _action_parser(word).parse_args(rest)
        return int(ACTION_HANDLERS[word](action))
    if rest:
        extra = argparse.ArgumentParser(prog="perda-tui device", add_help=False)
        extra.add_argument("--allow-writes", dest="allow_writes", action="store_true")
        _global_options(extra)
        vars(args).update({k: v for k, v in vars(extra.parse_args(rest)).items() if v})
    from perda_tui.cli.app import run_app

    return run_app(args)


def _global_options(parser: argparse.ArgumentParser) -> None:
    from perda_tui.cli.main import _add_global_options

    _add_global_options(parser, suppress=True)


def _positive(text: str) -> float:
    value = float(text)
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError(f"{text}: give 0 < seconds ≤ 86400")
    return value


def _action_parser(action: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"perda-tui device {action}")
    parser.add_argument("url", metavar="URL", help="tcp://host:port of a Scrutiny 0.16 server")
    if action == "watch":
        parser.description = "record watched values to a PER log CSV"
        parser.add_argument("paths", metavar="PATH", nargs="+", help="watchable paths")
        parser.add_argument("--seconds", type=_positive, required=True, help="how long")
        parser.add_argument("--out", required=True, help="PER log CSV to create")
        parser.add_argument("--rate", type=float, default=None, help="updates/s per value")
    elif action == "acquire":
        parser.description = "one datalogger acquisition, exported as a PER log CSV"
        parser.add_argument("--signal", dest="signals", action="append", required=True)
        parser.add_argument("--rate", type=int, default=None, help="sampling rate id")
        parser.add_argument("--trigger", default="true", help="'PATH > 0.5' or 'true'")
        parser.add_argument("--position", type=float, default=0.5, help="trigger position 0..1")
        parser.add_argument("--hold", type=float, default=0.0, help="trigger hold time (s)")
        parser.add_argument("--decimation", type=int, default=1)
        parser.add_argument("--timeout", type=float, default=0.0, help="forced trigger (s)")
        parser.add_argument("--wait", type=_positive, default=60.0, help="give up after (s)")
        parser.add_argument("--out", required=True, help="PER log CSV to create")
    else:
        parser.description = "list the acquisitions stored on the server"
        parser.add_argument("--json", action="store_true", help="one JSON array")
    _global_options(parser)
    return parser


def _connect(url: str) -> ScrutinyClient:
    client = ScrutinyClient.from_url(url)
    client.connect()
    return client


def watch_command(args: argparse.Namespace) -> int:
    """Record the paths for `--seconds` into `--out`; print a line per path."""
    from perda_tui.tui.device.records import Recorder

    with _connect(args.url) as client:
        client.wait_device_ready(READY_TIMEOUT)
        recorder = Recorder(Path(args.out), list(dict.fromkeys(args.paths)))

        def record(updates: list[ValueUpdate]) -> None:
            recorder.add([(u.path, u.value, u.timestamp) for u in updates])

        client.on_values = record
        try:
            handles = [client.watch(path, args.rate) for path in recorder.ids]
            time.sleep(args.seconds)  # the values arrive meanwhile
        finally:
            client.on_values = None
            recorder.stop()
    for handle in handles:
        count = handle.update_count
        last = handle.value if count else "—"
        print(f"{without_control(handle.path)}\t{count} values\tlast {last}")
    print(f"wrote {recorder.rows} rows to {recorder.path}", file=sys.stderr)
    return 0


def acquire_command(args: argparse.Namespace) -> int:
    """Arm one acquisition, wait for it and export it to `--out`."""
    from perda_tui.tui.device.records import export_acquisition

    condition, operands = parse_trigger(args.trigger)
    out = Path(args.out)
    if out.exists():
        raise FileExistsError(f"{out} exists")
    with _connect(args.url) as client:
        client.wait_device_ready(READY_TIMEOUT)
        rate = args.rate
        if rate is None:
            capabilities = client.get_datalogging_capabilities()
            if capabilities is None or not capabilities.sampling_rates:
                raise ValueError("the device reports no datalogger sampling rate")
            rate = capabilities.sampling_rates[0].identifier
        config = DataloggingConfig(
            sampling_rate=rate,
            signals=args.signals,
            decimation=args.decimation,
            timeout=args.timeout,
            condition=condition,
            operands=operands,
            trigger_position=args.position,
            hold_time=args.hold,
            name=f"perda-tui {time.strftime('%Y-%m-%d %H:%M:%S')}",
        )
        request = client.start_datalog(config)
        print("armed; waiting for the trigger…", file=sys.stderr)
        acquisition = request.wait_and_fetch(args.wait)
    export_acquisition(acquisition, out)
    points = len(acquisition.xdata.data)
    reference = without_control(acquisition.reference_id)
    print(f"{reference}\t{len(acquisition.signals)} signals\t{points} points")
    print(f"wrote {out}", file=sys.stderr)
    return 0


def acquisitions_command(args: argparse.Namespace) -> int:
    """Print the stored acquisitions, newest first (tab-separated, or JSON)."""
    with _connect(args.url) as client:
        entries = client.list_stored_datalogging_acquisitions()
    if args.json:
        print(json.dumps([_entry_json(entry) for entry in entries], indent=1))
        return 0
    for entry in entries:
        when = entry.timestamp.strftime("%Y-%m-%d %H:%M:%S")
        name = without_control(entry.name) or "(unnamed)"
        project = without_control(entry.project_name or entry.firmware_id)
        print(f"{without_control(entry.reference_id)}\t{when}\t{name}\t{project}")
    return 0


def _entry_json(entry: DataloggingStorageEntry) -> dict[str, object]:
    return {
        "reference_id": entry.reference_id,
        "name": entry.name,
        "time": entry.timestamp.isoformat(),
        "firmware_id": entry.firmware_id,
        "project": entry.project_name,
    }


ACTION_HANDLERS = {
    "watch": watch_command,
    "acquire": acquire_command,
    "acquisitions": acquisitions_command,
}
