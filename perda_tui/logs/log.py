"""`Log`: a parsed PER log, a collection of `Signal`s addressable by name or id."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from perda_tui.logs.clock import wall_clock, wall_clock_array
from perda_tui.logs.errors import LogParseError
from perda_tui.logs.signal import SECONDS_PER_UNIT, Signal

if TYPE_CHECKING:
    from perda_tui.logs.prelude import Prelude
    from perda_tui.progress import ProgressCallback

UNDECLARED_PREFIX = "undeclared."
INT64 = np.iinfo(np.int64)


class Log:
    """Signals of one log, in declaration order (undeclared ids last), plus what the parser saw.

    `header` is line 1; `time_unit` "us" (header ends in v2.0) or "ms"; `recording_time`
    from the header or None (the wall-clock time of raw timestamp 0, see `wall_clock`);
    `start_time`/`end_time` the first and last sample over all signals (raw units, None
    when empty); `parse_errors` the number of malformed rows skipped and `bad_lines` the
    first of their line numbers; `warnings` what else was noticed (duplicate ids,
    malformed mappings, undeclared ids, a truncated tail). `span` gives `start_time` and
    `end_time` when they are known already (a mapped log: reading them from every signal
    would load a page of each from disk).
    """

    def __init__(
        self,
        signals: Iterable[Signal],
        *,
        header: str = "",
        time_unit: str = "us",
        recording_time: datetime | None = None,
        parse_errors: int = 0,
        bad_lines: Iterable[int] = (),
        warnings: Iterable[str] = (),
        source: str = "",
        span: tuple[int | None, int | None] | None = None,
    ) -> None:
        self.header = header
        self.time_unit = time_unit
        self.recording_time = recording_time
        self.parse_errors = parse_errors
        self.bad_lines = list(bad_lines)
        self.warnings = list(warnings)
        self.source = source
        self._signals = list(signals)
        self._by_name = {s.name: s for s in self._signals}
        self._by_id = {s.id: s for s in self._signals if s.id is not None}
        self._computed: dict[str, str] = {}
        self.start_time: int | None
        self.end_time: int | None
        if span is None:
            sampled = [s for s in self._signals if len(s)]
            span = (
                min((int(s.timestamps[0]) for s in sampled), default=None),
                max((int(s.timestamps[-1]) for s in sampled), default=None),
            )
        self.start_time, self.end_time = span

    @classmethod
    def load(
        cls,
        path: str | Path,
        ts_offset: int = 0,
        parsing_errors_limit: int = 100,
        progress: ProgressCallback | None = None,
        scratch: Path | None = None,
    ) -> Log:
        """Parse a PER log CSV.

        `ts_offset` (raw units) is added to every timestamp; `parsing_errors_limit` malformed
        rows raise `TooManyParseErrors` (0 or negative: no limit); `progress(done_bytes,
        total_bytes)` is called from this thread as blocks are read (raise from it to
        cancel). Files that are not PER logs raise `LogParseError` saying what was found.
        `scratch`, a folder, holds the arrays of a big log in unlinked files there, which
        the kernel can write back instead of keeping them in RAM (the parsed cache's use).
        """
        # the parser, loaded here: a log mapped from the parsed cache never needs it
        from perda_tui.logs.prelude import read_prelude
        from perda_tui.logs.reader import read_rows

        path = Path(path)
        try:
            prelude = read_prelude(path)
        except OSError as exc:
            raise LogParseError(f"cannot read {path}: {exc.strerror or exc}") from exc
        hint = (
            ""
            if "PER Log" in prelude.header
            else f'Is this a PER log? Its first line is "{prelude.header[:60]}".'
        )
        block = read_rows(
            path,
            prelude.data_offset,
            prelude.first_data_line,
            parsing_errors_limit,
            progress,
            hint,
            scratch,
        )
        if not block.arrays:
            found = (
                f"{block.bad_rows} malformed rows (first at lines "
                f"{', '.join(map(str, block.bad_lines))})"
                if block.bad_rows
                else "no data rows"
            )
            raise LogParseError(f"{path.name}: no valid data points: {found}. {hint}".rstrip())
        if ts_offset:
            _shift(block.arrays, ts_offset, path.name)
        warnings = list(prelude.warnings)
        if block.bad_rows:
            warnings.append(
                f"{block.bad_rows} malformed data rows skipped (first at lines "
                f"{', '.join(map(str, block.bad_lines))})"
            )
            if _ends_mid_row(path):
                warnings.append("the file ends in the middle of a row (truncated download?)")
        signals = _signals(prelude, block.arrays, block.out_of_order, warnings)
        return cls(
            signals,
            header=prelude.header,
            time_unit=prelude.time_unit,
            recording_time=prelude.recording_time,
            parse_errors=block.bad_rows,
            bad_lines=block.bad_lines,
            warnings=warnings,
            source=str(path),
        )

    @property
    def seconds_per_unit(self) -> float:
        """1e-6 for microsecond logs, 1e-3 for millisecond logs."""
        return SECONDS_PER_UNIT[self.time_unit]

    def wall_clock(self, raw_timestamp: float) -> datetime | None:
        """The wall-clock time of a raw timestamp: the header's recording time is raw 0.

        `recording_time + raw_timestamp` (in the log's unit; timestamps as stored, after any
        `ts_offset`). None when the header has no recording time. One mapping for the plot
        screen, exports and the CLI (`perda_tui.logs.clock`).
        """
        return wall_clock(self.recording_time, raw_timestamp, self.time_unit)

    def wall_clock_array(self, raw_timestamps: np.ndarray) -> np.ndarray | None:
        """`wall_clock` of each raw timestamp as `datetime64[us]` (None without recording time)."""
        return wall_clock_array(self.recording_time, raw_timestamps, self.time_unit)

    @property
    def duration_s(self) -> float:
        """Seconds between the first and the last sample (0 when empty)."""
        if self.start_time is None or self.end_time is None:
            return 0.0
        return (self.end_time - self.start_time) * self.seconds_per_unit

    @property
    def sample_count(self) -> int:
        """Total samples over all signals."""
        return sum(len(s) for s in self._signals)

    @property
    def names(self) -> list[str]:
        """Signal names in log order."""
        return [s.name for s in self._signals]

    def add_computed(self, signal: Signal, expression: str) -> None:
        """Add a computed channel (a math channel's `Signal`, made from `expression`), or
        replace the computed one of that name; it is then a signal like the recorded ones.
        The log's start and end stay those of its recorded samples."""
        if signal.name in self._by_name and signal.name not in self._computed:
            raise ValueError(f"{signal.name} is a recorded signal of this log")
        self._signals = [s for s in self._signals if s.name != signal.name] + [signal]
        self._by_name[signal.name] = signal
        self._computed[signal.name] = expression

    def is_computed(self, name: str) -> bool:
        """True for a channel added by `add_computed`."""
        return name in self._computed

    def __getitem__(self, key: str | int) -> Signal:
        found = self._by_id.get(key) if isinstance(key, int) else self._by_name.get(key)
        if found is None:
            raise KeyError(f"no signal {key!r} in this log")
        return found

    def __contains__(self, key: object) -> bool:
        return key in self._by_id if isinstance(key, int) else key in self._by_name

    def __len__(self) -> int:
        return len(self._signals)

    def __iter__(self) -> Iterator[Signal]:
        return iter(self._signals)

    def search(self, query: str, top_n: int = 10) -> list[Signal]:
        """Signals whose name or description fuzzily match `query`, best first."""
        from perda_tui.logs.search import search_signals

        return search_signals(self._signals, query, top_n)

    def __repr__(self) -> str:
        return (
            f"Log({self.source or 'in memory'!r}, {len(self)} signals, {self.sample_count} samples)"
        )

    def __str__(self) -> str:
        recorded = self.recording_time.strftime("%Y-%m-%d %H:%M:%S") if self.recording_time else "-"
        empty = sum(1 for s in self._signals if len(s) == 0)
        lines = [
            f"PER log {Path(self.source).name}" if self.source else "PER log",
            f"  header:      {self.header}",
            f"  time unit:   {self.time_unit}",
            f"  recorded:    {recorded}",
            f"  duration:    {self.duration_s:,.3f} s",
            f"  signals:     {len(self)}" + (f" ({empty} without samples)" if empty else ""),
            f"  samples:     {self.sample_count:,}",
            f"  parse errors: {self.parse_errors}",
        ]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _signals(
    prelude: Prelude,
    arrays: dict[int, tuple[np.ndarray, np.ndarray]],
    out_of_order: dict[int, int],
    warnings: list[str],
) -> list[Signal]:
    """Declared signals in declaration order (empty when never sampled), then sampled but
    undeclared ids under a generated name; name clashes and undeclared ids are reported."""

    def signal(ident: int, name: str, description: str = "") -> Signal:
        times, values = arrays.get(ident, (np.empty(0, np.int64), np.empty(0, np.float64)))
        late = out_of_order.get(ident, 0)
        return Signal._from_sorted(times, values, name, description, ident, prelude.time_unit, late)

    signals = [signal(m.id, m.name, m.description) for m in prelude.mappings.values()]
    undeclared = sorted(set(arrays) - set(prelude.mappings))
    if undeclared:
        shown = ", ".join(map(str, undeclared[:10])) + (", …" if len(undeclared) > 10 else "")
        warnings.append(
            f"{len(undeclared)} ids sampled but never declared ({shown}); kept as "
            f"{UNDECLARED_PREFIX}<id>"
        )
        signals += [signal(i, f"{UNDECLARED_PREFIX}{i}") for i in undeclared]
    counts = Counter(s.name for s in signals)
    for name in sorted(n for n, count in counts.items() if count > 1):
        ids = [s.id for s in signals if s.name == name]
        warnings.append(f"name {name} is declared by ids {ids}; log[{name!r}] is id {ids[-1]}")
    return signals


def _shift(arrays: dict[int, tuple[np.ndarray, np.ndarray]], offset: int, name: str) -> None:
    """Add `offset` to every timestamp in place; `LogParseError` if any would leave int64
    (numpy would wrap around silently: negative durations, unsorted times)."""
    low, high = INT64.min - min(offset, 0), INT64.max - max(offset, 0)
    if not low <= high:
        raise LogParseError(f"{name}: ts_offset {offset} is beyond the 64-bit timestamp range")
    for ident, (times, _) in arrays.items():
        if times.size and (int(times[0]) < low or int(times[-1]) > high):
            edge = int(times[0]) if int(times[0]) < low else int(times[-1])
            raise LogParseError(
                f"{name}: ts_offset {offset} moves timestamp {edge} (id {ident}) beyond the "
                "64-bit range; use a smaller offset"
            )
        times += np.int64(offset)


def _ends_mid_row(path: Path) -> bool:
    """True when the file does not end with a newline and its last line is not a valid row."""
    with path.open("rb") as stream:
        stream.seek(max(0, path.stat().st_size - 4096))
        tail = stream.read()
    if not tail or tail.endswith(b"\n"):
        return False
    fields = tail.rsplit(b"\n", 1)[-1].split(b",")
    try:
        int(fields[0]), int(fields[1]), float(fields[2])
    except (ValueError, IndexError):
        return True
    return len(fields) != 3
