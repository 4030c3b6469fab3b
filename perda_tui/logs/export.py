"""Export signals (optionally a time window) to a PER log CSV or to Parquet."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import numpy as np

from perda_tui.logs.clock import wall_clock_array
from perda_tui.logs.signal import Signal


def _prepare(
    signals: Iterable[Signal], start: float | None, end: float | None
) -> tuple[list[Signal], list[int], str]:
    """Trimmed signals, one unique id each (kept when possible), and their common time unit."""
    chosen = [s.trim(start, end) for s in signals]
    units = {s.time_unit for s in chosen}
    if len(units) > 1:
        raise ValueError("cannot export signals with different time units together")
    ids: list[int] = []
    taken = {s.id for s in chosen if s.id is not None}
    used: set[int] = set()
    spare = max(taken, default=0) + 1
    for signal in chosen:
        if signal.id is not None and signal.id not in used:
            ident = signal.id
        else:
            while spare in taken or spare in used:
                spare += 1
            ident = spare
        ids.append(ident)
        used.add(ident)
    return chosen, ids, units.pop() if units else "us"


def _mapping_line(name: str, description: str, ident: int) -> str:
    """`Value Desc (name): id` that parses back to the same name: parentheses in a name
    (derived signals such as `((a + b) / 2)`) become brackets, line breaks spaces."""
    table = str.maketrans({"(": "[", ")": "]", "\n": " ", "\r": " "})
    name = (name or f"signal.{ident}").translate(table).replace(": ", ":")
    description = description.replace("\n", " ").replace("\r", " ")
    return f"Value {description} ({name}): {ident}" if description else f"Value {name}: {ident}"


def per_csv_header(
    recording_time: datetime | None, time_unit: str, mappings: Iterable[tuple[str, str, int]]
) -> bytes:
    """Line 1 and the `Value` lines of a PER log CSV, one per (name, description, id)."""
    stamp = f" {recording_time.strftime('%a %b %d %H:%M:%S %Y')}" if recording_time else ""
    lines = [f"PER Log:{stamp} {'v2.0' if time_unit == 'us' else 'v1.0'}"]
    lines += [_mapping_line(name, description, ident) for name, description, ident in mappings]
    return ("\n".join(lines) + "\n").encode()


def write_per_csv_rows(
    out: BinaryIO, times: np.ndarray, ids: np.ndarray, values: np.ndarray
) -> None:
    """Append data rows `timestamp,id,value` (values with round-trip precision) to `out`;
    call it once per chunk to stream a log larger than memory."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.table({"t": times, "id": ids, "v": values})
    pacsv.write_csv(table, out, pacsv.WriteOptions(include_header=False, quoting_style="none"))


def _rows(chosen: list[Signal]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All samples merged in time order (ties keep signal order): times, the index of each
    sample's signal in `chosen`, values."""
    times = np.concatenate([s.timestamps for s in chosen] or [np.empty(0, np.int64)])
    values = np.concatenate([s.values for s in chosen] or [np.empty(0)])
    which = np.repeat(np.arange(len(chosen), dtype=np.int32), [len(s) for s in chosen])
    order = np.argsort(times, kind="stable")
    return times[order], which[order], values[order]


def _publish(path: Path, write: Callable[[Path], None], *, overwrite: bool) -> Path:
    """Call `write` on a temporary file beside `path`, then give it `path`'s name: a
    failed export leaves no partial file, and never destroys an existing one.

    Without `overwrite`, an existing `path` raises `FileExistsError` (checked atomically
    by a hard link where the file system has them).
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        write(temporary)
        if overwrite:
            os.replace(temporary, path)
            return path
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise
        except OSError:  # no hard links here (FAT on a USB stick): check, then rename
            if path.exists():
                raise FileExistsError(f"{path} exists") from None
            os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return path


def export_csv(
    signals: Iterable[Signal],
    path: str | Path,
    start: float | None = None,
    end: float | None = None,
    *,
    recording_time: datetime | None = None,
    overwrite: bool = True,
) -> Path:
    """Write a PER log CSV (header, `Value` lines, rows in time order) that `Log.load` reads back.

    `start`/`end` select a window in raw units. Values are written with round-trip precision.
    Timestamps are kept as they are and `recording_time` goes in the header, so every sample
    keeps its wall-clock time (`Log.wall_clock`) in the export. Without `overwrite`, an
    existing file raises `FileExistsError`; a failed export leaves nothing behind.
    """
    chosen, ids, unit = _prepare(signals, start, end)
    header = per_csv_header(
        recording_time, unit, [(s.name, s.description, i) for s, i in zip(chosen, ids, strict=True)]
    )
    times, which, values = _rows(chosen)

    def write(target: Path) -> None:
        with target.open("wb") as out:
            out.write(header)
            write_per_csv_rows(out, times, np.array(ids, dtype=np.int32)[which], values)

    return _publish(Path(path), write, overwrite=overwrite)


def export_parquet(
    signals: Iterable[Signal],
    path: str | Path,
    start: float | None = None,
    end: float | None = None,
    *,
    recording_time: datetime | None = None,
    overwrite: bool = True,
) -> Path:
    """Write a long table (timestamp int64, signal dictionary string, value float64).

    The time unit, recording time and each signal's id and description are kept in the
    schema metadata; with a `recording_time`, a `wall_clock` column (timestamp[us]) holds
    each sample's wall-clock time (`Log.wall_clock`). `overwrite` as in `export_csv`.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    chosen, ids, unit = _prepare(signals, start, end)
    names = [s.name or f"signal.{i}" for s, i in zip(chosen, ids, strict=True)]
    times, which, values = _rows(chosen)
    signal = pa.DictionaryArray.from_arrays(pa.array(which), pa.array(names, pa.string()))
    meta = {
        "time_unit": unit,
        "recording_time": recording_time.isoformat() if recording_time else None,
        "signals": [
            {"name": n, "id": i, "description": s.description}
            for n, i, s in zip(names, ids, chosen, strict=True)
        ],
    }
    columns: dict[str, object] = {"timestamp": times, "signal": signal, "value": values}
    clock = wall_clock_array(recording_time, times, unit)
    if clock is not None:
        columns["wall_clock"] = pa.array(clock, pa.timestamp("us"))
    table = pa.table(columns).replace_schema_metadata({"perda_tui": json.dumps(meta)})
    return _publish(Path(path), lambda target: pq.write_table(table, target), overwrite=overwrite)
