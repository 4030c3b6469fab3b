"""Log engine benchmark: whole-process parse time against pyarrow's CSV reader, peak memory,
import time and decimation time.

The logs are generated once by the vectorised sample generator and cached under
`bench/.data/` (gitignored). Every parse runs in a fresh interpreter and is timed from
launching it to the `Log` being ready (interpreter start-up and imports included, exit
not); the pyarrow reference reads the same data rows into three typed columns in the same
run. Each figure is the best of a few alternating runs. CPU time (user + system, every
thread) is measured too, since wall time on a shared machine says little: the work's CPU
counts from after the imports (numpy and pyarrow loaded first on both sides), the
process's from its start.

`python -m bench logs` runs only this module; `python -m bench.bench_logs` prints a table.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from bench.common import BenchResult

DATA = Path(__file__).with_name(".data")
ROWS, BIG_ROWS, SIGNALS = 5_000_000, 20_000_000, 200
REPEAT = 3
GENERATOR_VERSION = 2

# Children print `ready`, time.monotonic() when the result is ready: CLOCK_MONOTONIC is
# system-wide on Linux, so the parent gets "process start to Log ready" without counting
# interpreter shutdown (freeing the arrays, unloading libraries).
# Peak RSS is VmHWM of the child's own address space: getrusage's ru_maxrss would carry
# the (larger) high-water mark of this parent process across fork and exec on Linux.
CPU = """
import resource
def cpu():
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime
"""

PARSE = (
    CPU
    + """
import json, re, sys, time
from pathlib import Path
import numpy, pyarrow.csv
from perda_tui.logs import Log
start = cpu()
log = Log.load(sys.argv[1])
ready = time.monotonic()
work = cpu() - start
arrays = sum(s.timestamps.nbytes + s.values.nbytes for s in log)
hwm = re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())
rss = int(hwm.group(1)) * 1024
print(json.dumps({"rows": log.sample_count, "arrays": arrays, "rss": rss, "ready": ready,
                  "cpu": work, "process_cpu": start + work}))
"""
)

REFERENCE = (
    CPU
    + """
import json, sys, time
import numpy, pyarrow as pa, pyarrow.csv as pacsv
path, skip = sys.argv[1], int(sys.argv[2])
start, cpu_start = time.perf_counter(), cpu()
table = pacsv.read_csv(
    path,
    read_options=pacsv.ReadOptions(skip_rows=skip, column_names=["t", "id", "v"]),
    convert_options=pacsv.ConvertOptions(
        column_types={"t": pa.int64(), "id": pa.int32(), "v": pa.float64()}
    ),
)
ready = time.monotonic()
work = cpu() - cpu_start
print(json.dumps({"rows": table.num_rows, "seconds": time.perf_counter() - start, "ready": ready,
                  "cpu": work, "process_cpu": cpu_start + work}))
"""
)

IMPORT = """
import json, time
start = time.perf_counter()
import perda_tui.logs
package = time.perf_counter() - start
from perda_tui.logs import Log, Signal, decimate
print(json.dumps({"seconds": package, "with_numpy": time.perf_counter() - start}))
"""


def sample_log(rows: int) -> Path:
    """The cached benchmark log of `rows` rows over SIGNALS signals (generated if missing)."""
    from perda_tui.samples.writer import write_sample_log

    path = DATA / f"log_{rows}_{SIGNALS}_v{GENERATOR_VERSION}.csv"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        write_sample_log(partial, rows, signals=SIGNALS)
        partial.rename(path)
    return path


def _child(code: str, *args: str) -> tuple[float, dict]:
    """Run `code` in a fresh interpreter; (seconds from launch to its `ready` mark, or to
    its exit when it prints none, and the JSON it printed)."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    wall = time.monotonic() - start
    out = json.loads(done.stdout.strip().splitlines()[-1])
    ready = out.get("ready", start + wall) - start
    return (ready if 0 < ready <= wall else wall), out


def _header_lines(path: Path) -> int:
    with path.open("rb") as stream:
        count = 1
        stream.readline()
        while stream.readline().startswith(b"Value "):
            count += 1
    return count


def measure_parse(path: Path, repeat: int = REPEAT) -> dict[str, float]:
    """Best-of-`repeat` parse (process start to `Log` ready) and pyarrow reference
    (the read_csv call, and process start to table ready), alternating."""
    skip = str(_header_lines(path))
    parse, reference, reference_wall, rss, arrays = [], [], [], [], 0
    cpu: dict[str, list[float]] = {"parse": [], "ref": [], "parse_all": [], "ref_all": []}
    for _ in range(repeat):
        wall, out = _child(PARSE, str(path))
        parse.append(wall)
        rss.append(out["rss"])
        arrays = out["arrays"]
        wall, ref = _child(REFERENCE, str(path), skip)
        reference.append(ref["seconds"])
        reference_wall.append(wall)
        if ref["rows"] != out["rows"]:
            raise RuntimeError(f"row counts differ: pyarrow {ref['rows']}, Log {out['rows']}")
        for side, got in (("parse", out), ("ref", ref)):
            cpu[side].append(got["cpu"])
            cpu[f"{side}_all"].append(got["process_cpu"])
    return {
        "parse": min(parse),
        "reference": min(reference),
        "reference_wall": min(reference_wall),
        "rss": min(rss),
        "arrays": arrays,
        **{f"cpu_{side}": min(times) for side, times in cpu.items()},
    }


