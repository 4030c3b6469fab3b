"""Parsing rules of PER log CSVs, one small hand-written log per rule."""

from datetime import datetime

import numpy as np
import pytest

from perda_tui.logs import Log, LogParseError, TooManyParseErrors
from perda_tui.logs import reader as reader_module
from tests.logs.conftest import SPEC_EXAMPLE

HEADER = "PER Log: Thu Jun 11 17:06:37 2026 v2.0\nValue a.b: 1\n"


def test_spec_example(write_log) -> None:
    log = Log.load(write_log(SPEC_EXAMPLE))
    assert log.time_unit == "us" and log.seconds_per_unit == 1e-6
    assert log.recording_time == datetime(2026, 6, 11, 17, 6, 37)
    assert log.header == "PER Log: Thu Jun 11 17:06:37 2026 v2.0"
    voltage = log["ams.pack.voltage"]
    assert voltage.timestamps.tolist() == [50, 100]
    assert voltage.values.tolist() == [12.4, 12.5]
    assert voltage.description == "Pack voltage" and voltage.id == 1
    assert log[2].timestamps.tolist() == [100] and log[2].values.tolist() == [3.0]
    assert log[2].description == ""
    assert (log.start_time, log.end_time) == (7, 100)
    assert log.parse_errors == 0


@pytest.mark.parametrize(
    ("header", "unit", "recorded"),
    [
        ("PER Log: Thu Jun 11 17:06:37 2026 v2.0", "us", datetime(2026, 6, 11, 17, 6, 37)),
        ("PER Log: Thu Jun 11 17:06:37 2026 v2.1", "ms", datetime(2026, 6, 11, 17, 6, 37)),
        ("PER Log: Thu Jun 11 17:06:37 2026", "ms", datetime(2026, 6, 11, 17, 6, 37)),
        ("PER Log: sometime v2.0  ", "us", None),
        ("PER Log", "ms", None),
    ],
)
def test_time_unit_and_recording_time(write_log, header, unit, recorded) -> None:
    log = Log.load(write_log(f"{header}\nValue x: 1\n1,1,1\n"))
    assert log.time_unit == unit
    assert log.recording_time == recorded
    assert log["x"].time_unit == unit


def test_descriptions_use_the_last_parentheses(write_log) -> None:
    text = "PER Log v2.0\nValue Temp (deg C) (ams.temp): 3\nValue  plain.name : 4\n1,3,20\n"
    log = Log.load(write_log(text))
    assert log["ams.temp"].description == "Temp (deg C)"
    assert log["plain.name"].description == ""
    assert log.names == ["ams.temp", "plain.name"]


def test_duplicate_id_overwrites_with_a_warning(write_log) -> None:
    log = Log.load(write_log("PER Log v2.0\nValue first: 1\nValue second: 1\n5,1,2\n"))
    assert "second" in log and "first" not in log
    assert log[1].name == "second"
    assert any("id 1 declared again as second (was first)" in w for w in log.warnings)


def test_malformed_mapping_line_is_reported_not_fatal(write_log) -> None:
    text = "PER Log v2.0\nValue no id here\nValue (): 3\nValue ok: 2\n5,2,1\n"
    log = Log.load(write_log(text))
    assert log.names == ["ok"]
    bad = [w for w in log.warnings if "malformed mapping line" in w]
    assert len(bad) == 2 and bad[0].startswith("line 2:") and bad[1].startswith("line 3:")


def test_lowercase_value_line_is_data(write_log) -> None:
    log = Log.load(write_log("PER Log v2.0\nValue a: 1\nvalue b: 2\n1,1,1\n"))
    assert log.names == ["a"]
    assert log.parse_errors == 1 and log.bad_lines == [3]


def test_bad_rows_below_the_limit_are_counted_and_skipped(write_log) -> None:
    rows = ["1,1,1.5", "2,1,true", "0.5,1,2", "3,1", "4,3000000000,1", "", "5,1,2,9", "6,x,1"]
    log = Log.load(write_log(HEADER + "\n".join(rows) + "\n7,1,7\n"), parsing_errors_limit=8)
    assert log["a.b"].timestamps.tolist() == [1, 7]
    assert log["a.b"].values.tolist() == [1.5, 7.0]
    assert log.parse_errors == 7
    assert log.bad_lines == [4, 5, 6, 7, 8, 9, 10]
    assert any("7 malformed data rows skipped (first at lines 4, 5, 6" in w for w in log.warnings)


