"""Loops compiled to machine code (numba), for passes numpy can only make in several sweeps.

numba is imported when a kernel is first compiled, never at start. Kernels are compiled
for one signature each, and the machine code is cached in the app's cache folder
(`numba/` under `default_cache_dir()`; a `NUMBA_CACHE_DIR` already set wins): a new
process loads it instead of compiling again (about 1 s per kernel, once).

Loading is not free either: importing numba and loading the first kernel take about 1 s
and 50 MB of memory here. Small work does not pay it: `Kernel.sized(n)` is the plain
Python function, the same code interpreted, for work under `INTERPRETED_BELOW` items
while the kernel is not compiled yet (`perda-tui stats` of a math channel over a
24,000-row log: 0.4 s and 37 MB, not 1.5 s and 170 MB).

A kernel releases the GIL (`nogil`): threads calling it run in parallel. It is compiled
with numba's defaults otherwise: no fast-math, so its floating-point results are those of
the same arithmetic in numpy, operation for operation. numba does not check indexes:
a kernel must keep every index it uses inside its arrays itself.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

import numpy as np

P = ParamSpec("P")
R = TypeVar("R")

#: Work (items a kernel goes through) below which an uncompiled kernel runs interpreted.
INTERPRETED_BELOW = 1 << 16

_import_lock = threading.Lock()


def _numba() -> Any:
    """The numba module, imported with its cache in the app's cache folder."""
    with _import_lock:
        if "NUMBA_CACHE_DIR" not in os.environ:
            from perda_tui.config import default_cache_dir

            os.environ["NUMBA_CACHE_DIR"] = str(default_cache_dir() / "numba")
        import numba

        return numba


class Kernel(Generic[P, R]):
    """A function compiled by numba for `signature` on first call, or by `warm()`."""

    def __init__(self, function: Callable[P, R], signature: str) -> None:
        self.function, self.signature = function, signature
        self.__doc__ = function.__doc__
        self._compiled: Callable[P, R] | None = None
        self._lock = threading.Lock()

    def warm(self) -> Callable[P, R]:
        """Compile the kernel now (or load it from the cache); returns it."""
        with self._lock:
            if self._compiled is None:
                jit = _numba().njit(self.signature, nogil=True, cache=True)
                self._compiled = jit(self.function)
            return self._compiled

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return (self._compiled or self.warm())(*args, **kwargs)

    def sized(self, work: int) -> Callable[P, R]:
        """The kernel for `work` items: compiled (now if need be), or the plain Python
        function while it is not compiled and `work` is under `INTERPRETED_BELOW`."""
        if self._compiled is None and work < INTERPRETED_BELOW:
            return self._interpreted
        return self._compiled or self.warm()

    def _interpreted(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """The Python function, without numpy's warnings on numpy scalars (inf - inf and
        the like): compiled, the same arithmetic warns of nothing."""
        with np.errstate(all="ignore"):
            return self.function(*args, **kwargs)


def compiled(signature: str) -> Callable[[Callable[P, R]], Kernel[P, R]]:
    """Decorator: the function as a `Kernel` compiled for `signature` (numba's types,
    e.g. `"void(float64[::1], int64[::1])"`)."""

    def decorate(function: Callable[P, R]) -> Kernel[P, R]:
        return Kernel(function, signature)

    return decorate
