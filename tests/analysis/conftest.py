"""Compiled kernels are tested both ways they run: interpreted (small work, before they
are compiled) and compiled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from perda_tui.analysis.compiled import Kernel


@pytest.fixture(params=["interpreted", "compiled"])
def kernels(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every `Kernel.sized` call gives the kernel run this way, whatever the work."""

    def interpreted(self: Kernel[Any, Any], work: int) -> Callable[..., Any]:
        return self._interpreted

    def compiled(self: Kernel[Any, Any], work: int) -> Callable[..., Any]:
        return self.warm()

    monkeypatch.setattr(
        Kernel, "sized", interpreted if request.param == "interpreted" else compiled
    )
    return str(request.param)
