"""`perda-tui plot PATH_OR_KEY [SIGNAL...]`: print a chart of a log's signals to stdout.

A PATH that exists is read locally; anything else is a key on the data server, taken
from the download cache when it is there and downloaded into it otherwise (server URL
from the settings, password from `--password-stdin`, `PERDA_PASSWORD` or a prompt).
`--layout NAME` draws a layout saved in the app (its signals, axes, mode and window;
SIGNALs, `--right`, `--stacked`, `--start` and `--end` add to or override it).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from perda_tui.text import without_control
from perda_tui.units import duration

if TYPE_CHECKING:
    from perda_tui.charts.model import Chart, Series
    from perda_tui.logs import Log
    from perda_tui.tui.plot.layouts import Layout

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
    signals, right = list(args.signals), list(args.right)
    start, end, stacked = args.start, args.end, args.stacked
    if args.layout:
        layout = _named_layout(args.layout)
        signals = [*layout.signals, *signals]
        right = [*layout.right, *right]
        stacked = stacked or layout.stacked
        if layout.window and start is None and end is None:
            start, end = layout.window
    names = list(dict.fromkeys([*signals, *right]))
    if not names:
        raise PlotCommandError("name at least one SIGNAL, or a --layout")
    log = load_source(args)
    chart = build_chart(
        log,
        names,
        start,
        end,
        args.width,
        right=set(right),
        title=without_control(Path(args.source).name),
        clock=args.clock,
        stacked=stacked,
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
    stacked: bool = False,
) -> Chart:
    """The chart of `names` between `start` and `end` seconds from the start of the log;
    the signals in `right` go on a second y-axis; `stacked`: one panel per signal. With
    `clock`, the time axis shows the wall-clock time of each sample (`Log.wall_clock`,
    the same mapping as the app's)."""
    from perda_tui.charts.model import MAX_SERIES, Chart
    from perda_tui.charts.raster import DOTS_X
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
    series = [  # names and units from the log: shown text, no terminal controls
        _shown(
            signal_series(
                log[name],
                lo,
                hi,
                columns * DOTS_X,  # one envelope column per braille dot column
                origin=origin,
                seconds_per_unit=spu,
                slot=i,
                right_axis=name in right,
            )
        )
        for i, name in enumerate(names)
    ]
    clock_origin = log.wall_clock(origin) if clock else None
    if clock and clock_origin is None:
        raise PlotCommandError("--clock: the log's header has no recording time")
    return Chart(
        series,
        x_range=(lo, hi),
        title=title,
        clock_origin=clock_origin,
        time_format="minutes",
        stacked=stacked,
    )


def _shown(series: Series) -> Series:
    return dataclasses.replace(
        series, label=without_control(series.label), unit=without_control(series.unit)
    )


def _named_layout(name: str) -> Layout:
    from perda_tui.config import config_dir
    from perda_tui.tui.plot.layouts import LayoutStore

    named = LayoutStore(config_dir()).named()
    if name not in named:
        known = ", ".join(sorted(named)) or "none saved yet (L in the plot screen saves one)"
        raise PlotCommandError(f"no layout {name!r}; layouts: {known}")
    return named[name]


def _time(seconds: float) -> str:
    """A time from the log start as the command line accepts it: `51:50`, `0:02.5`."""
    return duration(seconds, decimals=0 if seconds == round(seconds) else 1)


def _unknown(log: Log, name: str) -> str:
    close = [s.name for s in log.search(name, top_n=3)]
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"no signal {name!r} in this log{hint}"


def load_source(args: argparse.Namespace) -> Log:
    """The log named by `args.source`: a local file, or a server key through the cache."""
    from perda_tui.config import load_settings
    from perda_tui.parsed_cache import open_log

    path = Path(args.source).expanduser()
    if not path.exists():
        path = _download(args, args.source)
    # a broken config file never stops a plot: load_settings keeps its usable keys
    return open_log(path, load_settings(args).cache_dir)


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
            note = f"perda-tui: using the cached copy of {key}: {describe(exc)}"
            print(without_control(note, " "), file=sys.stderr)
            return cache.path_for(key)
