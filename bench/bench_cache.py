"""Parsed-log cache: reopening a parsed log instead of parsing it, in a new process each time.

A 20M-row, 200-signal sample log is generated under /tmp (removed afterwards), opened once
through the cache (parse + store, timed too), then reopened in fresh interpreters: from
launching the process to the chart of its 4 longest signals being drawn as text (200x50
cells, the plot screen's path: pyramid, decimation to one column per braille dot, series,
`draw`), with no Textual (importing it alone takes longer than the target). RSS is
measured in the same child once that chart is drawn, with every signal available. The
"4 x 10M" figure stores the plot benchmark's four 10-million-sample signals, then times a
fresh process from mapping them to the drawn chart. Each figure is the best of a few runs.
Last, a 50M-row log (about 1 GB) is parsed and stored, then reopened and drawn, once each,
under a 1 GiB limit (a 1 GB Raspberry Pi): `prlimit --data`, i.e. RLIMIT_DATA, which
counts every private writable mapping (heap, numpy arrays, reserved or touched) but not
the read-only maps of the parsed form. (No systemd here for `systemd-run -p MemoryMax`,
and the cgroup tree is not writable.) Peak RSS is reported too.

`python -m bench cache` runs only this module.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import BenchResult

ROWS, BIG_ROWS, SIGNALS = 20_000_000, 50_000_000, 200
#: The memory a 1 GB Raspberry Pi can give one process (the issue's limit).
PI_BYTES = 1 << 30
REPEAT = 3
REOPEN_TARGET_S, FIRST_DRAW_TARGET_S, RSS_TARGET = 0.150, 0.100, 0.25

# Children print JSON with `ready` = time.monotonic() when the chart is drawn (system-wide
# clock on Linux: the parent gets "process start to drawn" without interpreter shutdown).
DRAW = """
from perda_tui.charts.envelope import Envelope
from perda_tui.charts.series import envelope_series
from perda_tui.charts.model import Chart
from perda_tui.charts.backend import draw
from perda_tui.charts.raster import DOTS_X

def chart(log, width=200, height=50):
    longest = sorted(log, key=len, reverse=True)[:4]
    t0, t1 = log.start_time, log.end_time
    series = []
    for slot, signal in enumerate(longest):
        times, mins, maxs = Envelope(signal).decimate(t0, t1, width * DOTS_X)
        seconds = (times - t0) * log.seconds_per_unit
        series.append(envelope_series(signal.name, seconds, mins, maxs, slot=slot))
    span = (t1 - t0) * log.seconds_per_unit
    return draw(Chart(series, x_range=(0.0, span)), width, height)
"""

# CPU time (user + system of the whole process) says what a loaded machine's wall time
# hides: it is printed at the same mark.
CPU = """
import resource
def cpu():
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime
"""

REOPEN = (
    CPU
    + """
import json, re, sys, time
from pathlib import Path

def rss():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmRSS:\\s+(\\d+) kB", status).group(1)) * 1024

from perda_tui.parsed_cache import open_log
"""
    + DRAW
    + """
before = rss()
log = open_log(sys.argv[1], sys.argv[2])
chart(log)
ready, used = time.monotonic(), cpu()
arrays = sum(s.timestamps.nbytes + s.values.nbytes for s in log)
print(json.dumps({"ready": ready, "cpu": used, "rss": rss(), "before": before, "arrays": arrays,
                  "rows": log.sample_count}))
"""
)

# The anonymous peak (RssAnon, what must stay in RAM: VmHWM also counts file pages the
# kernel may write back and drop) is sampled every 20 ms by a thread.
FIRST_OPEN = """
import json, re, sys, threading, time
from pathlib import Path
def status(field):
    text = Path("/proc/self/status").read_text()
    return int(re.search(field + r":\\s+(\\d+) kB", text).group(1)) * 1024
anon, done = [0], threading.Event()
def watch():
    while not done.wait(0.02):
        anon[0] = max(anon[0], status("RssAnon"))
threading.Thread(target=watch, daemon=True).start()
from perda_tui.parsed_cache import open_log
log = open_log(sys.argv[1], sys.argv[2])
ready = time.monotonic()
done.set()
print(json.dumps({"ready": ready, "hwm": status("VmHWM"), "anon": max(anon[0], status("RssAnon")),
                  "rows": log.sample_count}))
"""

MAPPED_DRAW = (
    """
import json, sys, time
from pathlib import Path
from perda_tui.logs.columnar import read_entry
log = read_entry(Path(sys.argv[1]), {})
"""
    + DRAW
    + """
start = time.perf_counter()
chart(log)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""
)


def _child(code: str, *args: str, limit: int | None = None) -> tuple[float, dict]:
    """Run `code` in a fresh interpreter (with at most `limit` bytes of private writable
    memory when given): (seconds from launch to its `ready` mark or exit, the JSON it
    printed last, or {"error": its last line of error} if it failed)."""
    start = time.monotonic()
    prefix = ["prlimit", f"--data={limit}"] if limit is not None else []
    done = subprocess.run(
        [*prefix, sys.executable, "-c", code, *args], capture_output=True, text=True
    )
    wall = time.monotonic() - start
    if done.returncode:
        if limit is None:
            done.check_returncode()
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        return wall, {"error": lines[-1][:120]}
    out = json.loads(done.stdout.strip().splitlines()[-1])
    ready = out.get("ready", start + wall) - start
    return (ready if 0 < ready <= wall else wall), out


def _import_floor(module: str) -> tuple[float, float]:
    """Best (seconds from launch to exit, CPU seconds) of a fresh interpreter importing
    `module` and nothing else: what any reopen that needs it costs at least."""
    code = CPU + f"import json, {module}; print(json.dumps({{'cpu': cpu()}}))"
    runs = [_child(code) for _ in range(REPEAT)]
    return min(seconds for seconds, _ in runs), min(out["cpu"] for _, out in runs)