def test_reaching_the_limit_raises_with_count_and_lines(write_log) -> None:
    path = write_log(HEADER + "1,1,1\n2,1,oops\n3,1\n\n4,1,4\n")
    with pytest.raises(TooManyParseErrors) as caught:
        Log.load(path, parsing_errors_limit=3)
    assert caught.value.count == 3
    assert caught.value.lines == [4, 5, 6]
    assert "3 malformed data rows (limit 3)" in str(caught.value)
    assert "lines 4, 5, 6" in str(caught.value)
    assert isinstance(caught.value, LogParseError)


@pytest.mark.parametrize("limit", [0, -1])
def test_zero_or_negative_limit_means_no_limit(write_log, limit) -> None:
    bad = "\n".join(f"{i},1,bad" for i in range(500))
    log = Log.load(write_log(HEADER + bad + "\n999,1,1\n"), parsing_errors_limit=limit)
    assert log.parse_errors == 500
    assert log.bad_lines == list(range(3, 13))


def test_blank_line_after_mapping_block_is_an_error(write_log) -> None:
    log = Log.load(write_log(HEADER + "\n1,1,1\n"))
    assert log.parse_errors == 1 and log.bad_lines == [3]


def test_offset_is_added_to_every_timestamp(write_log) -> None:
    log = Log.load(write_log(SPEC_EXAMPLE), ts_offset=1000)
    assert log["ams.pack.voltage"].timestamps.tolist() == [1050, 1100]
    assert (log.start_time, log.end_time) == (1007, 1100)


def test_declared_signal_without_samples_is_present_and_empty(write_log) -> None:
    log = Log.load(write_log("PER Log v2.0\nValue a: 1\nValue silent: 2\n1,1,1\n"))
    silent = log["silent"]
    assert len(silent) == 0
    assert silent.timestamps.dtype == np.int64 and silent.values.dtype == np.float64
    assert np.isnan(silent.stats().mean)


def test_undeclared_ids_are_kept_and_reported(write_log) -> None:
    log = Log.load(write_log(SPEC_EXAMPLE))
    kept = log["undeclared.9"]
    assert kept.id == 9 and kept.timestamps.tolist() == [7]
    assert log[9] is kept
    assert any("1 ids sampled but never declared (9)" in w for w in log.warnings)
    assert [s.name for s in log] == [
        "ams.pack.voltage",
        "pcm.wheelSpeeds.frontRight",
        "undeclared.9",
    ]


def test_out_of_order_rows_are_sorted_stably(write_log) -> None:
    rows = "30,1,3\n10,1,1\n20,1,2\n10,1,1.5\n5,2,0\n"
    log = Log.load(write_log(HEADER + "Value c: 2\n" + rows))
    assert log["a.b"].timestamps.tolist() == [10, 10, 20, 30]
    assert log["a.b"].values.tolist() == [1.0, 1.5, 2.0, 3.0]
    assert (log["a.b"].out_of_order, log["c"].out_of_order) == (2, 0)  # 10 after 30, 10 after 20


def test_crlf_spaces_quotes_and_special_floats(write_log) -> None:
    text = HEADER.replace("\n", "\r\n") + ' 1 , 1 , 2.5 \r\n"2","1","3"\r\n3,1,nan\r\n4,1,-inf\r\n'
    log = Log.load(write_log(text))
    values = log["a.b"].values
    assert log["a.b"].timestamps.tolist() == [1, 2, 3, 4]
    assert values[:2].tolist() == [2.5, 3.0] and np.isnan(values[2]) and values[3] == -np.inf
    assert log.parse_errors == 0 and log.header.endswith("v2.0")


def test_rows_across_many_blocks(write_log, monkeypatch) -> None:
    monkeypatch.setattr(reader_module, "BLOCK_BYTES", 64)
    rows = [f"{t},{1 + t % 3},{t / 10}" for t in range(2000)]
    rows[1500] = "1500,zz,1"
    text = "PER Log v2.0\nValue a: 1\nValue b: 2\nValue c: 3\n" + "\n".join(rows) + "\n"
    log = Log.load(write_log(text))
    for ident in (1, 2, 3):
        expected = [t for t in range(2000) if 1 + t % 3 == ident and t != 1500]
        assert log[ident].timestamps.tolist() == expected
        assert log[ident].values.tolist() == [t / 10 for t in expected]
    assert log.bad_lines == [1505]


