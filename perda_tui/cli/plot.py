"""`perda-tui plot PATH_OR_KEY SIGNAL...`: print a chart of a log's signals to stdout.

A PATH that exists is read locally; anything else is a key on the data server, taken
from the download cache when it is there and downloaded into it otherwise (server URL
from the settings, password from `--password-stdin`, `PERDA_PASSWORD` or a prompt).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from perda_tui.charts.backend import Chart
    from perda_tui.logs import Log

#: Smallest chart that still has room for axes and a legend.
MIN_WIDTH, MIN_HEIGHT = 30, 8


class PlotCommandError(ValueError):
    """The command line asks for something the log or settings cannot give."""


def plot_command(args: argparse.Namespace) -> int:
    """Handler of `perda-tui plot`: load the log, draw the signals, print the chart."""
    from perda_tui.charts.backend import ChartTheme, render

    if args.width < MIN_WIDTH or args.height < MIN_HEIGHT:
        raise PlotCommandError(
            f"the chart needs at least --width {MIN_WIDTH} and --height {MIN_HEIGHT}"
        )
    log = load_source(args)
    names = list(dict.fromkeys([*args.signals, *getattr(args, "right", [])]))
    chart = build_chart(
        log,
        names,
        args.start,
        args.end,
        args.width,
        right=set(getattr(args, "right", [])),
        title=Path(args.source).name,
    )
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    print(render(chart, args.width, args.height, theme=ChartTheme.ansi16(), color=color))
    return 0


def build_chart(
    log: Log,
    names: list[str],
    start: float | None,
    end: float | None,
    columns: int,
    *,
    right: set[str] | None = None,
    title: str = "",
) -> Chart:
    """The chart of `names` between `start` and `end` seconds from the start of the log;
    the signals in `right` go on a second y-axis."""
    from perda_tui.charts.backend import MAX_SERIES, Chart, signal_series

    if len(names) > MAX_SERIES:
        raise PlotCommandError(f"at most {MAX_SERIES} signals on one chart, not {len(names)}")
    missing = [name for name in names if name not in log]
    if missing:
        raise PlotCommandError("; ".join(_unknown(log, name) for name in missing))
    spu = log.seconds_per_unit
    duration = (log.end_time - log.start_time) * spu
    lo = 0.0 if start is None else start
    hi = duration if end is None else end
    if lo >= duration or hi <= 0:
        raise PlotCommandError(
            f"the window {lo:g}-{hi:g} s is outside the log, which lasts {duration:.3g} s"
        )
    if hi <= lo:
        raise PlotCommandError(f"--end ({hi:g} s) must be after --start ({lo:g} s)")
    right = right or set()
    series = [
        signal_series(
            log[name],
            lo,
            hi,
            columns,
            origin=log.start_time,
            seconds_per_unit=spu,
            slot=i,
            right_axis=name in right,
        )
        for i, name in enumerate(names)
    ]
    return Chart(series, x_range=(lo, hi), x_label="time from start [s]", title=title)


def _unknown(log: Log, name: str) -> str:
    close = [s.name for s in log.search(name, top_n=3)]
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"no signal {name!r} in this log{hint}"


def load_source(args: argparse.Namespace) -> Log:
    """The log named by `args.source`: a local file, or a server key through the cache."""
    from perda_tui.logs import Log

    path = Path(args.source).expanduser()
    if path.exists():
        return Log.load(path)
    return Log.load(_download(args, args.source))


def _download(args: argparse.Namespace, key: str) -> Path:
    from perda_tui.clients.dataserver import ServerClient, ServerUnreachableError
    from perda_tui.config import load_settings
    from perda_tui.errors import describe

    settings = load_settings(args)
    if not settings.url:
        raise PlotCommandError(
            f"{key} is not a file here and no server is configured (--url or PERDA_URL)"
        )
    with ServerClient(settings.url, settings.cache_dir, verify=not settings.insecure) as client:
        cache = client.cache
        try:
            client.login(_password(args))
            return client.download(key)  # a cached copy is checked against the server first
        except (ServerUnreachableError, PlotCommandError) as exc:
            if cache is None or not cache.is_cached(key):
                raise
            print(f"perda-tui: using the cached copy of {key}: {describe(exc)}", file=sys.stderr)
            return cache.path_for(key)


def _password(args: argparse.Namespace) -> str:
    """From stdin's first line (--password-stdin), PERDA_PASSWORD, or a prompt on a terminal."""
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get("PERDA_PASSWORD"):
        return os.environ["PERDA_PASSWORD"]
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("data server password: ")
    raise PlotCommandError("no password: use --password-stdin or set PERDA_PASSWORD")
