"""Files that are not PER logs get one clear error saying what was found."""

import gzip

import numpy as np
import pytest

from perda_tui.logs import Log, LogParseError, TooManyParseErrors

HTML = b"""<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><h1>502 Bad Gateway</h1></body></html>
"""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "log.csv is empty (0 bytes), not a PER log"),
        (
            b"\x00\x01\x02\x03binary\x00stuff\n",
            "log.csv holds binary data (starts with 00 01 02 03",
        ),
        (gzip.compress(b"PER Log v2.0\n1,1,1\n"), "log.csv is gzip-compressed data, not a PER log"),
        (HTML, 'log.csv is an HTML page titled "502 Bad Gateway"'),
        (b'{"detail": "Not Found"}', 'log.csv is a JSON document ({"detail": "not found"})'),
    ],
)
def test_non_log_files_are_named(write_log, content: bytes, message: str) -> None:
    with pytest.raises(LogParseError) as caught:
        Log.load(write_log(content))
    assert message in str(caught.value)


def test_missing_file_is_a_log_parse_error(tmp_path) -> None:
    with pytest.raises(LogParseError, match="cannot read"):
        Log.load(tmp_path / "absent.csv")


def test_truncated_inside_the_header(write_log) -> None:
    with pytest.raises(LogParseError, match="no valid data points: no data rows"):
        Log.load(write_log("PER Log: Thu Jun 11 17:0"))


def test_truncated_inside_the_mapping_block(write_log) -> None:
    with pytest.raises(LogParseError, match="no valid data points: no data rows"):
        Log.load(write_log("PER Log v2.0\nValue a: 1\nValue pack.vol"))


def test_truncated_mid_row_keeps_the_rest_and_says_so(write_log) -> None:
    log = Log.load(write_log("PER Log v2.0\nValue a: 1\n1,1,1\n2,1,2\n3,1"))
    assert log["a"].timestamps.tolist() == [1, 2]
    assert log.parse_errors == 1 and log.bad_lines == [5]
    assert any("ends in the middle of a row" in w for w in log.warnings)


def test_other_csv_is_not_mistaken_for_a_log(write_log) -> None:
    rows = "".join(f"{i},name{i},x,y\n" for i in range(200))
    with pytest.raises(TooManyParseErrors) as caught:
        Log.load(write_log("id,name,a,b\n" + rows))
    message = str(caught.value)
    assert caught.value.count >= 100
    assert f"stopped after {caught.value.count} malformed data rows (limit 100)" in message
    assert "first at lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11" in message
    assert 'Is this a PER log? Its first line is "id,name,a,b"' in message


def test_only_bad_rows_without_limit(write_log) -> None:
    with pytest.raises(
        LogParseError, match=r"no valid data points: 2 malformed rows \(first at lines 3, 4\)"
    ):
        Log.load(write_log("PER Log v2.0\nValue a: 1\nfoo\nbar\n"), parsing_errors_limit=0)


def test_random_bytes_after_a_valid_start_are_bad_rows(write_log) -> None:
    garbage = bytes(range(256)) * 40 + b"\x00" * 5000
    log = Log.load(
        write_log(b"PER Log v2.0\nValue a: 1\n1,1,1\n" + garbage), parsing_errors_limit=0
    )
    assert log["a"].timestamps.tolist() == [1]
    assert log.parse_errors > 0 and log.bad_lines[0] == 4
    assert any("ends in the middle of a row" in w for w in log.warnings)


def test_endless_line_is_cut_into_bad_rows(write_log, monkeypatch) -> None:
    from perda_tui.logs import reader

    monkeypatch.setattr(reader, "LONGEST_LINE", 1000)
    monkeypatch.setattr(reader, "BLOCK_BYTES", 300)
    log = Log.load(
        write_log("PER Log v2.0\nValue a: 1\n1,1,1\n" + "x" * 5000), parsing_errors_limit=0
    )
    assert log["a"].timestamps.tolist() == [1]
    assert log.parse_errors >= 2


def test_random_bytes_are_always_called_binary(write_log) -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        path = write_log(rng.integers(0, 256, 5000, dtype=np.uint8).tobytes())
        with pytest.raises(LogParseError, match="holds binary data"):
            Log.load(path)


def test_zero_filled_tail_after_a_power_loss_is_still_a_log(write_log) -> None:
    content = b"PER Log v2.0\nValue a: 1\n1,1,1\n2,1,2\n3,1" + b"\x00" * 3000
    log = Log.load(write_log(content))
    assert log["a"].values.tolist() == [1.0, 2.0]
    assert log.parse_errors == 1 and log.bad_lines == [5]
    assert any("ends in the middle of a row" in w for w in log.warnings)
    with pytest.raises(LogParseError, match="no valid data points: 1 malformed rows"):
        Log.load(write_log(b"PER Log v2.0\n" + b"\x00" * 3000))