def test_progress_reports_bytes_up_to_the_file_size(write_log, monkeypatch) -> None:
    monkeypatch.setattr(reader_module, "BLOCK_BYTES", 256)
    path = write_log(HEADER + "".join(f"{t},1,{t}\n" for t in range(500)))
    calls: list[tuple[int, int]] = []
    Log.load(path, progress=lambda done, total: calls.append((done, total)))
    size = path.stat().st_size
    assert len(calls) > 3
    assert all(total == size for _, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (size, size)


def test_access_membership_and_summary(write_log) -> None:
    log = Log.load(write_log(SPEC_EXAMPLE))
    assert "ams.pack.voltage" in log and 2 in log and "nope" not in log and 42 not in log
    assert len(log) == 3
    with pytest.raises(KeyError, match="no signal 'nope'"):
        log["nope"]
    summary = str(log)
    assert "time unit:   us" in summary and "signals:     3" in summary
    assert "recorded:    2026-06-11 17:06:37" in summary and "samples:     4" in summary
    assert "duration:    0.000 s" in summary


def test_ids_far_apart_and_negative(write_log) -> None:
    text = "PER Log v2.0\nValue low: -5\nValue high: 100000\n3,100000,1\n1,-5,2\n2,100000,3\n"
    log = Log.load(write_log(text))
    assert log["low"].timestamps.tolist() == [1] and log["low"].id == -5
    assert log["high"].timestamps.tolist() == [2, 3] and log["high"].values.tolist() == [3.0, 1.0]


def test_raising_from_progress_cancels_and_leaves_no_thread(write_log, monkeypatch) -> None:
    import threading

    class Cancelled(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        raise Cancelled

    monkeypatch.setattr(reader_module, "BLOCK_BYTES", 128)
    path = write_log(HEADER + "".join(f"{t},1,{t}\n" for t in range(2000)))
    before = threading.active_count()
    with pytest.raises(Cancelled):
        Log.load(path, progress=cancel)
    assert threading.active_count() == before


def test_number_forms_in_the_text_fallback(write_log) -> None:
    rows = [
        "+5,1,1",  # explicit plus on an integer: bad
        "-0,1,1.",
        "7,1,.5",
        "8,1,Infinity",
        "10,1,-nan",
        "11,1,x",  # forces the block through the text fallback
        "12,1,1e5",
        "99999999999999999999,1,1",  # beyond int64: bad
        "14,1,0x1A",  # hex: bad
        "15,1,+2.5E-1",
    ]
    log = Log.load(write_log(HEADER + "\n".join(rows) + "\n"))
    signal = log["a.b"]
    assert signal.timestamps.tolist() == [0, 7, 8, 10, 12, 15]
    assert signal.values[[0, 1, 2, 4, 5]].tolist() == [1.0, 0.5, np.inf, 1e5, 0.25]
    assert np.isnan(signal.values[3])
    assert log.bad_lines == [3, 8, 10, 11]


def test_invalid_utf8_and_spaces_in_the_text_fallback(write_log) -> None:
    data = HEADER.encode() + b"1,1,1\n2,1,\xff\xfe\n 3 , 1 , 3.5 \n4,x,4\n"
    log = Log.load(write_log(data))
    assert log["a.b"].timestamps.tolist() == [1, 3]
    assert log["a.b"].values.tolist() == [1.0, 3.5]
    assert log.bad_lines == [4, 6]


def test_same_name_on_two_ids_is_reported(write_log) -> None:
    log = Log.load(write_log("PER Log v2.0\nValue x: 1\nValue x: 2\n1,1,1\n2,2,2\n"))
    assert log["x"].id == 2 and log[1].name == "x" and len(log) == 2
    assert "name x is declared by ids [1, 2]; log['x'] is id 2" in log.warnings


def test_large_mapping_block_and_bom(write_log) -> None:
    mapping = "".join(f"Value Signal {i} (sig.s{i}): {i}\n" for i in range(1, 5001))
    log = Log.load(write_log("\ufeffPER Log v2.0\n" + mapping + "1,4999,7\n"))
    assert len(log) == 5000 and log["sig.s4999"].values.tolist() == [7.0]
    assert log.header == "PER Log v2.0" and log.time_unit == "us"


def test_reused_block_buffers_keep_blocks_apart(write_log, monkeypatch) -> None:
    """Blocks are read into reused buffers: an invalid UTF-8 row after ASCII blocks, a line
    longer than a block (a bigger buffer) and short blocks after it parse as on their own."""
    monkeypatch.setattr(reader_module, "BLOCK_BYTES", 64)
    rows = [f"{t},1,{t}".encode() for t in range(300)]
    rows[120] = b"120,1,\xff\xfe"
    rows[200] = b"200,1," + b"5" * 300
    log = Log.load(write_log(HEADER.encode() + b"\n".join(rows) + b"\n"), parsing_errors_limit=0)
    kept = [t for t in range(300) if t != 120]
    assert log["a.b"].timestamps.tolist() == kept
    assert log["a.b"].values.tolist() == [float("5" * 300) if t == 200 else t for t in kept]
    assert log.bad_lines == [123]
