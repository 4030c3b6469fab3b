"""PER log engine: parse PER log CSVs fast into `Signal`s; stats, fuzzy search, decimation, export.

No Textual here. Names are loaded on first access (PEP 562), so `import perda_tui.logs`
costs almost nothing: numpy comes with `Log`/`Signal`, pyarrow with the first parse or
export, rapidfuzz with the first search. A log parsed once is kept in a columnar form and
mapped when opened again (`store.ParsedStore`, `columnar`; `perda_tui.parsed_cache` puts it
in the download cache), min/max pyramids included (`pyramid`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perda_tui.logs.decimate import decimate
    from perda_tui.logs.errors import LogParseError, TooManyParseErrors
    from perda_tui.logs.export import export_csv, export_parquet
    from perda_tui.logs.log import Log
    from perda_tui.logs.signal import Signal, SignalStats

_HOMES = {
    "Log": "log",
    "LogParseError": "errors",
    "TooManyParseErrors": "errors",
    "Signal": "signal",
    "SignalStats": "signal",
    "decimate": "decimate",
    "export_csv": "export",
    "export_parquet": "export",
}

__all__ = [
    "Log",
    "LogParseError",
    "Signal",
    "SignalStats",
    "TooManyParseErrors",
    "decimate",
    "export_csv",
    "export_parquet",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'perda_tui.logs' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"perda_tui.logs.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
