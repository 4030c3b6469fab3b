"""The parsed-log cache: reuse, invalidation, damage, locks and the open-data layout."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import numpy as np
import pyarrow.feather as feather
import pytest

from perda_tui.logs import Log, TooManyParseErrors
from perda_tui.logs import reader as reader_module
from perda_tui.logs import scratch as scratch_module
from perda_tui.logs import store as store_module
from perda_tui.logs.columnar import read_meta
from perda_tui.logs.pyramid import build
from perda_tui.logs.store import ParsedStore, wait_for_writes
from perda_tui.parsed_cache import open_log, parsed_store
from perda_tui.samples.writer import write_sample_log


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    """A sample log long enough for pyramids (more than 1,024 samples per signal)."""
    return write_sample_log(tmp_path / "run.csv", 60_000, signals=12)


@pytest.fixture
def store(tmp_path: Path) -> ParsedStore:
    return parsed_store(tmp_path / "cache")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """The paths `Log.load` was called with (a parse of the CSV), in order."""
    calls: list[Path] = []
    load = Log.load.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Log], path: Path, **options: object) -> Log:
        calls.append(Path(path))
        return load(cls, path, **options)  # type: ignore[no-any-return]

    monkeypatch.setattr(Log, "load", classmethod(counted))
    yield calls


def assert_same(a: Log, b: Log) -> None:
    """Same signals, samples, pyramids and parse report."""
    assert [(s.name, s.id, s.description) for s in a] == [(s.name, s.id, s.description) for s in b]
    assert [s.out_of_order for s in a] == [s.out_of_order for s in b]
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x.timestamps, y.timestamps)
        assert np.array_equal(x.values, y.values, equal_nan=True)
    assert (a.header, a.time_unit, a.recording_time) == (b.header, b.time_unit, b.recording_time)
    assert (a.parse_errors, a.bad_lines, a.warnings) == (b.parse_errors, b.bad_lines, b.warnings)
    assert (a.start_time, a.end_time) == (b.start_time, b.end_time)


def entry_files(store: ParsedStore, source: Path) -> dict[str, Path]:
    folder = store.folder_for(source)
    return {p.name.split("-")[0]: p for p in folder.iterdir()}


def test_second_open_maps_the_stored_form_without_parsing(
    store: ParsedStore, log_path: Path, parses: list[Path]
) -> None:
    reference = Log.load(log_path)
    parses.clear()
    first = store.open(log_path)
    second = store.open(log_path)
    assert parses == [log_path]  # parsed once, then mapped
    assert_same(first, reference)
    assert_same(second, reference)
    voltage = second["ams.pack.voltage"]
    assert not voltage.values.flags.writeable  # a view of the file, not a copy
    assert voltage.pyramid is not None
    for stored, built in zip(
        voltage.pyramid, build(voltage.timestamps, voltage.values), strict=True
    ):
        assert stored.size == built.size
        assert np.array_equal(stored.starts, built.starts)
        assert np.array_equal(stored.mins, built.mins, equal_nan=True)
        assert np.array_equal(stored.maxs, built.maxs, equal_nan=True)


def test_out_of_order_counts_are_stored(
    store: ParsedStore, tmp_path: Path, parses: list[Path]
) -> None:
    path = tmp_path / "late.csv"
    path.write_text("PER Log v2.0\nValue a: 1\nValue b: 2\n30,1,3\n10,1,1\n5,2,0\n20,1,2\n")
    store.open(path)
    reopened = store.open(path)
    assert parses == [path]  # the second open mapped the stored form
    assert (reopened["a"].out_of_order, reopened["b"].out_of_order) == (1, 0)


def test_big_log_buffers_are_file_backed_and_leave_nothing(
    store: ParsedStore, log_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader_module, "SCRATCH_BYTES", 0)  # every log counts as big
    made: list[np.ndarray] = []
    real = scratch_module.file_backed_empty

    def spied(folder: Path, count: int, dtype: type[np.generic]) -> np.ndarray:
        made.append(real(folder, count, dtype))
        return made[-1]

    monkeypatch.setattr(scratch_module, "file_backed_empty", spied)
    log = store.open(log_path)
    assert made  # the parse went through file-backed buffers
    assert_same(log, Log.load(log_path))
    folder = store.folder_for(log_path)
    assert not [p.name for p in folder.iterdir() if p.name.startswith("scratch-")]


def test_progress_reports_completion_when_reused(store: ParsedStore, log_path: Path) -> None:
    store.open(log_path)
    seen: list[tuple[int, int]] = []
    store.open(log_path, progress=lambda done, total: seen.append((done, total)))
    size = log_path.stat().st_size
    assert seen == [(size, size)]


def test_a_changed_file_is_parsed_again(
    store: ParsedStore, log_path: Path, parses: list[Path]
) -> None:
    store.open(log_path)
    with log_path.open("ab") as handle:
        handle.write(b"99999999,1,42.5\n")
    log = store.open(log_path)
    assert parses == [log_path, log_path]
    assert log["ams.pack.voltage"].values[-1] == 42.5
    assert log["ams.pack.voltage"].timestamps[-1] == 99999999


def test_same_size_rewrite_is_parsed_again(
    store: ParsedStore, log_path: Path, parses: list[Path]
) -> None:
    store.open(log_path)
    data = log_path.read_bytes()
    replacement = log_path.with_name("new.csv")
    replacement.write_bytes(data.replace(b",1,", b",2,", 1))  # same size, new inode
    os.replace(replacement, log_path)
    store.open(log_path)
    assert len(parses) == 2


def test_a_newer_parser_rebuilds(
    store: ParsedStore, log_path: Path, parses: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    store.open(log_path)
    monkeypatch.setattr(store_module, "PARSER_VERSION", store_module.PARSER_VERSION + 1)
    store.open(log_path)
    store.open(log_path)
    assert len(parses) == 2
    assert len(list(store.folder_for(log_path).glob("*.arrow"))) == 2  # old generation gone


def test_ts_offset_is_part_of_the_key(store: ParsedStore, log_path: Path) -> None:
    plain = store.open(log_path)
    shifted = store.open(log_path, ts_offset=1000)
    assert np.array_equal(
        shifted["ams.pack.voltage"].timestamps, plain["ams.pack.voltage"].timestamps + 1000
    )


def test_error_limit_applies_to_a_stored_log(
    store: ParsedStore, write_log: Callable[..., Path]
) -> None:
    rows = "".join(f"{i},1,{i}\n" if i % 10 else f"{i},1,x\n" for i in range(1, 200))
    path = write_log(f"PER Log: Thu Jun 11 17:06:37 2026 v2.0\nValue a: 1\n{rows}")
    log = store.open(path, parsing_errors_limit=0)
    assert log.parse_errors == 19
    assert store.open(path, parsing_errors_limit=0).parse_errors == 19
    with pytest.raises(TooManyParseErrors):
        store.open(path, parsing_errors_limit=5)


@pytest.mark.parametrize("damage", ["truncate", "zero", "meta", "meta-json", "missing"])
def test_a_damaged_entry_is_rebuilt_never_trusted(
    store: ParsedStore, log_path: Path, parses: list[Path], damage: str
) -> None:
    store.open(log_path)
    reference = Log.load(log_path)  # not mapped: truncating a mapped file faults its reader
    parses.clear()
    files = entry_files(store, log_path)
    samples = files["samples"]
    if damage == "truncate":
        os.truncate(samples, samples.stat().st_size // 2)
    elif damage == "zero":
        with samples.open("r+b") as handle:
            handle.seek(samples.stat().st_size // 3)
            handle.write(bytes(1 << 16))
    elif damage == "meta":
        text = files["meta.json"].read_text()
        files["meta.json"].write_text(text.replace('"count":', '"count":1', 1))
    elif damage == "meta-json":
        files["meta.json"].write_text("{")
    else:
        samples.unlink()
    log = store.open(log_path)
    assert len(parses) == 1
    assert_same(log, reference)
    assert store.open(log_path) is not None and len(parses) == 1  # the rebuilt entry is used


def test_mapped_log_stays_readable_after_removal(store: ParsedStore, log_path: Path) -> None:
    store.open(log_path)
    log = store.open(log_path)
    expected = Log.load(log_path)
    assert store.remove(store.folder_for(log_path))
    assert not store.folder_for(log_path).exists()
    assert np.array_equal(log["ams.pack.voltage"].values, expected["ams.pack.voltage"].values)


def test_prune_leaves_an_entry_being_opened(store: ParsedStore, log_path: Path) -> None:
    store.open(log_path)
    folder = store.folder_for(log_path)
    with store.locks.hold(f"parsed/{folder.name}", exclusive=False):  # an open in progress
        assert not store.remove(folder)
    assert folder.exists()
    assert store.remove(folder)


def test_opens_racing_removals_always_get_the_log(store: ParsedStore, log_path: Path) -> None:
    expected = Log.load(log_path)
    folder = store.folder_for(log_path)
    stop = threading.Event()
    removed = [0]

    def prune() -> None:
        while not stop.is_set():
            removed[0] += store.remove(folder)

    pruner = threading.Thread(target=prune)
    pruner.start()
    try:
        logs = [store.open(log_path) for _ in range(15)]
    finally:
        stop.set()
        pruner.join()
    for log in logs:
        assert_same(log, expected)


def test_entry_files_are_user_only(store: ParsedStore, log_path: Path) -> None:
    store.open(log_path)
    folder = store.folder_for(log_path)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {p.name.split("-")[0]: p.stat().st_mode & 0o777 for p in folder.iterdir()} == {
        "samples": 0o600,
        "pyramids": 0o600,
        "meta.json": 0o600,
        "opened": 0o600,
    }


def test_entries_report_source_size_and_currency(store: ParsedStore, log_path: Path) -> None:
    store.open(log_path)
    [entry] = store.entries()
    assert entry.source == log_path.resolve()
    assert entry.current
    assert entry.size == store.total_bytes() > 0
    log_path.write_bytes(log_path.read_bytes() + b"1,1,1\n")
    assert not store.entries()[0].current


def test_samples_file_is_open_data(store: ParsedStore, log_path: Path) -> None:
    log = store.open(log_path)
    table = feather.read_table(entry_files(store, log_path)["samples"])
    assert table.column_names == ["signal", "timestamp", "value"]
    names = table.column("signal").to_pylist()
    voltage = [i for i, name in enumerate(names) if name == "ams.pack.voltage"]
    times = np.array(table.column("timestamp").to_pylist())[voltage]
    assert np.array_equal(times, log["ams.pack.voltage"].timestamps)
    assert table.schema.metadata[b"perda.time_unit"] == log.time_unit.encode()


def test_open_log_without_cache_dir_parses(log_path: Path, parses: list[Path]) -> None:
    open_log(log_path, None)
    open_log(log_path, None)
    assert len(parses) == 2


def test_meta_holds_no_absolute_offsets_outside_files(store: ParsedStore, log_path: Path) -> None:
    store.open(log_path)
    meta = entry_files(store, log_path)["meta.json"].read_text()
    doc = json.loads(meta.partition("\n")[2])
    sizes = {name: check["size"] for name, check in doc["files"].items()}
    for signal in doc["signals"]:
        assert all(0 <= at <= sizes[doc["samples"]] for at in signal["at"])


def test_a_season_reads_as_one_dataset(tmp_path: Path) -> None:
    """The README's example: every parsed log of a cache as one pyarrow dataset."""
    import pyarrow.dataset as ds

    cache = tmp_path / "cache"
    logs = [
        open_log(write_sample_log(tmp_path / f"run{i}.csv", 3_000 * (i + 1), seed=i), cache)
        for i in range(2)
    ]
    parsed = cache / ".perda" / "parsed"
    files = sorted(str(p) for p in parsed.glob("*/samples-*.arrow"))
    season = ds.dataset(files, format="ipc")
    voltage = season.to_table(filter=ds.field("signal") == "ams.pack.voltage")
    expected = sum(len(log["ams.pack.voltage"]) for log in logs)
    assert voltage.num_rows == expected
    values = np.sort(np.array(voltage.column("value").to_pylist()))
    reference = np.sort(np.concatenate([log["ams.pack.voltage"].values for log in logs]))
    np.testing.assert_array_equal(values, reference)


