"""Data rows `timestamp,var_id,value` → arrays grouped by id, streamed in blocks.

pyarrow's streaming CSV reader converts each block to typed columns; rows with the wrong
number of fields go to an invalid-row handler (counted), rows with an unparseable field
become nulls (counted, dropped). Each block is grouped by id right away (stable radix
argsort), and the pieces are copied into one final timestamp array and one value array,
so peak memory stays close to the size of the result. A conversion error that pyarrow
cannot turn into nulls makes the read start again in a slower text mode.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from perda_tui.logs.errors import LogParseError, TooManyParseErrors
from perda_tui.logs.lines import locate_bad_lines

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

BLOCK_BYTES = 4 << 20
KEEP_LINES = 10
Progress = Callable[[int, int], None]


@dataclass
class DataBlock:
    """Every valid row, grouped: `timestamps[bounds[i]:bounds[i+1]]` belong to `ids[i]`."""

    timestamps: np.ndarray
    values: np.ndarray
    ids: np.ndarray
    bounds: np.ndarray
    bad_rows: int
    bad_lines: list[int]


class _Grouper:
    """Groups each block by id as it arrives; `assemble` lays the groups out contiguously."""

    def __init__(self) -> None:
        self.pieces: list[tuple[np.ndarray, np.ndarray, list[int], list[int], list[int]]] = []
        self.totals: dict[int, int] = {}

    def add(self, t: np.ndarray, ids: np.ndarray, v: np.ndarray) -> None:
        import numpy as np

        if ids.size == 0:
            return
        low, high = int(ids.min()), int(ids.max())
        if low == high:
            starts, uids, counts = [0], [low], [ids.size]
            self.pieces.append((t.copy(), v.copy(), uids, starts, counts))
        else:
            keys = (ids - low).astype(np.uint16) if high - low < 1 << 16 else ids
            order = np.argsort(keys, kind="stable")
            sorted_ids = ids[order]
            edges = np.flatnonzero(sorted_ids[1:] != sorted_ids[:-1]) + 1
            first = np.concatenate(([0], edges))
            size = np.diff(np.append(first, ids.size))
            starts, uids, counts = first.tolist(), sorted_ids[first].tolist(), size.tolist()
            self.pieces.append((t[order], v[order], uids, starts, counts))
        for uid, count in zip(uids, counts, strict=True):
            self.totals[uid] = self.totals.get(uid, 0) + count

    def assemble(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(timestamps, values, ids, bounds), each id's run sorted by time (stable)."""
        import numpy as np

        ids = np.array(sorted(self.totals), dtype=np.int64)
        bounds = np.zeros(ids.size + 1, dtype=np.int64)
        np.cumsum([self.totals[i] for i in ids.tolist()], out=bounds[1:])
        position = dict(zip(ids.tolist(), bounds[:-1].tolist(), strict=True))
        times = np.empty(int(bounds[-1]), dtype=np.int64)
        values = np.empty(int(bounds[-1]), dtype=np.float64)
        self.pieces.reverse()
        while self.pieces:  # pop as we go: each block is freed once copied
            t, v, uids, starts, counts = self.pieces.pop()
            for uid, start, count in zip(uids, starts, counts, strict=True):
                at = position[uid]
                times[at : at + count] = t[start : start + count]
                values[at : at + count] = v[start : start + count]
                position[uid] = at + count
        _sort_runs(times, values, bounds)
        return times, values, ids, bounds


def _sort_runs(times: np.ndarray, values: np.ndarray, bounds: np.ndarray) -> None:
    """Sort, in place, each id's run that is not already in time order."""
    import numpy as np

    if times.size < 2:
        return
    drops = np.flatnonzero(times[1:] < times[:-1]) + 1
    if drops.size == 0:
        return
    runs = np.unique(np.searchsorted(bounds, drops, side="right") - 1)
    for run in runs.tolist():
        lo, hi = int(bounds[run]), int(bounds[run + 1])
        if np.any(times[lo + 1 : hi] < times[lo : hi - 1]):
            order = np.argsort(times[lo:hi], kind="stable")
            times[lo:hi] = times[lo:hi][order]
            values[lo:hi] = values[lo:hi][order]


class _NeedsTextMode(Exception):
    """pyarrow refused a value outright: read again with text columns."""


