"""A parsed log on disk: Arrow IPC files for the samples and pyramids, `meta.json` for the rest.

One folder per log:

- `samples-<token>.arrow`: an Arrow IPC file (Feather v2, uncompressed) with columns
  `signal` (dictionary-encoded name), `timestamp` (int64, raw units of the log) and `value`
  (float64). Each signal's rows are contiguous and sorted by time, signals in log order;
  the schema metadata holds the header, time unit and recording time. pyarrow, polars and
  DuckDB read it as it is.
- `pyramids-<token>.arrow`: every level of every signal's min/max pyramid (columns
  `start`, `min`, `max`).
- `meta.json`: a SHA-256 line, then JSON: what the parser saw (header, warnings, bad lines),
  each signal's name, id, description, sample count, rows out of time order and byte
  offsets in the files, the size and a sampled CRC of each file, and whatever identity the
  caller stores.

`meta.json` is written last, by atomic rename: until it names them, the Arrow files are
not part of the entry, so a crash mid-write leaves the previous entry or none. Reading maps
the files (`mmap`) and views them with numpy: no pyarrow import, no copy, pages load when
a signal is read. Anything inconsistent (a file missing, resized or with a different
sampled CRC, the JSON damaged) makes `read_entry` return None: the caller parses again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import zlib
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from perda_tui.logs.log import Log
from perda_tui.logs.pyramid import BLOCK, FACTOR, Level, level_lengths, levels
from perda_tui.logs.signal import Signal
from perda_tui.private_files import private_mkdir, private_open_binary, private_write_atomic

if TYPE_CHECKING:
    import pyarrow as pa

META = "meta.json"
FORMAT = 1
#: Rows per record batch; a longer signal gets a batch of its own (written without a copy).
BATCH_ROWS = 1 << 20
#: Bytes checked by the sampled CRC: head, tail, and `CRC_PAGES` pages spread between.
CRC_EDGE = 64 << 10
CRC_PAGES = 64
CRC_PAGE = 4096
ARROW_MAGIC = b"ARROW1"


def write_entry(folder: Path, log: Log, identity: dict[str, Any]) -> None:
    """Store `log` in `folder` (replacing what was there); `identity` is kept in the meta."""
    import secrets

    private_mkdir(folder)
    token = secrets.token_hex(6)
    samples, pyramids = f"samples-{token}.arrow", f"pyramids-{token}.arrow"
    signals = list(log)
    try:
        sample_at = _write_samples(folder / samples, log, signals)
        pyramid_at = _write_pyramids(folder / pyramids, signals)
        doc = {
            "format": FORMAT,
            "identity": identity,
            "source": log.source,
            "header": log.header,
            "time_unit": log.time_unit,
            "recording_time": log.recording_time.isoformat() if log.recording_time else None,
            "parse_errors": log.parse_errors,
            "bad_lines": log.bad_lines,
            "warnings": log.warnings,
            "span": [log.start_time, log.end_time],
            "files": {name: _file_check(folder / name) for name in (samples, pyramids)},
            "samples": samples,
            "pyramids": pyramids,
            "signals": [
                {
                    "name": s.name,
                    "description": s.description,
                    "id": s.id,
                    "count": len(s),
                    "out_of_order": s.out_of_order,
                    "at": sample_at[i],
                    "levels": pyramid_at[i],
                }
                for i, s in enumerate(signals)
            ],
        }
        body = json.dumps(doc, separators=(",", ":"))
        private_write_atomic(folder / META, f"{_digest(body)}\n{body}")
    except BaseException:
        for name in (samples, pyramids):
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()
        raise
    for stale in folder.glob("*.arrow"):  # the previous generation (mapped ones live on)
        if stale.name not in (samples, pyramids):
            stale.unlink(missing_ok=True)


def read_meta(folder: Path) -> dict[str, Any] | None:
    """The entry's meta document if it is intact (its digest matches), else None."""
    try:
        text = (folder / META).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    digest, _, body = text.partition("\n")
    if digest != _digest(body):
        return None
    try:
        doc = json.loads(body)
    except json.JSONDecodeError:
        return None
    return doc if isinstance(doc, dict) and doc.get("format") == FORMAT else None


def read_entry(folder: Path, identity: dict[str, Any]) -> Log | None:
    """The stored log, mapped from disk, if the entry is intact and its identity is
    `identity`; None otherwise (missing, stale or damaged)."""
    meta = read_meta(folder)
    if meta is None or meta.get("identity") != identity:
        return None
    try:
        return _mapped_log(folder, meta)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def entry_bytes(folder: Path) -> int:
    """Disk space used by the entry's files."""
    total = 0
    for path in folder.iterdir():
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total


# -- writing -------------------------------------------------------------------------------