def _store_plot_log(folder: Path) -> None:
    """The plot benchmark's 4 x 10M-sample log, stored as a parsed entry in `folder`."""
    from bench.bench_plot import make_log
    from perda_tui.logs.columnar import write_entry

    write_entry(folder, make_log(), {})


def run() -> list[BenchResult]:
    """Reopen time, RSS and first draw of parsed logs."""
    from perda_tui.samples.writer import write_sample_log

    work = Path(tempfile.mkdtemp(prefix="perda-bench-cache-", dir="/tmp"))
    try:
        log = write_sample_log(work / "log.csv", ROWS, signals=SIGNALS)
        cache = work / "cache"
        first_s, first = _child(FIRST_OPEN, str(log), str(cache))
        runs = [_child(REOPEN, str(log), str(cache)) for _ in range(REPEAT)]
        reopen_s = min(seconds for seconds, _ in runs)
        reopen_cpu = min(o["cpu"] for _, o in runs)
        out = min((o for _, o in runs), key=lambda o: o["rss"])
        if out["rows"] != first["rows"]:
            raise RuntimeError(f"rows differ: parsed {first['rows']}, reopened {out['rows']}")
        rss_ratio = out["rss"] / out["arrays"]
        own_ratio = (out["rss"] - out["before"]) / out["arrays"]
        floor_s, floor_cpu = _import_floor("numpy")
        textual_s, _ = _import_floor("textual.app")
        _store_plot_log(work / "plot")
        draw_s = min(_child(MAPPED_DRAW, str(work / "plot"))[1]["seconds"] for _ in range(REPEAT))
        log.unlink()
        shutil.rmtree(cache)
        big = write_sample_log(work / "big.csv", BIG_ROWS, signals=SIGNALS)
        big_first_s, big_first = _child(FIRST_OPEN, str(big), str(cache), limit=PI_BYTES)
        if "error" in big_first:  # the peak RSS it takes without the limit
            _, big_free = _child(FIRST_OPEN, str(big), str(cache))
            big_first["hwm"] = big_free["hwm"]
        big_reopen_s, big_reopen = _child(REOPEN, str(big), str(cache), limit=PI_BYTES)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    mb = 1 << 20
    return [
        BenchResult(
            "cache: first open of a 20M-row log (parse + store)",
            first_s,
            "s",
            "-",
            True,
            f"new process; peak RSS {first['hwm'] / mb:.0f} MB, "
            f"anonymous {first['anon'] / mb:.0f} MB",
        ),
        BenchResult(
            "cache: reopen 20M rows, process start to chart drawn",
            reopen_s * 1000,
            "ms",
            f"<= {REOPEN_TARGET_S * 1000:.0f} ms",
            reopen_s <= REOPEN_TARGET_S,
            f"4 longest signals, 200x50, no Textual; python + numpy alone: {floor_s * 1000:.0f} "
            f"ms; CPU {reopen_cpu * 1000:.0f} ms (python + numpy {floor_cpu * 1000:.0f} ms); "
            f"python + Textual alone: {textual_s * 1000:.0f} ms",
        ),
        BenchResult(
            "cache: RSS of the reopened 20M-row log / its arrays",
            rss_ratio * 100,
            "%",
            f"<= {RSS_TARGET:.0%}",
            rss_ratio <= RSS_TARGET,
            f"{out['rss'] / mb:.0f} MB for {out['arrays'] / mb:.0f} MB, all 200 signals mapped",
        ),
        BenchResult(
            "cache: RSS added by opening and drawing it / its arrays",
            own_ratio * 100,
            "%",
            f"<= {RSS_TARGET:.0%}",
            own_ratio <= RSS_TARGET,
            f"{(out['rss'] - out['before']) / mb:.0f} MB (interpreter and imports excluded)",
        ),
        BenchResult(
            "cache: first draw of 4x10M after reopen",
            draw_s * 1000,
            "ms",
            f"<= {FIRST_DRAW_TARGET_S * 1000:.0f} ms",
            draw_s <= FIRST_DRAW_TARGET_S,
            "pyramids from disk; 200x50 chart",
        ),
        _big_first_row(big_first_s, big_first),
        BenchResult(
            "cache: 50M-row log, reopen and draw under prlimit --data=1GiB: RSS",
            big_reopen.get("rss", 0) / mb,
            "MB",
            f"<= {PI_BYTES // mb} MB",
            "error" not in big_reopen and big_reopen["rss"] <= PI_BYTES,
            big_reopen.get("error")
            or f"{big_reopen_s * 1000:.0f} ms from process start; "
            f"{big_reopen['arrays'] / mb:.0f} MB of arrays mapped",
        ),
    ]


def _big_first_row(seconds: float, out: dict) -> BenchResult:
    """The 50M-row first open under the 1 GiB limit: its peak RSS, or why it failed (with
    the peak RSS the same open reached without the limit)."""
    mb = 1 << 20
    if "error" in out:
        note = f"FAILED under the limit ({out['error']}); peak RSS shown is without it"
    else:
        note = (
            f"parse + store {seconds:.1f} s under the limit; VmHWM (file pages included), "
            f"anonymous peak {out['anon'] / mb:.0f} MB"
        )
    return BenchResult(
        "cache: 50M-row log (1 GB), first open under prlimit --data=1GiB: peak RSS",
        out["hwm"] / mb,
        "MB",
        f"<= {PI_BYTES // mb} MB",
        "error" not in out and out["hwm"] <= PI_BYTES,
        note,
    )