def test_an_unusable_cache_folder_still_opens_the_log(tmp_path: Path, log_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache should be")
    log = open_log(log_path, blocked)
    assert_same(log, Log.load(log_path))
    assert blocked.read_text() == "a file where the cache should be"


@pytest.mark.parametrize(
    ("field", "index", "value"),
    [("at", 1, -8), ("at", 1, 4), ("at", 0, 1 << 40), ("levels", 0, 1 << 40), ("count", None, -1)],
)
def test_offsets_outside_the_files_are_refused_even_when_signed(
    store: ParsedStore, log_path: Path, field: str, index: int | None, value: int
) -> None:
    """A meta document with a valid digest but an offset before, between or beyond the
    words of its file (or a negative count) maps nothing: the entry is not used."""
    from perda_tui.logs import columnar

    store.open(log_path)
    folder = store.folder_for(log_path)
    doc = json.loads((folder / "meta.json").read_text().partition("\n")[2])
    signal = doc["signals"][0]
    if field == "levels":
        signal["levels"][0][2] = value
    elif index is None:
        signal[field] = value
    else:
        signal[field][index] = value
    body = json.dumps(doc)
    (folder / "meta.json").write_text(f"{columnar._digest(body)}\n{body}")
    assert columnar.read_meta(folder) is not None
    assert columnar.read_entry(folder, doc["identity"]) is None


# -- entries stored later (`open_pending`) --------------------------------------------------

#: Seconds a test waits for a thread's event before failing (never reached when it works).
PATIENCE = 60.0
ENTRY_FILES = {"samples", "pyramids", "meta.json", "opened"}


def names(folder: Path) -> set[str]:
    return {p.name.split("-")[0] for p in folder.iterdir()}


class Handed:
    """What a pending entry's `then` was called with, and when."""

    def __init__(self) -> None:
        self.logs: list[Log | None] = []
        self.called = threading.Event()

    def __call__(self, log: Log | None) -> None:
        self.logs.append(log)
        self.called.set()


class Watched:
    """`Locks` that set `asked` when a shared lock is asked for (before waiting for it)."""

    def __init__(self, locks: store_module.Locks) -> None:
        self.locks = locks
        self.asked = threading.Event()

    def hold(
        self, key: str, *, exclusive: bool, timeout: float | None = None
    ) -> AbstractContextManager[None]:
        if not exclusive:
            self.asked.set()
        return self.locks.hold(key, exclusive=exclusive, timeout=timeout)


def test_a_pending_entry_stores_what_was_parsed_when_told(
    store: ParsedStore, log_path: Path, parses: list[Path]
) -> None:
    """The parsed log comes back unstored; `write` stores the signals the parse produced
    (not a channel computed on the log meanwhile) and hands over the mapped form."""
    from perda_tui.logs import Signal

    log, pending = store.open_pending(log_path)
    assert pending is not None
    assert log["ams.pack.voltage"].values.flags.writeable  # the parsed arrays
    folder = store.folder_for(log_path)
    assert "meta.json" not in names(folder)
    voltage = log["ams.pack.voltage"]
    log.add_computed(Signal(voltage.timestamps, voltage.values * 2, "twice"), "2 * v")
    handed = Handed()
    pending.write(handed)
    assert handed.called.wait(PATIENCE)
    [mapped] = handed.logs
    assert mapped is not None and "twice" not in mapped
    assert not mapped["ams.pack.voltage"].values.flags.writeable  # mapped from the entry
    reference = Log.load(log_path)
    assert_same(mapped, reference)
    assert wait_for_writes(PATIENCE)
    assert names(folder) == ENTRY_FILES
    pending.write(handed)  # a second call does nothing
    assert len(handed.logs) == 1
    parses.clear()
    again, none = store.open_pending(log_path)
    assert none is None and parses == []
    assert_same(again, reference)


def test_an_open_while_an_entry_is_pending_waits_and_maps_it(
    store: ParsedStore, log_path: Path, parses: list[Path]
) -> None:
    _, pending = store.open_pending(log_path)
    assert pending is not None
    watched = Watched(store.locks)
    other = ParsedStore(store.root, watched)
    found: list[Log] = []
    opener = threading.Thread(target=lambda: found.append(other.open(log_path)))
    opener.start()
    assert watched.asked.wait(PATIENCE)  # it asks while the pending entry holds the lock
    assert not found
    pending.write()
    opener.join(PATIENCE)
    [second] = found
    assert parses == [log_path]  # not parsed again
    assert not second["ams.pack.voltage"].values.flags.writeable  # the stored form


def test_a_pending_entry_is_stored_at_the_time_limit(
    store: ParsedStore, log_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never told, it is stored anyway; told afterwards, `then` gets the mapped log at once."""
    monkeypatch.setattr(store_module, "PENDING_LIMIT_S", 0.0)
    _, pending = store.open_pending(log_path)
    assert pending is not None
    assert wait_for_writes(PATIENCE)
    assert names(store.folder_for(log_path)) == ENTRY_FILES
    handed = Handed()
    pending.write(handed)
    assert handed.called.is_set()
    [mapped] = handed.logs
    assert mapped is not None and not mapped["ams.pack.voltage"].values.flags.writeable


def test_a_pending_entry_that_cannot_be_stored_hands_none_and_frees_the_lock(
    store: ParsedStore, log_path: Path, parses: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store_module.write_entry
    full = [True]

    def refused(folder: Path, log: Log, identity: dict[str, object]) -> None:
        if full[0]:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(folder, log, identity)

    monkeypatch.setattr(store_module, "write_entry", refused)
    log, pending = store.open_pending(log_path)
    assert pending is not None
    handed = Handed()
    pending.write(handed)
    assert handed.called.wait(PATIENCE)
    assert handed.logs == [None]
    full[0] = False
    assert_same(store.open(log_path), log)  # the lock is free: parsed and stored again
    assert len(parses) == 2


def test_a_big_log_is_stored_and_mapped_before_it_comes_back(
    store: ParsedStore, log_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsed into file-backed buffers, it is mapped from its entry at once (bounded memory)."""
    monkeypatch.setattr(reader_module, "SCRATCH_BYTES", 1)
    log, pending = store.open_pending(log_path)
    assert pending is None
    assert not log["ams.pack.voltage"].values.flags.writeable
    assert names(store.folder_for(log_path)) == ENTRY_FILES


def test_exit_right_after_telling_keeps_the_entry(store: ParsedStore, log_path: Path) -> None:
    """The interpreter joins the writer at exit: the entry is complete and used."""
    cache = store.root.parent.parent
    code = (
        "from perda_tui.parsed_cache import open_log_pending\n"
        f"log, pending = open_log_pending({str(log_path)!r}, {str(cache)!r})\n"
        "pending.write()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=PATIENCE)
    assert names(store.folder_for(log_path)) == ENTRY_FILES
    assert read_meta(store.folder_for(log_path)) is not None


def test_reopen_maps_a_current_entry_and_never_parses(
    store: ParsedStore, log_path: Path, parses: list[Path]
) -> None:
    assert store.reopen(log_path) is None  # nothing stored yet
    assert store.reopen(log_path.with_name("missing.csv")) is None
    log, pending = store.open_pending(log_path)
    assert pending is not None
    assert store.reopen(log_path) is None  # being written: not waited for
    pending.write()
    assert wait_for_writes(PATIENCE)
    reopened = store.reopen(log_path)
    assert reopened is not None
    assert not reopened["ams.pack.voltage"].values.flags.writeable
    assert_same(reopened, log)
    assert parses == [log_path]
    log_path.write_text(log_path.read_text() + "\n")  # changed since: stale
    assert store.reopen(log_path) is None
    assert parses == [log_path]
