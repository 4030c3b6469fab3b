"""Data rows `timestamp,var_id,value` → per-id arrays, read in blocks by parallel threads.

The file is cut into newline-aligned blocks. Helper threads parse each block with
pyarrow's CSV reader into typed columns (rows with the wrong number of fields go to an
invalid-row handler and are counted; unparseable fields become nulls, counted and
dropped) and group it by id (stable radix argsort). The main thread appends each block's
groups, in file order, to one growable buffer per id, so memory stays close to the size
of the result. A block with a value pyarrow refuses outright is parsed again as raw bytes
and validated with regular expressions. `pyarrow.compute` (slow to import) is loaded only
for blocks with bad fields.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from perda_tui.logs.errors import LogParseError, TooManyParseErrors
from perda_tui.logs.lines import locate_bad_lines
from perda_tui.progress import ProgressCallback

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

BLOCK_BYTES = 4 << 20
PARSERS = 2
LONGEST_LINE = 64 << 20
# What the text fallback accepts: a subset of what pyarrow's cast parses (it refuses "+5"
# for integers and accepts "0x1A"), so casting the matching fields never fails. A 19-digit
# timestamp is accepted only up to the int64 limit (`LONGEST_TIMES`, compared as text).
PATTERNS = {
    "t": r"^-?[0-9]{1,18}$",
    "id": r"^-?[0-9]{1,10}$",
    "v": r"^[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|inf|infinity|nan)$",
}
LONG_TIME = r"^-?[0-9]{19}$"
LONGEST_TIMES = (b"9223372036854775807", b"-9223372036854775808")
KEEP_LINES = 10
COLUMN_TYPES = {"t": "int64", "id": "int32", "v": "double"}
#: Smallest buffer per id: an id's memory follows its samples (300,000 ids of one row
#: each once needed 2.7 GB when every id started with 4,096 slots).
MIN_CAPACITY = 16
#: Data rows from this size on go to file-backed buffers when a scratch folder is given.
SCRATCH_BYTES = 256 << 20


@dataclass
class DataBlock:
    """Every valid row grouped by id: `arrays[id] = (timestamps, values)`, sorted by time;
    `out_of_order[id]` the rows that came before their predecessor's time (ids with any)."""

    arrays: dict[int, tuple[np.ndarray, np.ndarray]]
    bad_rows: int
    bad_lines: list[int]
    out_of_order: dict[int, int]


