"""PER log engine: parse PER log CSVs fast into `Signal`s; stats, fuzzy search, decimation, export.

No Textual here; pyarrow and rapidfuzz are imported on first use.
"""

from perda_tui.logs.decimate import decimate
from perda_tui.logs.errors import LogParseError, TooManyParseErrors
from perda_tui.logs.export import export_csv, export_parquet
from perda_tui.logs.log import Log
from perda_tui.logs.signal import Signal, SignalStats

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
