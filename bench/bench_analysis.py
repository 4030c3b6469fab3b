"""Analysis benchmark: math channel, data health, histogram, spectrum and XY density.

Every figure is computed in this process on generated signals (numpy, no files) and is
the best of `REPEAT` runs, in wall time; the note adds the process CPU time (user +
system, best of the runs), which a machine loaded by other work inflates much less.
Signals have their own jittered timestamps, as the channels of a real log do, so a math
channel merges two timelines and XY interpolates y at x's timestamps; the rows marked
"shared timestamps" show the case of signals logged in the same frame.

`python -m bench analysis` runs only this module.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from bench.common import BenchResult

REPEAT = 3
BIG, HEALTH_ROWS, HEALTH_SIGNALS, WINDOW = 10_000_000, 20_000_000, 200, 1_000_000


def best(work: Callable[[], object]) -> tuple[float, float]:
    """Fastest of `REPEAT` runs in wall time and in process CPU time, in milliseconds."""
    wall, cpu = [], []
    for _ in range(REPEAT):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(wall) * 1000, min(cpu) * 1000


def jittered(count: int, period_us: int, rng: np.random.Generator, offset: int = 0) -> np.ndarray:
    """Ascending unique timestamps (µs) at `period_us` with up to 20 % jitter."""
    return (
        offset
        + np.arange(count, dtype=np.int64) * period_us
        + rng.integers(0, period_us // 5, count)
    )


def row(name: str, ms: tuple[float, float], limit: float, note: str = "") -> BenchResult:
    wall, cpu = ms
    cpu_note = f"CPU {cpu:,.0f} ms"
    return BenchResult(
        name,
        wall,
        "ms",
        f"≤ {limit:g} ms",
        wall <= limit,
        f"{note}, {cpu_note}" if note else cpu_note,
    )


def math_channel(rng: np.random.Generator) -> list[BenchResult]:
    from perda_tui.analysis.expressions import evaluate
    from perda_tui.logs import Log, Signal

    a = Signal(jittered(BIG, 1000, rng), rng.normal(size=BIG), "a")
    b = Signal(jittered(BIG, 1000, rng, 500), rng.normal(size=BIG), "b")
    c = Signal(a.timestamps, rng.normal(size=BIG), "c")
    log = Log([a, b, c])
    own = best(lambda: evaluate("a * b + a", log))
    same = best(lambda: evaluate("a * c + a", log))
    return [
        row("math channel a * b + a, 2 x 10M samples", own, 300, "own timestamps"),
        row("math channel a * c + a, 2 x 10M samples", same, 300, "shared timestamps"),
    ]


def health(rng: np.random.Generator) -> list[BenchResult]:
    from perda_tui.analysis.health import log_health
    from perda_tui.logs import Log, Signal

    per = HEALTH_ROWS // HEALTH_SIGNALS
    log = Log(
        Signal(jittered(per, 10_000, rng), np.zeros(per), f"s{i:03d}")
        for i in range(HEALTH_SIGNALS)
    )
    ms = best(lambda: log_health(log))
    return [row("health of a 20M-row log", ms, 300, f"{HEALTH_SIGNALS} channels")]


def window(rng: np.random.Generator) -> list[BenchResult]:
    from perda_tui.analysis.distribution import distribution
    from perda_tui.analysis.spectrum import spectrum

    t, v = jittered(WINDOW, 1000, rng), rng.normal(size=WINDOW)
    return [
        row("histogram of a 1M-sample window", best(lambda: distribution(v, 60)), 100),
        row("spectrum of a 1M-sample window", best(lambda: spectrum(t, v, 1e-6)), 100),
    ]


def xy(rng: np.random.Generator) -> list[BenchResult]:
    from perda_tui.analysis.xy import xy_density
    from perda_tui.logs import Signal

    x = Signal(jittered(BIG, 1000, rng), rng.normal(size=BIG), "x")
    own = Signal(jittered(BIG, 1000, rng, 500), rng.normal(size=BIG), "y")
    shared = Signal(x.timestamps, rng.normal(size=BIG), "y")

    def plot(y: Signal) -> None:
        xy_density(x, y, None, None, 2 * 200, 4 * 50)

    return [
        row("XY density of 10M points", best(lambda: plot(own)), 100, "own timestamps"),
        row("XY density of 10M points", best(lambda: plot(shared)), 100, "shared timestamps"),
    ]


def run() -> list[BenchResult]:
    rng = np.random.default_rng(15)
    return [*math_channel(rng), *health(rng), *window(rng), *xy(rng)]


if __name__ == "__main__":
    for result in run():
        print(" | ".join(result.cells()))