def read_rows(
    path: Path,
    offset: int,
    first_line: int,
    errors_limit: int,
    progress: Progress | None = None,
    hint: str = "",
) -> DataBlock:
    """Read the data rows from byte `offset` (line `first_line`) to the end of the file."""
    try:
        return _read(path, offset, first_line, errors_limit, progress, hint, text_mode=False)
    except _NeedsTextMode:
        return _read(path, offset, first_line, errors_limit, progress, hint, text_mode=True)


def _read(
    path: Path,
    offset: int,
    first_line: int,
    errors_limit: int,
    progress: Progress | None,
    hint: str,
    *,
    text_mode: bool,
) -> DataBlock:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    size = path.stat().st_size
    invalid = [0]

    def on_invalid(_row: object) -> str:
        invalid[0] += 1
        return "skip"

    grouper = _Grouper()
    null_rows: list[int] = []
    null_count = rows_seen = 0
    numeric = {"t": pa.int64(), "id": pa.int32(), "v": pa.float64()}
    with pa.OSFile(str(path)) as source:
        source.seek(offset)
        if offset < size:
            reader = pacsv.open_csv(
                source,
                read_options=pacsv.ReadOptions(column_names=list(numeric), block_size=BLOCK_BYTES),
                parse_options=pacsv.ParseOptions(
                    invalid_row_handler=on_invalid, ignore_empty_lines=False
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={k: pa.string() for k in numeric} if text_mode else numeric,
                    null_values=[""],
                    quoted_strings_can_be_null=True,
                ),
            )
            for batch in _batches(reader, text_mode):
                columns = _typed(batch, numeric) if text_mode else batch.columns
                if any(c.null_count for c in columns):
                    valid = pc.and_(
                        pc.and_(pc.is_valid(columns[0]), pc.is_valid(columns[1])),
                        pc.is_valid(columns[2]),
                    )
                    bad = np.flatnonzero(~valid.to_numpy(zero_copy_only=False))
                    null_count += bad.size
                    null_rows.extend((bad[:KEEP_LINES] + rows_seen).tolist()[:KEEP_LINES])
                    columns = [pc.filter(c, valid) for c in columns]
                rows_seen += batch.num_rows
                grouper.add(*(np.asarray(c.to_numpy()) for c in columns))
                bad_total = invalid[0] + null_count
                if 0 < errors_limit <= bad_total:
                    lines = locate_bad_lines(path, offset, first_line, null_rows[:KEEP_LINES])
                    raise TooManyParseErrors(
                        f"{path.name}: stopped after {bad_total} malformed data rows "
                        f"(limit {errors_limit}); first at lines "
                        f"{', '.join(map(str, lines))}. {hint}".rstrip(),
                        bad_total,
                        lines,
                    )
                if progress is not None:
                    progress(min(source.tell(), size), size)
    bad_total = invalid[0] + null_count
    lines = locate_bad_lines(path, offset, first_line, null_rows[:KEEP_LINES]) if bad_total else []
    times, values, ids, bounds = grouper.assemble()
    if progress is not None:
        progress(size, size)
    return DataBlock(times, values, ids, bounds, bad_total, lines)


def _batches(reader: pa.RecordBatchReader, text_mode: bool):
    """Iterate the reader's batches, turning pyarrow's refusals into clear outcomes."""
    import pyarrow as pa

    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowInvalid as exc:
            if not text_mode:
                raise _NeedsTextMode from exc
            raise LogParseError(f"cannot read the data rows: {exc}") from exc
        yield batch


def _typed(batch: pa.RecordBatch, types: dict[str, pa.DataType]) -> list[pa.Array]:
    """Text columns → typed columns, with null wherever a field is not a valid number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    patterns = {
        "t": r"^[+-]?[0-9]{1,18}$",
        "id": r"^[+-]?[0-9]{1,10}$",
        "v": r"^[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|inf|infinity|nan)$",
    }
    out = []
    for name, column in zip(types, batch.columns, strict=True):
        text = pc.utf8_trim_whitespace(column)
        ok = pc.fill_null(pc.match_substring_regex(text, patterns[name], ignore_case=True), False)
        wide = pa.int64() if name == "id" else types[name]
        number = pc.cast(pc.if_else(ok, text, "0"), wide)
        if name == "id":
            ok = pc.and_(ok, pc.and_(pc.greater_equal(number, -(2**31)), pc.less(number, 2**31)))
            number = pc.cast(pc.if_else(ok, number, 0), types[name])
        out.append(pc.if_else(ok, number, pa.scalar(None, types[name])))
    return out