def _write_samples(path: Path, log: Log, signals: list[Signal]) -> list[list[int]]:
    """Write the samples file; per signal [timestamp byte offset, value byte offset]."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    names = list(dict.fromkeys(s.name for s in signals))
    index = {name: i for i, name in enumerate(names)}
    dictionary = _strings(names)
    schema = pa.schema(
        [
            ("signal", pa.dictionary(pa.int32(), pa.string())),
            ("timestamp", pa.int64()),
            ("value", pa.float64()),
        ],
        metadata={
            "perda.header": log.header,
            "perda.time_unit": log.time_unit,
            "perda.recording_time": log.recording_time.isoformat() if log.recording_time else "",
        },
    )
    batches = list(_batches(signals))
    private_open_binary(path).close()  # created user-only; pyarrow keeps the mode
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, schema) as writer:
        for batch in batches:
            ids = np.repeat(
                np.array([index[s.name] for s in batch], np.int32), [len(s) for s in batch]
            )
            times = _joined([s.timestamps for s in batch], np.int64)
            values = _joined([s.values for s in batch], np.float64)
            writer.write_batch(
                pa.RecordBatch.from_arrays(
                    [
                        pa.DictionaryArray.from_arrays(_arrow(ids), dictionary),
                        _arrow(times),
                        _arrow(values),
                    ],
                    schema=schema,
                )
            )
    _sync(path)
    offsets = _buffer_offsets(path, ("timestamp", "value"))
    at: list[list[int]] = []
    for number, batch in enumerate(batches):
        row = 0
        for signal in batch:
            t0, v0 = offsets[number]
            at.append([t0 + 8 * row, v0 + 8 * row])
            row += len(signal)
    return at


def _write_pyramids(path: Path, signals: list[Signal]) -> list[list[list[int]]]:
    """Write every pyramid into one batch; per signal, per level [row of its first block]."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    starts: list[np.ndarray] = []
    mins: list[np.ndarray] = []
    maxs: list[np.ndarray] = []
    rows: list[list[int]] = []
    row = 0
    for signal in signals:
        placed = []
        for level in levels(signal):
            placed.append(row)
            starts.append(level.starts)
            mins.append(level.mins)
            maxs.append(level.maxs)
            row += len(level.starts)
        rows.append(placed)
    columns = [_joined(starts, np.int64), _joined(mins, np.float64), _joined(maxs, np.float64)]
    schema = pa.schema([("start", pa.int64()), ("min", pa.float64()), ("max", pa.float64())])
    batch = pa.RecordBatch.from_arrays([_arrow(c) for c in columns], schema=schema)
    private_open_binary(path).close()
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, schema) as writer:
        writer.write_batch(batch)
    _sync(path)
    base = _buffer_offsets(path, ("start", "min", "max"))[0]
    return [[[b + 8 * r for b in base] for r in placed] for placed in rows]


def _batches(signals: Sequence[Signal]) -> Iterator[list[Signal]]:
    """Consecutive signals grouped into batches of about `BATCH_ROWS` rows."""
    batch: list[Signal] = []
    rows = 0
    for signal in signals:
        if batch and rows + len(signal) > BATCH_ROWS:
            yield batch
            batch, rows = [], 0
        batch.append(signal)
        rows += len(signal)
    if batch:
        yield batch


def _joined(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
    """One array of `arrays` (the only one itself, without a copy)."""
    if len(arrays) == 1:
        return np.ascontiguousarray(arrays[0], dtype=dtype)
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.empty(0, dtype)


def _arrow(array: np.ndarray) -> pa.Array:
    """A numpy array as an Arrow array, without a copy (and without `pa.array`, whose first
    call imports pandas: seconds on a Pi)."""
    import pyarrow as pa

    return pa.Array.from_buffers(
        pa.from_numpy_dtype(array.dtype), len(array), [None, pa.py_buffer(array)]
    )


def _strings(texts: list[str]) -> pa.Array:
    """An Arrow string array built from its buffers (see `_arrow`)."""
    import pyarrow as pa

    encoded = [text.encode("utf-8", "replace") for text in texts]
    offsets = np.zeros(len(encoded) + 1, np.int32)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    data = pa.py_buffer(b"".join(encoded))
    return pa.Array.from_buffers(pa.string(), len(encoded), [None, pa.py_buffer(offsets), data])


def _buffer_offsets(path: Path, columns: Sequence[str]) -> list[list[int]]:
    """Per record batch, the byte offset in the file of each column's data buffer."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    with pa.memory_map(str(path)) as source:
        base = source.read_buffer(1).address  # a memory map's buffers are views of it
        source.seek(0)
        reader = ipc.open_file(source)
        out = []
        for number in range(reader.num_record_batches):
            batch = reader.get_batch(number)
            out.append([_data_offset(batch.column(name), base) for name in columns])
        return out


def _data_offset(array: pa.Array, base: int) -> int:
    """Where `array`'s values start in the mapped file (0 when it has none)."""
    buffer = array.buffers()[1]
    if len(array) == 0 or buffer is None:
        return 0
    if array.offset:
        raise ValueError("unexpected Arrow layout")
    return int(buffer.address) - base


def _sync(path: Path) -> None:
    """Flush `path` to disk, then drop it from the page cache: the parse is over, and pages
    read back later come in small pieces (a freshly written file sits in the cache in large
    folios, and touching one maps the whole folio into the reader's memory)."""
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())
        os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


