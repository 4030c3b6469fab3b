"""Record tables and the keyword plot of the archive screen (pure functions, no widgets)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from perda_tui.charts.model import Chart
from perda_tui.charts.series import line_series
from perda_tui.clients.drms import SeriesStructure
from perda_tui.tui.common.text import clean

if TYPE_CHECKING:
    import pandas as pd

#: Records shown per page of the keyword table (and fetched per step with `n`).
PAGE_SIZE = 50
#: Keywords listed by default: the prime keys, then the first numeric keywords.
DEFAULT_KEYWORDS = 6
TIME_KEY = "T_REC"


def default_keys(structure: SeriesStructure) -> list[str]:
    """Prime keys plus the first numeric keywords (at most `DEFAULT_KEYWORDS` in all)."""
    keys = list(structure.primekeys)
    if TIME_KEY not in keys and structure.keyword(TIME_KEY) is not None:
        keys.insert(0, TIME_KEY)
    for keyword in structure.numeric_keywords:
        if len(keys) >= DEFAULT_KEYWORDS:
            break
        if keyword.name not in keys:
            keys.append(keyword.name)
    return keys


def cell(value: Any) -> str:
    """One table cell: blank for NaN/NaT, times to the second, numbers compactly."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if hasattr(value, "strftime"):
        try:
            return value.strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:  # NaT
            return ""
    if isinstance(value, float | np.floating):
        return f"{value:.6g}"
    return clean(value)


def page_rows(frame: pd.DataFrame, page: int) -> list[tuple[str, ...]]:
    """The rows of page `page` (0-based) as display strings."""
    chunk = frame.iloc[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    return [tuple(cell(v) for v in row) for row in chunk.itertuples(index=False)]


def plottable_keys(frame: pd.DataFrame) -> list[str]:
    """Numeric columns with at least one value (those can be drawn against T_REC)."""
    if TIME_KEY not in frame.columns:
        return []
    return [
        str(column)
        for column in frame.columns
        if column != TIME_KEY and frame[column].dtype.kind in "iuf" and frame[column].notna().any()
    ]


def keyword_chart(frame: pd.DataFrame, keyword: str, structure: SeriesStructure | None) -> Chart:
    """`keyword` against T_REC (wall-clock ticks from the first record); NaN leaves gaps."""
    times = frame[TIME_KEY]
    valid = times.notna().to_numpy()
    stamps = times[valid]
    if not len(stamps):
        return Chart(title=f"{keyword}: no valid {TIME_KEY}")
    origin = stamps.iloc[0].to_pydatetime()
    x = (stamps - stamps.iloc[0]).dt.total_seconds().to_numpy()
    y = frame[keyword].to_numpy(dtype=np.float64, na_value=np.nan)[valid]
    info = structure.keyword(keyword) if structure is not None else None
    units = f" [{info.units}]" if info is not None and info.units not in ("", "none") else ""
    return Chart(
        series=[line_series(keyword, x, y)],
        x_label=f"{TIME_KEY} from {origin:%Y-%m-%d %H:%M:%S} (TAI)",
        y_label=f"{keyword}{units}",
        clock_origin=origin,
        legend=False,
    )
