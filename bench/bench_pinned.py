"""The app's figures again, with the process pinned to one core (a Raspberry Pi stand-in).

Runs the browser and device benchmarks in a child process whose CPU affinity is core 0
(children it starts, such as the Scrutiny server, inherit it) and reports their rows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.common import BenchResult

MODULES = ("bench_browser", "bench_device")
_CHILD = """
import json, sys
from dataclasses import asdict
from bench import {module}
print(json.dumps([asdict(row) for row in {module}.run()]))
"""


def _pin_to_first_core() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def run() -> list[BenchResult]:
    """Every row of `MODULES`, measured on one core."""
    rows: list[BenchResult] = []
    for module in MODULES:
        result = subprocess.run(
            [sys.executable, "-c", _CHILD.format(module=module)],
            capture_output=True,
            text=True,
            check=True,
            preexec_fn=_pin_to_first_core,
            timeout=600,
        )
        for doc in json.loads(result.stdout.strip().splitlines()[-1]):
            doc["name"] = f"1 core: {doc['name']}"
            rows.append(BenchResult(**doc))
    return rows
