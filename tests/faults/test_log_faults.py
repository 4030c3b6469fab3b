"""Damaged and foreign log files: a clear error or a parse with counted errors, never a crash.

The big case is a 1 GB-class log (built by repeating a block of rows, so it is quick to make).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from perda_tui.logs import Log, LogParseError

PRELUDE = (
    b"PER Log: Thu Jun 11 17:06:37 2026 v2.0\n"
    b"Value Pack voltage (ams.pack.voltage): 1\n"
    b"Value Pack current (ams.pack.current): 2\n"
    b"Value pcm.wheelSpeeds.frontRight: 3\n"
)
BLOCK_ROWS = 500_000
BIG_BYTES = 1_000_000_000


def data_block(rows: int, newline: bytes = b"\n") -> bytes:
    """`rows` valid rows cycling through ids 1..3; values equal to the row number."""
    index = np.arange(rows)
    lines = [f"{10 * i},{i % 3 + 1},{i}.5" for i in index.tolist()]
    return newline.join(line.encode() for line in lines) + newline


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A ~1 GB log; returns its path and its number of data rows."""
    path = tmp_path_factory.mktemp("big") / "huge.csv"
    block = data_block(BLOCK_ROWS)
    repeats = BIG_BYTES // len(block)
    with path.open("wb") as handle:
        handle.write(PRELUDE)
        for _ in range(repeats):
            handle.write(block)
    return path, repeats * BLOCK_ROWS


def test_gigabyte_log_with_garbage_and_a_truncated_last_row(big_log: tuple[Path, int]) -> None:
    path, rows = big_log
    size = path.stat().st_size
    assert size > 900_000_000
    garbage = os.urandom(4096).replace(b"\n", b"\x00")  # one long binary "row"
    with path.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(garbage)
        handle.truncate(size - 7)  # ends in the middle of a row
    log = Log.load(path, parsing_errors_limit=0)
    # The garbage replaces at most 4096 // 8 rows (the shortest row is 8 bytes) and merges
    # them into a few bad lines; the row cut at the end is bad too. Everything else is kept.
    missing = rows - log.sample_count
    assert log.parse_errors >= 2
    assert log.parse_errors <= missing <= 4096 // 8 + 3
    voltage = log["ams.pack.voltage"]
    assert np.all(np.diff(voltage.timestamps) >= 0)
    assert set(np.unique(voltage.values[:1000] % 3)) <= {0.5, 1.5, 2.5}


def test_crlf_log_parses_like_lf(tmp_path: Path) -> None:
    lf = tmp_path / "lf.csv"
    crlf = tmp_path / "crlf.csv"
    lf.write_bytes(PRELUDE + data_block(30_000))
    crlf.write_bytes(PRELUDE.replace(b"\n", b"\r\n") + data_block(30_000, b"\r\n"))
    a, b = Log.load(lf), Log.load(crlf)
    assert b.parse_errors == 0
    assert [s.name for s in a] == [s.name for s in b]
    for name in ("ams.pack.voltage", "pcm.wheelSpeeds.frontRight"):
        np.testing.assert_array_equal(a[name].values, b[name].values)
        np.testing.assert_array_equal(a[name].timestamps, b[name].timestamps)