# -- checks --------------------------------------------------------------------------------


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def _file_check(path: Path) -> dict[str, int]:
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        return {"size": size, "crc": _sampled_crc(handle.fileno(), size)}


def _sampled_crc(fd: int, size: int) -> int:
    """CRC-32 of the head, the tail and pages spread over the file: catches truncation,
    zeroed or overwritten regions without reading the whole file. Read with `pread`, not
    through the map: a touched page of a map can bring a whole large folio (megabytes)
    into the process's resident memory."""
    crc = zlib.crc32(os.pread(fd, CRC_EDGE, 0))
    crc = zlib.crc32(os.pread(fd, CRC_EDGE, max(0, size - CRC_EDGE)), crc)
    for start in np.linspace(0, max(0, size - CRC_PAGE), CRC_PAGES).astype(int).tolist():
        crc = zlib.crc32(os.pread(fd, CRC_PAGE, start), crc)
    return crc


def _mapped(folder: Path, name: str, check: dict[str, int]) -> mmap.mmap:
    """`folder/name` mapped read-only, if its size, Arrow magic and sampled CRC are right."""
    path = folder / Path(name).name
    with path.open("rb") as handle:
        fd, size = handle.fileno(), check["size"]
        if os.fstat(fd).st_size != size or size < 2 * len(ARROW_MAGIC):
            raise ValueError(f"{name} has the wrong size")
        ends = os.pread(fd, len(ARROW_MAGIC), 0), os.pread(fd, len(ARROW_MAGIC), size - 6)
        if ends != (ARROW_MAGIC, ARROW_MAGIC) or _sampled_crc(fd, size) != check["crc"]:
            raise ValueError(f"{name} is damaged")
        return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)


# -- reading -------------------------------------------------------------------------------


def _mapped_log(folder: Path, meta: dict[str, Any]) -> Log:
    files = meta["files"]
    samples = _Words(_mapped(folder, meta["samples"], files[meta["samples"]]))
    pyramids = _Words(_mapped(folder, meta["pyramids"], files[meta["pyramids"]]))
    unit = meta["time_unit"]
    signals = []
    for doc in meta["signals"]:
        count = int(doc["count"])
        t_at, v_at = (int(x) for x in doc["at"])
        signal = Signal._from_sorted(
            samples.ints(count, t_at),
            samples.floats(count, v_at),
            str(doc["name"]),
            str(doc["description"]),
            doc["id"],
            unit,
            int(doc["out_of_order"]),
        )
        signal.pyramid = _levels(pyramids, count, doc["levels"])
        signals.append(signal)
    recorded = meta["recording_time"]
    return Log(
        signals,
        header=meta["header"],
        time_unit=unit,
        recording_time=datetime.fromisoformat(recorded) if recorded else None,
        parse_errors=int(meta["parse_errors"]),
        bad_lines=meta["bad_lines"],
        warnings=meta["warnings"],
        source=meta["source"],
        span=(_time(meta["span"][0]), _time(meta["span"][1])),
    )


def _time(value: object) -> int | None:
    if value is None or isinstance(value, int):
        return value
    raise ValueError("a time in the meta is not an integer")


class _Words:
    """A mapped file as 8-byte words, int64 and float64: each array is a slice of one view
    of the whole file (cheaper than a `np.frombuffer` per array, for thousands of them)."""

    def __init__(self, data: mmap.mmap) -> None:
        self._ints = np.frombuffer(data, dtype=np.int64, count=len(data) // 8)
        self._floats = self._ints.view(np.float64)

    def ints(self, count: int, at: int) -> np.ndarray:
        """`count` int64 from byte `at`."""
        return self._slice(self._ints, count, at)

    def floats(self, count: int, at: int) -> np.ndarray:
        """`count` float64 from byte `at`."""
        return self._slice(self._floats, count, at)

    @staticmethod
    def _slice(words: np.ndarray, count: int, at: int) -> np.ndarray:
        if count < 0 or at < 0 or at % 8 or at // 8 + count > len(words):
            raise ValueError("an offset points outside its file")
        return words[at // 8 : at // 8 + count]


def _levels(data: _Words, samples: int, placed: list[list[int]]) -> tuple[Level, ...]:
    lengths = level_lengths(samples)
    if len(placed) != len(lengths):
        raise ValueError("the pyramid does not fit the signal")
    size = BLOCK
    out = []
    for (s_at, lo_at, hi_at), length in zip(placed, lengths, strict=True):
        out.append(
            Level(
                data.ints(length, s_at),
                data.floats(length, lo_at),
                data.floats(length, hi_at),
                size,
            )
        )
        size *= FACTOR
    return tuple(out)
