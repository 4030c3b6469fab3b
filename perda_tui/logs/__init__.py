"""PER log engine: parse PER log CSVs fast into `Signal`s; stats, fuzzy search, decimation, export.

No Textual here. Names are loaded on first access (PEP 562), so `import perda_tui.logs`
costs almost nothing: numpy comes with `Log`/`Signal`, pyarrow with the first parse or
export, rapidfuzz with the first search. A log parsed once is kept in a columnar form and
mapped when opened again (`store.ParsedStore`, `columnar`; `perda_tui.parsed_cache` puts it
in the download cache), min/max pyramids included (`pyramid`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from perda_tui.lazy import lazy_names

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


__getattr__, __dir__ = lazy_names(__name__, _HOMES)
