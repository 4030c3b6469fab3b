"""The `perda-tui` console script: argparse sub-commands, each handler imported lazily.

Only the standard library (and `perda_tui.units`) is imported here so that `--help` and
`--version` stay fast.

Global options are defined once (`_add_global_options`) and accepted before or after
the sub-command: on the top-level parser they have their real defaults, on the
sub-parsers they default to `argparse.SUPPRESS`, so a sub-command never overwrites a
value given before it.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from perda_tui import __version__
from perda_tui.units import parse_duration

EPILOG = """\
settings are layered: config file < environment < flags.
  config file  ~/.config/perda-tui/config.toml (see `perda-tui locate`)
  environment  PERDA_URL, PERDA_CACHE_DIR, PERDA_EXPORT_DIR, PERDA_PASSWORD, SCRUTINY_URL,
               DRMS_SERVER
global options may come before or after the command.
"""

APP = "perda_tui.cli.app:run_app"


def _add_global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """The options every app and data command accepts; `suppress` for sub-parsers."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("global options")
    group.add_argument(
        "--url", default=default(None), help="data server URL (default: config, then PERDA_URL)"
    )
    group.add_argument(
        "--cache-dir",
        dest="cache_dir",
        default=default(None),
        help="where downloaded logs are kept",
    )
    group.add_argument(
        "--insecure",
        action="store_true",
        default=default(None),
        help="do not verify TLS certificates (never the default)",
    )
    group.add_argument(
        "--password-stdin",
        dest="password_stdin",
        action="store_true",
        default=default(False),
        help="read the data server password from the first line of standard input",
    )
    group.add_argument(
        "--scrutiny",
        dest="scrutiny_url",
        default=default(None),
        help="Scrutiny server, tcp://host:port or ws://host:port",
    )
    group.add_argument(
        "--drms",
        dest="drms_server",
        default=default(None),
        help="DRMS server id (jsoc, kis) or URL",
    )


def _time(text: str) -> float:
    """argparse type of window times: `90`, `2:00`, `1:02:03` (seconds from the log start)."""
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class _Parser(argparse.ArgumentParser):
    """A sub-command's parser; with `intermixed` set, its options and positional arguments
    may come in any order (`stats LOG a --channel p=a*2 p`), as argparse's intermixed parse."""

    intermixed = False

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if not self.intermixed:
            return super().parse_known_args(args, namespace)
        self.intermixed = False  # the intermixed parse calls parse_known_args, twice
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self.intermixed = True


