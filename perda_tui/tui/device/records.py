"""What the device screen keeps on disk: acquisitions and recordings as PER logs, the
write log and value snapshots. No Textual here: the CLI twins use it too.

Everything lands under the cache folder (`device/…`), created user-only.
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import numpy as np

from perda_tui.clients.scrutiny import DataloggingAcquisition
from perda_tui.logs import Log
from perda_tui.logs.export import export_csv, per_csv_header
from perda_tui.logs.signal import Signal
from perda_tui.private_files import PRIVATE_FILE_MODE, private_mkdir, private_write_atomic

#: The signal of a recording that says whether the server was reachable (1) or not (0).
CONNECTED_SIGNAL = "scrutiny.connected"
#: Snapshot files hold at most this many values.
MAX_SNAPSHOT = 10_000
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

Scalar = float | int | bool


def device_dir(cache_dir: Path, kind: str) -> Path:
    """`cache_dir/device/kind` (acquisitions, recordings, snapshots), created user-only."""
    folder = cache_dir / "device" / kind
    private_mkdir(folder)
    return folder


def safe_name(text: str, fallback: str = "unnamed") -> str:
    """`text` as a file name: letters, digits, `._-` only, at most 80 characters."""
    return _UNSAFE.sub("_", text).strip("._")[:80] or fallback


# -- acquisitions -------------------------------------------------------------------------


def acquisition_signals(acquisition: DataloggingAcquisition) -> list[Signal]:
    """The acquisition's series as log signals: timestamps in µs from the first sample
    when the x axis is time, else the sample index (µs = index)."""
    x = acquisition.xdata.data
    timed = "time" in acquisition.xdata.name.lower() and bool(np.isfinite(x).all())
    if timed and len(x):
        stamps = np.round((x - x[0]) * 1e6).astype(np.int64)
    else:
        stamps = np.arange(len(x), dtype=np.int64)
    order = np.argsort(stamps, kind="stable")
    signals = []
    for ident, series in enumerate(acquisition.signals, start=1):
        name = series.logged_path or series.name or f"signal.{ident}"
        signals.append(Signal(stamps[order], series.data[order], name=name, id=ident))
    return signals


def acquisition_log(acquisition: DataloggingAcquisition, source: str = "") -> Log:
    """The acquisition as a `Log` (recording time: when it was taken)."""
    when = acquisition.acq_time.astimezone(UTC).replace(tzinfo=None)
    return Log(
        acquisition_signals(acquisition),
        header=f"Scrutiny acquisition {acquisition.name or acquisition.reference_id}",
        recording_time=when,
        source=source,
    )


def export_acquisition(acquisition: DataloggingAcquisition, path: Path) -> Path:
    """Write the acquisition as a PER log CSV that `perda-tui open` reads back."""
    when = acquisition.acq_time.astimezone(UTC).replace(tzinfo=None)
    return export_csv(acquisition_signals(acquisition), path, recording_time=when)


def keep_acquisition(cache_dir: Path, acquisition: DataloggingAcquisition) -> Path:
    """Export a fetched acquisition into the cache (`device/acquisitions/`, one file per
    reference id, replaced when fetched again); returns its path."""
    name = safe_name(acquisition.name, "acquisition")
    ident = safe_name(acquisition.reference_id[:12], "id")
    return export_acquisition(
        acquisition, device_dir(cache_dir, "acquisitions") / f"{name}-{ident}.csv"
    )


# -- recordings ---------------------------------------------------------------------------


class Recorder:
    """Streams watched values to a PER log: header with the start time and one declared
    name per path (plus `CONNECTED_SIGNAL`), rows in µs since the start, flushed per batch.

    `connection(False)` writes a `nan` row for every path and 0 to `CONNECTED_SIGNAL`, so a
    gap shows in the plot; everything received stays in the file whatever happens next.
    Thread-safe.
    """

    def __init__(self, path: Path, paths: list[str]) -> None:
        self.path = path
        self.ids = {p: i for i, p in enumerate(paths, start=1)}
        self.connected_id = len(paths) + 1
        self.started = time.time()
        self.rows = 0
        self._lock = threading.Lock()
        private_mkdir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        self._out: IO[bytes] | None = os.fdopen(fd, "wb")
        mappings = [(p, "", i) for p, i in self.ids.items()]
        mappings.append((CONNECTED_SIGNAL, "1 while the server answered", self.connected_id))
        start = datetime.fromtimestamp(self.started, UTC).replace(tzinfo=None)
        self._out.write(per_csv_header(start, "us", mappings))
        self._write([(self.started, self.connected_id, 1.0)])

    @classmethod
    def start(cls, cache_dir: Path, paths: list[str]) -> Recorder:
        """A new recording of `paths` in the cache (`device/recordings/`)."""
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        folder = device_dir(cache_dir, "recordings")
        path = folder / f"recording-{stamp}.csv"
        suffix = 1
        while path.exists():
            suffix += 1
            path = folder / f"recording-{stamp}-{suffix}.csv"
        return cls(path, paths)

    @property
    def active(self) -> bool:
        """True until `stop()`."""
        return self._out is not None

    def add(self, updates: list[tuple[str, Scalar | None, float]]) -> None:
        """Append `(path, value, epoch seconds)` of recorded paths (others are ignored)."""
        rows = []
        for path, value, when in updates:
            ident = self.ids.get(path)
            if ident is not None and math.isfinite(when):
                rows.append((when, ident, math.nan if value is None else float(value)))
        self._write(rows)

    def connection(self, up: bool) -> None:
        """Mark the server reachable or not (a lost server leaves a visible gap)."""
        now = time.time()
        rows = [(now, self.connected_id, 1.0 if up else 0.0)]
        if not up:
            rows += [(now, ident, math.nan) for ident in self.ids.values()]
        self._write(rows)

    def stop(self) -> Path:
        """Close the file; returns its path."""
        with self._lock:
            if self._out is not None:
                self._out.close()
                self._out = None
        return self.path

    def _write(self, rows: list[tuple[float, int, float]]) -> None:
        if not rows:
            return
        text = "".join(
            f"{round((when - self.started) * 1e6)},{ident},{value!r}\n"
            for when, ident, value in rows
        )
        with self._lock:
            if self._out is None:
                return
            self._out.write(text.encode())
            self._out.flush()
            self.rows += len(rows)


# -- writes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WriteRecord:
    """One write to the device, as appended to the write log."""

    server: str
    firmware_id: str
    path: str
    old: Scalar | None
    new: Scalar


def write_log_path(cache_dir: Path) -> Path:
    """The append-only log of every write made from this machine."""
    return cache_dir / "device" / "writes.log"


def append_write(cache_dir: Path, record: WriteRecord, when: datetime | None = None) -> Path:
    """Append one JSON line: time (UTC, ISO), server, firmware id, path, old, new."""
    path = write_log_path(cache_dir)
    private_mkdir(path.parent)
    stamp = (when or datetime.now(UTC)).isoformat(timespec="milliseconds")
    line = json.dumps(
        {
            "time": stamp,
            "server": record.server,
            "firmware_id": record.firmware_id,
            "path": record.path,
            "old": record.old,
            "new": record.new,
        },
        ensure_ascii=True,
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "ab") as out:
        out.write(line.encode() + b"\n")
    return path


def parse_value(text: str, datatype: str) -> Scalar:
    """What the user typed as a value of `datatype` (`true`/`false`, an integer for int
    types, else a finite number); ValueError with a one-line message."""
    text = text.strip()
    if datatype.startswith("bool") or text.lower() in ("true", "false"):
        if text.lower() in ("true", "1", "false", "0"):
            return text.lower() in ("true", "1")
        raise ValueError(f"{text[:30]!r} is not true or false")
    if datatype.startswith(("sint", "uint", "int")):
        try:
            return int(text, 0)
        except ValueError:
            raise ValueError(f"{text[:30]!r} is not an integer") from None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text[:30]!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text[:30]!r} is not finite")
    return value


# -- snapshots ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """Values of some paths at one moment, and the firmware they came from."""

    firmware_id: str
    taken: str
    values: dict[str, Scalar]


def save_snapshot(cache_dir: Path, name: str, snapshot: Snapshot) -> Path:
    """Store a snapshot as JSON (`device/snapshots/NAME.json`, replaced atomically)."""
    path = device_dir(cache_dir, "snapshots") / f"{safe_name(name)}.json"
    body = {"firmware_id": snapshot.firmware_id, "taken": snapshot.taken, "values": snapshot.values}
    private_write_atomic(path, json.dumps(body, indent=1))
    return path


def load_snapshot(path: Path) -> Snapshot:
    """Read a snapshot; ValueError when it is not one (bounded: `MAX_SNAPSHOT` values)."""
    if path.stat().st_size > 4 << 20:
        raise ValueError(f"{path.name}: too large for a snapshot")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"{path.name}: not a snapshot ({exc})") from None
    values = raw.get("values") if isinstance(raw, dict) else None
    if not isinstance(values, dict) or len(values) > MAX_SNAPSHOT:
        raise ValueError(f"{path.name}: not a snapshot")
    kept = {
        str(p): v
        for p, v in values.items()
        if isinstance(v, int | float | bool) and not (isinstance(v, float) and not math.isfinite(v))
    }
    firmware = raw.get("firmware_id")
    return Snapshot(
        firmware if isinstance(firmware, str) else "", str(raw.get("taken", ""))[:40], kept
    )


def list_snapshots(cache_dir: Path) -> list[Path]:
    """Stored snapshots, newest first."""
    folder = device_dir(cache_dir, "snapshots")
    return sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)


def snapshot_diff(
    snapshot: Snapshot, current: dict[str, Scalar | None]
) -> list[tuple[str, Scalar | None, Scalar]]:
    """`(path, value now, value in the snapshot)` for every path that differs."""
    return [
        (path, current.get(path), value)
        for path, value in snapshot.values.items()
        if current.get(path) != value
    ]