class _Grouper:
    """Groups each block by id as it arrives, appending to one growable buffer per id.

    Buffers are sized from the id's share of the file read so far (with headroom) and are
    allocated with `np.empty`: pages never written cost no memory, so over-allocating is
    free while copying everything a second time (and holding it twice) is avoided. With
    `scratch`, buffers are backed by unlinked files there (`scratch.file_backed_empty`).
    """

    def __init__(self, scratch: Path | None = None) -> None:
        self.buffers: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.fill: dict[int, int] = {}
        self.scratch = scratch

    def add(self, block: _Parsed, done: float) -> None:
        """Append one block's groups; `done` is the fraction of the file read so far (0..1]."""
        for uid, start, count in zip(block.uids, block.starts, block.counts, strict=True):
            at = self.fill.get(uid, 0)
            times, values = self._room(uid, at + count, done)
            times[at : at + count] = block.times[start : start + count]
            values[at : at + count] = block.values[start : start + count]
            self.fill[uid] = at + count

    def _room(self, uid: int, needed: int, done: float) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        current = self.buffers.get(uid)
        if current is not None and current[0].size >= needed:
            return current
        capacity = max(int(needed / max(done, 1e-3) * 1.15), needed * 3 // 2, MIN_CAPACITY)
        grown = self._empty(capacity, np.int64), self._empty(capacity, np.float64)
        if current is not None:
            filled = self.fill[uid]
            grown[0][:filled] = current[0][:filled]
            grown[1][:filled] = current[1][:filled]
        self.buffers[uid] = grown
        return grown

    def _empty(self, count: int, dtype: type[np.generic]) -> np.ndarray:
        import numpy as np

        if self.scratch is None:
            return np.empty(count, dtype=dtype)
        from perda_tui.logs.scratch import file_backed_empty

        return file_backed_empty(self.scratch, count, dtype)

    def result(self) -> tuple[dict[int, tuple[np.ndarray, np.ndarray]], dict[int, int]]:
        """Per id (ascending), views of the filled part, each sorted by time (stable), and
        per id with any, the rows that came before their predecessor's time."""
        import numpy as np

        out, late = {}, {}
        for uid in sorted(self.buffers):
            times, values = self.buffers[uid]
            n = self.fill[uid]
            times, values = times[:n], values[:n]
            behind = int(np.count_nonzero(times[1:] < times[:-1])) if n > 1 else 0
            if behind:
                late[uid] = behind
                order = np.argsort(times, kind="stable")
                times[:], values[:] = times[order], values[order]
            out[uid] = times, values
        return out, late


def read_rows(
    path: Path,
    offset: int,
    first_line: int,
    errors_limit: int,
    progress: ProgressCallback | None = None,
    hint: str = "",
    scratch: Path | None = None,
) -> DataBlock:
    """Read the data rows from byte `offset` (line `first_line`) to the end of the file;
    with `scratch`, a folder, the buffers of SCRATCH_BYTES of rows or more are file-backed
    there (bounded resident memory for big logs)."""
    size = path.stat().st_size
    grouper = _Grouper(scratch if size - offset >= SCRATCH_BYTES else None)
    null_rows: list[int] = []
    bad_total = rows_seen = 0
    spare: list[bytearray] = []
    blocks = _blocks(path, offset, spare)
    pending = deque(_ParseJob(b, spare) for b in islice(blocks, PARSERS))
    try:
        while pending:
            block = pending.popleft().result()
            pending.extend(_ParseJob(b, spare) for b in islice(blocks, 1))
            bad_total += block.invalid + block.null_count
            null_rows += [rows_seen + i for i in block.null_rows[: KEEP_LINES - len(null_rows)]]
            rows_seen += block.rows
            grouper.add(block, done=(block.end - offset) / (size - offset))
            if 0 < errors_limit <= bad_total:
                lines = locate_bad_lines(path, offset, first_line, null_rows)
                raise TooManyParseErrors(
                    f"{path.name}: stopped after {bad_total} malformed data rows "
                    f"(limit {errors_limit}); first at lines {', '.join(map(str, lines))}. "
                    f"{hint}".rstrip(),
                    bad_total,
                    lines,
                )
            if progress is not None:
                progress(block.end, size)
    finally:
        for job in pending:  # leave nothing running behind an error
            job.join()
    lines = locate_bad_lines(path, offset, first_line, null_rows) if bad_total else []
    if progress is not None:
        progress(size, size)
    arrays, late = grouper.result()
    return DataBlock(arrays, bad_total, lines, late)


@dataclass(frozen=True)
class _Block:
    """Whole lines of the file, without copying: `data` views `buffer` (None: a buffer of
    its own), which goes back to the spare buffers once the block is parsed."""

    data: memoryview
    end: int  # byte position in the file just after the block
    buffer: bytearray | None


def _blocks(path: Path, offset: int, spare: list[bytearray]) -> Iterator[_Block]:
    """Newline-aligned pieces of the file from `offset` (each line in exactly one piece),
    read into a buffer from `spare` when one is big enough: a reused buffer costs no page
    faults (a new one costs one per 4 KiB, a third of the reading time)."""
    with path.open("rb", buffering=0) as stream:
        stream.seek(offset)
        position, carry = offset, b""
        while True:
            wanted = len(carry) + BLOCK_BYTES
            buffer = _spare_buffer(spare, wanted)
            view = memoryview(buffer)
            view[: len(carry)] = carry
            size = len(carry) + (stream.readinto(view[len(carry) : wanted]) or 0)
            if size == len(carry):
                if carry:
                    yield _Block(memoryview(carry), position + len(carry), None)
                return
            cut = buffer.rfind(b"\n", 0, size) + 1
            if cut == 0 and size < LONGEST_LINE:
                carry = bytes(view[:size])
                spare.append(buffer)
                continue
            cut = cut or size  # garbage without newlines: bounded memory, bad rows
            carry = bytes(view[cut:size])
            position += cut
            yield _Block(view[:cut], position, buffer)


def _spare_buffer(spare: list[bytearray], size: int) -> bytearray:
    """A buffer of at least `size` bytes: a spare one (smaller ones are dropped) or new."""
    while spare:
        buffer = spare.pop()
        if len(buffer) >= size:
            return buffer
    return bytearray(size)


class _ParseJob(threading.Thread):
    """Parses one block in its own thread (pyarrow and numpy release the GIL)."""

    def __init__(self, block: _Block, spare: list[bytearray]) -> None:
        super().__init__(name="perda-parse", daemon=True)
        self._block: _Block | None = block
        self._spare = spare
        self._outcome: _Parsed | BaseException | None = None
        self.start()

    def run(self) -> None:
        block, self._block = self._block, None  # the buffer is reused once parsed
        try:
            if block is None:
                raise RuntimeError("a parse job runs once")
            self._outcome = _parse(block)
            if block.buffer is not None:
                self._spare.append(block.buffer)  # nothing parsed refers to its bytes
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
            self._outcome = exc

    def result(self) -> _Parsed:
        self.join()
        outcome = self._outcome
        if isinstance(outcome, _Parsed):
            return outcome
        raise outcome if outcome is not None else RuntimeError("the parse job did not run")


@dataclass
class _Parsed:
    """One block, parsed and grouped: `times[starts[i]:starts[i]+counts[i]]` are `uids[i]`'s."""

    times: np.ndarray
    values: np.ndarray
    uids: list[int]
    starts: list[int]
    counts: list[int]
    rows: int
    invalid: int
    null_count: int
    null_rows: list[int]
    end: int


def _parse(block: _Block) -> _Parsed:
    """Parse one block (in a helper thread) and group its valid rows by id."""
    import numpy as np

    columns, invalid = _read_block(block)
    rows, null_count, null_rows = len(columns[0]), 0, []
    if any(c.null_count for c in columns):
        import pyarrow.compute as pc  # ~0.25 s to import: only when a block has bad fields

        valid = pc.and_(
            pc.and_(pc.is_valid(columns[0]), pc.is_valid(columns[1])), pc.is_valid(columns[2])
        )
        bad = pc.indices_nonzero(pc.invert(valid))
        null_count, null_rows = len(bad), bad.slice(0, KEEP_LINES).to_pylist()
        columns = [pc.filter(c, valid) for c in columns]
    t, ids, v = (_numpy(c) for c in columns)
    if ids.size == 0:
        return _Parsed(t, v, [], [], [], rows, invalid, null_count, null_rows, block.end)
    low, high = int(ids.min()), int(ids.max())
    if low == high:
        return _Parsed(
            t, v, [low], [0], [ids.size], rows, invalid, null_count, null_rows, block.end
        )
    if high - low < 1 << 16:  # the usual case: radix sort on 16-bit keys, counts by bincount
        keys = (ids - low).astype(np.uint16)
        order = np.argsort(keys, kind="stable")
        per_key = np.bincount(keys, minlength=high - low + 1)
        present = np.flatnonzero(per_key)
        uids, counts = present + low, per_key[present]
    else:
        order = np.argsort(ids, kind="stable")
        uids, counts = np.unique(ids, return_counts=True)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return _Parsed(
        t[order],
        v[order],
        uids.tolist(),
        starts.tolist(),
        counts.tolist(),
        rows,
        invalid,
        null_count,
        null_rows,
        block.end,
    )


def _read_block(block: _Block) -> tuple[list[pa.ChunkedArray], int]:
    """Typed columns (null where a field is not a number) and the count of invalid rows."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = _types()
    invalid = [0]

    def on_invalid(_row: object) -> str:
        invalid[0] += 1
        return "skip"

    def read(types: dict[str, pa.DataType], data: memoryview | bytes) -> pa.Table:
        invalid[0] = 0
        return pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(
                column_names=list(COLUMN_TYPES), block_size=len(data) + 1, use_threads=False
            ),
            parse_options=pacsv.ParseOptions(
                invalid_row_handler=on_invalid, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(column_types=types, null_values=[""]),
        )

    data: memoryview | bytes = block.data
    if not _is_ascii(block.data):  # the invalid-row handler cannot be called for a non-UTF-8 row
        data = bytes(data).decode("utf-8", errors="replace").encode()
    try:
        columns = read(types, data).columns
    except pa.ArrowInvalid:  # a value pyarrow refuses outright: parse as text, then check
        try:
            columns = _typed(read(dict.fromkeys(types, pa.binary()), data))
        except pa.ArrowInvalid as exc:
            raise LogParseError(f"cannot read the data rows: {exc}") from exc
    return columns, invalid[0]


def _is_ascii(data: memoryview) -> bool:
    import numpy as np

    return not len(data) or int(np.frombuffer(data, np.uint8).max()) < 0x80


def _types() -> dict[str, pa.DataType]:
    import pyarrow as pa

    return {name: pa.type_for_alias(alias) for name, alias in COLUMN_TYPES.items()}


def _numpy(column: pa.ChunkedArray) -> np.ndarray:
    """A null-free numeric column as numpy, straight from its buffers: zero-copy for one
    chunk, and without pyarrow's `to_numpy`, whose first call imports pandas (~0.3 s)."""
    import numpy as np

    dtype = np.dtype(column.type.to_pandas_dtype())
    chunks = [
        np.frombuffer(
            chunk.buffers()[1], dtype=dtype, count=len(chunk), offset=chunk.offset * dtype.itemsize
        )
        for chunk in column.chunks
    ]
    if len(chunks) == 1:
        return chunks[0]
    return np.concatenate(chunks) if chunks else np.empty(0, dtype)


def _typed(table: pa.Table) -> list[pa.ChunkedArray]:
    """Raw byte columns (any encoding) → typed columns, null wherever a field is not a
    valid number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    types = _types()
    out = []
    for name, column in zip(types, table.columns, strict=True):
        text = pc.replace_substring_regex(column, r"^\s+|\s+$", b"")
        ok = pc.fill_null(pc.match_substring_regex(text, PATTERNS[name], ignore_case=True), False)
        if name == "t":
            ok = pc.or_(ok, _fits_int64(text))
        wide = pa.int64() if name == "id" else types[name]
        number = pc.cast(pc.cast(pc.if_else(ok, text, b"0"), pa.string()), wide)
        if name == "id":
            in_range = pc.and_(pc.greater_equal(number, -(2**31)), pc.less(number, 2**31))
            ok = pc.and_(ok, in_range)
            number = pc.cast(pc.if_else(ok, number, 0), types[name])
        out.append(pc.if_else(ok, number, pa.scalar(None, types[name])))
    return out


def _fits_int64(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """True for 19-digit integers within int64 (same length: text order is number order)."""
    import pyarrow.compute as pc

    largest, smallest = LONGEST_TIMES
    limit = pc.if_else(pc.starts_with(text, "-"), smallest, largest)
    fits = pc.and_(pc.match_substring_regex(text, LONG_TIME), pc.less_equal(text, limit))
    return pc.fill_null(fits, False)
