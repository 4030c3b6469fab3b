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

from perda_tui.units import duration

if TYPE_CHECKING:
    from perda_tui.charts.model import Chart
    from perda_tui.logs import Log

#: Smallest chart that still has room for axes and a legend.
MIN_WIDTH, MIN_HEIGHT = 30, 8


class PlotCommandError(ValueError):
    """The command line asks for something the log or settings cannot give."""


def plot_command(args: argparse.Namespace) -> int:
    """Handler of `perda-tui plot`: load the log, draw the signals, print the chart."""
    from perda_tui.charts.backend import render
    from perda_tui.charts.model import ChartTheme

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
        clock=args.clock,
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
    clock: bool = False,
) -> Chart:
    """The chart of `names` between `start` and `end` seconds from the start of the log;
    the signals in `right` go on a second y-axis. With `clock`, the time axis shows the
    wall-clock time of each sample (`Log.wall_clock`, the same mapping as the app's)."""
    from perda_tui.charts.model import MAX_SERIES, Chart
    from perda_tui.charts.series import signal_series

    if len(names) > MAX_SERIES:
        raise PlotCommandError(f"at most {MAX_SERIES} signals on one chart, not {len(names)}")
    missing = [name for name in names if name not in log]
    if missing:
        raise PlotCommandError("; ".join(_unknown(log, name) for name in missing))
    if log.start_time is None or log.end_time is None:
        raise PlotCommandError("the log has no samples")
    spu = log.seconds_per_unit
    length = (log.end_time - log.start_time) * spu
    lo = 0.0 if start is None else start
    hi = length if end is None else end
    if lo >= length or hi <= 0:
        raise PlotCommandError(
            f"the window {_time(lo)}-{_time(hi)} is outside the log, which lasts {_time(length)}"
        )
    if hi <= lo:
        raise PlotCommandError(f"--end ({_time(hi)}) must be after --start ({_time(lo)})")
    origin = log.start_time
    right = right or set()
    series = [
        signal_series(
            log[name],
            lo,
            hi,
            columns,
            origin=origin,
            seconds_per_unit=spu,
            slot=i,
            right_axis=name in right,
        )
        for i, name in enumerate(names)
    ]
    clock_origin = log.wall_clock(origin) if clock else None
    if clock and clock_origin is None:
        raise PlotCommandError("--clock: the log's header has no recording time")
    x_label = "time of day [h:m:s]" if clock_origin else "time from start [s]"
    return Chart(series, x_range=(lo, hi), x_label=x_label, title=title, clock_origin=clock_origin)


def _time(seconds: float) -> str:
    """A time from the log start as the command line accepts it: `51:50`, `0:02.5`."""
    return duration(seconds, decimals=0 if seconds == round(seconds) else 1)


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
    from perda_tui.cli.passwords import NoPasswordError, read_password
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
            client.login(read_password(args))
            return client.download(key)  # a cached copy is checked against the server first
        except (ServerUnreachableError, NoPasswordError) as exc:
            if cache is None or not cache.is_cached(key):
                raise
            print(f"perda-tui: using the cached copy of {key}: {describe(exc)}", file=sys.stderr)
            return cache.path_for(key)
