"""Packages whose public names load with their submodule on first access (PEP 562).

`import package` then costs almost nothing, and each name pulls in only its own module
(and what that imports) when first used:

>>> __getattr__, __dir__ = lazy_names(__name__, {"Log": "log", "Signal": "signal"})
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any


def lazy_names(
    package: str, homes: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's `__getattr__` and `__dir__`: `homes` maps each public name to the
    submodule of `package` that defines it; a name is imported once, then kept in the
    package's namespace."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *homes})

    return __getattr__, __dir__