def measure_import() -> tuple[float, float]:
    """Best `import perda_tui.logs`, and best including `Log`/`Signal`/`decimate` (numpy)."""
    runs = [_child(IMPORT)[1] for _ in range(REPEAT)]
    return min(r["seconds"] for r in runs), min(r["with_numpy"] for r in runs)


def measure_decimate(samples: int = 10_000_000, columns: int = 200) -> float:
    import numpy as np

    from perda_tui.logs import Signal, decimate

    rng = np.random.default_rng(1)
    times = np.cumsum(rng.integers(50, 150, samples))
    signal = Signal(times, rng.normal(size=samples), name="bench")
    best = float("inf")
    for _ in range(7):
        start = time.perf_counter()
        decimate(signal, int(times[0]), int(times[-1]), columns)
        best = min(best, time.perf_counter() - start)
    return best


def run() -> list[BenchResult]:
    """Measure every log-engine figure of issue #3."""
    mb = 1024 * 1024
    small = measure_parse(sample_log(ROWS), repeat=9)
    ratio = small["parse"] / small["reference"]
    wall_ratio = small["parse"] / small["reference_wall"]
    cpu_ratio = small["cpu_parse"] / small["cpu_ref"]
    cpu_all_ratio = small["cpu_parse_all"] / small["cpu_ref_all"]
    size = sample_log(ROWS).stat().st_size / mb
    big = measure_parse(sample_log(BIG_ROWS), repeat=2)
    big_ratio = big["rss"] / big["arrays"]
    import_s, with_numpy_s = measure_import()
    decimate_s = measure_decimate()
    return [
        BenchResult(
            "parse 5M rows / 200 signals (process start to Log ready)",
            small["parse"],
            "s",
            "-",
            True,
            f"{size:.0f} MB file; aim < 1.2 s on an idle machine",
        ),
        BenchResult(
            "pyarrow read_csv, same rows (reference)",
            small["reference"],
            "s",
            "-",
            True,
            f"read_csv call only; {small['reference_wall']:.2f} s from process start",
        ),
        BenchResult(
            "parse / pyarrow",
            ratio,
            "x",
            "<= 1.3x",
            ratio <= 1.3,
            "same run; parse from process start, read_csv call only (pyarrow's own process "
            f"start to table: {small['reference_wall'] / small['reference']:.2f}x its call)",
        ),
        BenchResult(
            "parse / pyarrow, both from process start",
            wall_ratio,
            "x",
            "<= 1.3x",
            wall_ratio <= 1.3,
            "same run; interpreter and imports counted on both sides",
        ),
        BenchResult(
            "parse / pyarrow, CPU time of the work",
            cpu_ratio,
            "x",
            "<= 1.3x",
            cpu_ratio <= 1.3,
            f"Log.load {small['cpu_parse']:.2f} s, read_csv {small['cpu_ref']:.2f} s "
            "(user + system, all threads; imports excluded)",
        ),
        BenchResult(
            "parse / pyarrow, CPU time from process start",
            cpu_all_ratio,
            "x",
            "<= 1.3x",
            cpu_all_ratio <= 1.3,
            f"{small['cpu_parse_all']:.2f} s and {small['cpu_ref_all']:.2f} s",
        ),
        BenchResult(
            "peak RSS, 5M-row parse", small["rss"] / mb, "MB", "<= 400 MB", small["rss"] <= 400 * mb
        ),
        BenchResult(
            "parse 20M rows (process start to Log ready)",
            big["parse"],
            "s",
            "-",
            True,
            f"pyarrow {big['reference']:.2f} s",
        ),
        BenchResult(
            "peak RSS / final arrays, 20M rows",
            big_ratio,
            "x",
            "<= 3x",
            big_ratio <= 3,
            f"{big['rss'] / mb:.0f} MB for {big['arrays'] / mb:.0f} MB of arrays",
        ),
        BenchResult("import perda_tui.logs", import_s, "s", "<= 0.3 s", import_s <= 0.3),
        BenchResult(
            "from perda_tui.logs import Log, Signal, decimate",
            with_numpy_s,
            "s",
            "-",
            True,
            "first use loads numpy",
        ),
        BenchResult(
            "decimate 10M samples to 200 columns",
            decimate_s * 1000,
            "ms",
            "<= 30 ms",
            decimate_s <= 0.03,
        ),
    ]


if __name__ == "__main__":
    from bench.suite import markdown

    print(markdown(run()))