def build_parser() -> argparse.ArgumentParser:
    """The full command-line parser; each sub-command names its handler as 'module:function'."""
    parser = argparse.ArgumentParser(
        prog="perda-tui",
        description="Car logs, live device status and DRMS archives in the terminal.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"perda-tui {__version__}")
    _add_global_options(parser, suppress=False)
    parser.set_defaults(handler=APP, screen="login")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)

    def command(
        name: str,
        handler: str,
        help_text: str,
        *,
        global_options: bool = True,
        intermixed: bool = False,
    ) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.intermixed = intermixed
        cmd.set_defaults(handler=handler)
        if global_options:
            _add_global_options(cmd, suppress=True)
        return cmd

    cmd = command("open", APP, "open a local log file in the app")
    cmd.add_argument("file", help="PER log CSV")
    cmd.set_defaults(screen="open")

    cmd = command(
        "device",
        "perda_tui.cli.device:device_command",
        "open the live device screen; or `device watch|acquire|acquisitions URL ...`",
    )
    cmd.add_argument(
        "scrutiny_url",
        nargs="?",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="tcp://host:port or ws://host:port (same as --scrutiny), or an action:"
        " watch, acquire, acquisitions (`perda-tui device ACTION --help`)",
    )
    cmd.add_argument(
        "--allow-writes",
        dest="allow_writes",
        action="store_true",
        default=None,
        help="allow writing device values from the screen (each write still asks)",
    )
    cmd.add_argument("action_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    cmd.set_defaults(screen="device")

    cmd = command("archive", APP, "open the DRMS archive screen")
    cmd.add_argument(
        "drms_server",
        nargs="?",
        default=argparse.SUPPRESS,
        metavar="SERVER",
        help="jsoc, kis or a CGI base URL (same as --drms)",
    )
    cmd.set_defaults(screen="archive")

    cmd = command("ls", "perda_tui.cli.data:list_command", "list logs on the server")
    cmd.add_argument("prefix", nargs="?", default="", help="folder prefix, e.g. 'REV 11/'")

    cmd = command("download", "perda_tui.cli.data:download_command", "download a log")
    cmd.add_argument("key", help="S3 key of the log")

    cmd = command("plot", "perda_tui.cli.plot:plot_command", "print a chart to stdout")
    cmd.add_argument("source", metavar="PATH_OR_KEY", help="local file or server key")
    cmd.add_argument("signals", metavar="SIGNAL", nargs="*", help="signal names")
    cmd.add_argument(
        "--start", type=_time, help="window start from the log start: 90, 1:30 or 1:02:03"
    )
    cmd.add_argument("--end", type=_time, help="window end from the log start (same forms)")
    cmd.add_argument("--width", type=int, default=100, help="chart width in columns")
    cmd.add_argument("--height", type=int, default=25, help="chart height in rows")
    cmd.add_argument(
        "--right",
        action="append",
        default=[],
        metavar="SIGNAL",
        help="put this signal on a second y-axis on the right (repeatable)",
    )
    cmd.add_argument(
        "--clock",
        action="store_true",
        help="label the time axis with the wall-clock time of the recording",
    )
    cmd.add_argument(
        "--stacked", action="store_true", help="one panel per signal, sharing the time axis"
    )
    cmd.add_argument(
        "--layout", metavar="NAME", help="draw the layout NAME saved in the plot screen (L)"
    )

    cmd = command("compare", "perda_tui.cli.compare:compare_command", "compare runs")
    cmd.add_argument("logs", metavar="LOG", nargs="+", help="local files or server keys")
    cmd.add_argument(
        "--signal",
        dest="signals",
        action="append",
        required=True,
        metavar="S",
        help="signal to summarise (repeatable)",
    )
    cmd.add_argument("--align", default="start", help="start (default) or event:EXPR")
    cmd.add_argument(
        "--metadata",
        action="append",
        default=[],
        metavar="KEY",
        help="metadata column, e.g. driver (repeatable)",
    )
    cmd.add_argument("--json", action="store_true", help="print JSON")

    cmd = command("laps", "perda_tui.cli.laps:laps_command", "print the lap table of a log")
    cmd.add_argument("source", metavar="LOG", help="local file or server key")
    cmd.add_argument("--line", metavar="LAT1,LON1,LAT2,LON2", help="start/finish line")
    cmd.add_argument("--beacon", metavar="SIGNAL", help="laps from this lap-beacon signal")
    cmd.add_argument("--track", default="", help="track name (default: metadata `track`)")
    cmd.add_argument("--save", action="store_true", help="store --line for the track")
    cmd.add_argument("--json", action="store_true", help="print JSON")

    def channel_options(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument(
            "--channels",
            dest="channels_file",
            metavar="FILE",
            help="math channels file (default: channels.toml in the config folder)",
        )
        cmd.add_argument(
            "--channel",
            action="append",
            default=[],
            metavar="NAME=EXPR",
            help="add a math channel, e.g. 'power=ams.pack.voltage*ams.pack.current' (repeatable)",
        )

    cmd = command(
        "stats",
        "perda_tui.cli.stats:stats_command",
        "statistics of signals or expressions",
        intermixed=True,  # names and options in any order
    )
    cmd.add_argument("source", metavar="LOG", help="local file or server key")
    cmd.add_argument(
        "signals", metavar="NAME_OR_EXPR", nargs="+", help="signal, channel or expression"
    )
    cmd.add_argument("--start", type=_time, help="window start from the log start: 90, 1:30")
    cmd.add_argument("--end", type=_time, help="window end from the log start (same forms)")
    cmd.add_argument("--json", action="store_true", help="print JSON (keys: see the README)")
    channel_options(cmd)

    cmd = command("health", "perda_tui.cli.health:health_command", "data health of a log")
    cmd.add_argument("source", metavar="LOG", help="local file or server key")
    cmd.add_argument("--json", action="store_true", help="print JSON (keys: see the README)")
    channel_options(cmd)

    cmd = command(
        "serve",
        "perda_tui.cli.serve:serve_command",
        "run the reference data server",
        global_options=False,
    )
    cmd.add_argument("--host", default="127.0.0.1")
    cmd.add_argument("--port", type=int, default=8000)
    cmd.add_argument("--logs", help="folder of logs (and NAME.meta.json) to upload on start")
    cmd.add_argument("--s3-endpoint", dest="s3_endpoint", help="S3 endpoint (default: embedded)")
    cmd.add_argument("--bucket", help="S3 bucket (required with --s3-endpoint)")
    cmd.add_argument("--db", help="SQLite metadata database path")

    cmd = command(
        "sample-logs",
        "perda_tui.cli.samples:sample_logs_command",
        "generate sample logs",
        global_options=False,
    )
    cmd.add_argument("out_dir", help="output folder")
    cmd.add_argument("--rows", type=int, default=200_000, help="data rows of the largest log")
    cmd.add_argument("--seed", type=int, default=11, help="random seed")

    cmd = command(
        "demo", "perda_tui.cli.demo:demo_command", "run servers with sample logs and the app"
    )
    cmd.add_argument("--no-tui", action="store_true", help="print the listing instead")

    command(
        "locate",
        "perda_tui.cli.locate:locate_command",
        "print where the config, the cache and exports live",
    )

    cmd = command(
        "cache",
        "perda_tui.cli.cache:cache_command",
        "list the logs in the local cache, or prune the least recently opened",
    )
    cmd.add_argument(
        "action", nargs="?", choices=["list", "prune"], default="list", help="default: list"
    )
    cmd.add_argument(
        "--older-than",
        dest="older_than",
        metavar="DAYS",
        type=float,
        help="prune: remove logs not opened for DAYS days",
    )
    cmd.add_argument(
        "--max-size",
        dest="max_size",
        metavar="SIZE",
        help="prune: then remove the least recently opened until the cache fits (500M, 2G)",
    )
    return parser


def _warn_about_config() -> None:
    """Name a broken config file once; every command still runs (without what is broken)."""
    from perda_tui.config import file_settings

    _, problem = file_settings()
    if problem:
        print(f"perda-tui: warning: {problem}; ignoring it", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    _warn_about_config()
    module_name, _, function_name = args.handler.partition(":")
    handler = getattr(importlib.import_module(module_name), function_name)
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - last line of defence: one clear line, no traceback
        from perda_tui.errors import describe
        from perda_tui.text import without_control  # the message may carry server text

        print(f"perda-tui: {without_control(describe(exc), ' ')}", file=sys.stderr)
        return 1
