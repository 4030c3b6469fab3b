"""Loading every compiled analysis loop ahead of its first use (`compiled.Kernel.warm`)."""

from __future__ import annotations

from perda_tui.analysis import timeline_kernels, xy_kernel
from perda_tui.analysis.compiled import Kernel


def warm_analysis() -> None:
    """Compile (or load) every analysis kernel now: math channels, spectrum and XY on a
    large log then answer at once, not after about 1 s the first time (call it in a
    worker thread: it holds the GIL for no more than some tens of ms at a time)."""
    for module in (timeline_kernels, xy_kernel):
        for kernel in vars(module).values():
            if isinstance(kernel, Kernel):
                kernel.warm()