def test_log_without_data_rows_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty-run.csv"
    path.write_bytes(PRELUDE)
    with pytest.raises(LogParseError, match="no valid data points"):
        Log.load(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (os.urandom(8 * 1024 * 1024), "binary data"),
        (b"PK\x03\x04" + os.urandom(100_000), "not a PER log"),
        (
            b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>",
            'HTML page titled "502 Bad Gateway"',
        ),
        (b'{"error": "not found"}', "JSON document"),
        (b"", "empty"),
    ],
    ids=["random-bytes", "zip", "html-error-page", "json", "empty"],
)
def test_not_a_log_at_all_says_what_it_is(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "download.csv"
    path.write_bytes(content)
    with pytest.raises(LogParseError) as err:
        Log.load(path)
    assert expected in str(err.value)
    assert "download.csv" in str(err.value)


# -------------------------------------------------- timestamps at the int64 limit (issue 12)

INT64_MAX = np.iinfo(np.int64).max


def test_one_timestamp_beyond_int64_spoils_only_its_own_row(tmp_path: Path) -> None:
    times = INT64_MAX - np.arange(50_000, dtype=np.int64)[::-1] * 1000  # 19 digits, valid
    rows = [f"{t},{i % 3 + 1},{i}.5" for i, t in enumerate(times.tolist())]
    rows.insert(25_000, "9223372036854775808,1,7")  # int64 max + 1: the only bad row
    rows.insert(100, "-9223372036854775808,2,8")  # int64 min: valid
    path = tmp_path / "edge.csv"
    path.write_bytes(PRELUDE + "\n".join(rows).encode() + b"\n")
    log = Log.load(path, parsing_errors_limit=0)
    assert log.parse_errors == 1
    assert log.bad_lines == [len(PRELUDE.splitlines()) + 25_001 + 1]  # the insert after 100
    voltage = log["ams.pack.voltage"]
    np.testing.assert_array_equal(voltage.timestamps, times[0::3])
    assert log["ams.pack.current"].timestamps[0] == np.iinfo(np.int64).min
    assert log.end_time == INT64_MAX


@pytest.mark.parametrize("offset", [1, 10**18, -(10**18)])
def test_ts_offset_overflowing_int64_is_reported_not_wrapped(tmp_path: Path, offset: int) -> None:
    edge = INT64_MAX if offset > 0 else np.iinfo(np.int64).min
    path = tmp_path / "late.csv"
    path.write_bytes(PRELUDE + f"0,1,1.0\n{edge},1,2.0\n".encode())
    with pytest.raises(LogParseError, match=f"ts_offset {offset} moves timestamp {edge}"):
        Log.load(path, ts_offset=offset)
    shifted = Log.load(path, ts_offset=-offset)  # the other way stays in range
    assert shifted["ams.pack.voltage"].timestamps.tolist() == sorted([-offset, edge - offset])


def test_ts_offset_itself_beyond_int64_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "run.csv"
    path.write_bytes(PRELUDE + b"0,1,1.0\n")
    with pytest.raises(LogParseError, match="beyond the 64-bit timestamp range"):
        Log.load(path, ts_offset=2**64)


def test_huge_values_plot_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from perda_tui.cli.main import main

    path = tmp_path / "spikes.csv"
    rows = [f"{i * 1000},1,{v}" for i, v in enumerate([1e308, -1e308, 5.0, 1e308, -5.0, 2.0])]
    path.write_bytes(PRELUDE + "\n".join(rows).encode() + b"\n")
    assert main(["plot", str(path), "ams.pack.voltage", "--width", "60", "--height", "12"]) == 0
    out = capsys.readouterr()
    assert "ams.pack.voltage" in out.out and out.err == ""


# -------------------------------------------------- many distinct ids (issue 12 §7)

PEAK = """
import re, sys
from pathlib import Path
from perda_tui.logs import Log
log = Log.load(sys.argv[1])
hwm = re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1)
print(len(log), int(hwm) * 1024)
"""


def test_300000_ids_of_one_row_each_cost_memory_in_proportion(tmp_path: Path) -> None:
    import subprocess
    import sys

    ids = 300_000
    path = tmp_path / "ids.csv"
    rows = "\n".join(f"{i},{i},1.5" for i in range(ids))
    path.write_text(f"PER Log: Thu Jun 11 17:06:37 2026 v2.0\n{rows}\n")
    assert path.stat().st_size < 6_000_000
    out = subprocess.run(
        [sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, check=True
    )
    count, peak = map(int, out.stdout.split())
    assert count == ids
    assert peak < 1_000_000_000  # 2.7 GB when every id started with 4,096 slots
