"""Kernels compile on first use, with their machine code cached in the app's cache folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from perda_tui.analysis.compiled import INTERPRETED_BELOW, Kernel, compiled


@compiled("float64(float64[::1])")
def _positive_sum(values: np.ndarray) -> float:
    total = 0.0
    for value in values:
        if value > 0:
            total += value
    return total


def test_a_kernel_gives_what_its_python_gives() -> None:
    values = np.array([1.5, -2.0, np.nan, 4.0, np.inf, -np.inf])
    assert _positive_sum(values) == _positive_sum.function(values) == np.inf
    assert _positive_sum(values[:4].copy()) == 5.5
    assert _positive_sum.warm() is _positive_sum.warm()  # compiled once


def test_machine_code_is_cached_in_the_app_cache_folder(tmp_path: Path) -> None:
    """A fresh process with only the app's config folder set writes numba's cache under
    the app's cache folder, and a second process loads it from there."""
    code = (
        "import numpy as np\n"
        "from perda_tui.analysis.compiled import compiled\n"
        "@compiled('int64(int64[::1])')\n"
        "def total(a):\n"
        "    s = 0\n"
        "    for v in a:\n"
        "        s += v\n"
        "    return s\n"
        "print(total(np.arange(5)))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["PERDA_CONFIG_DIR"] = str(tmp_path / "config")
    script = tmp_path / "kernel.py"
    script.write_text(code)
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, env=env, check=True
        )
        assert result.stdout.strip() == "10"
    cached = list((tmp_path / "config" / "cache" / "numba").rglob("*.nbi"))
    assert cached, "no numba index in the app's cache folder"


def test_small_work_runs_interpreted_until_the_kernel_is_compiled() -> None:
    kernel = Kernel(_positive_sum.function, _positive_sum.signature)
    interpreted = kernel.sized(INTERPRETED_BELOW - 1)
    values = np.array([2.0, -1.0, 0.25, np.inf, -np.inf])
    assert interpreted(values) == np.inf
    assert kernel._compiled is None  # nothing compiled for small work
    compiled_kernel = kernel.sized(INTERPRETED_BELOW)
    assert compiled_kernel is kernel._compiled is not None
    assert kernel.sized(1) is compiled_kernel  # compiled now: small work uses it too
    assert compiled_kernel(values[:3].copy()) == interpreted(values[:3]) == 2.25
