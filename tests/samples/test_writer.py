"""Sample logs are written by the log engine's PER CSV writer, so they read back exactly."""

from __future__ import annotations

from pathlib import Path

from perda_tui.logs import Log
from perda_tui.logs.export import export_csv
from perda_tui.samples.channels import channels
from perda_tui.samples.writer import DEFAULT_RECORDED, write_sample_log


def split(path: Path, header_lines: int) -> tuple[list[str], list[str]]:
    """The header lines, and the data rows sorted (samples within one microsecond may be
    written in either order)."""
    lines = path.read_text().splitlines()
    return lines[:header_lines], sorted(lines[header_lines:])


def test_a_sample_log_exported_again_is_the_same_log(tmp_path: Path) -> None:
    sample = write_sample_log(tmp_path / "sample.csv", 6_000, signals=30)
    log = Log.load(sample)
    assert log.sample_count == 6_000 and log.parse_errors == 0 and not log.warnings
    assert log.recording_time == DEFAULT_RECORDED
    assert [s.name for s in log] == [c.name for c in channels(30)]
    again = export_csv(list(log), tmp_path / "again.csv", recording_time=log.recording_time)
    assert split(again, 31) == split(sample, 31)  # same header, same rows, same text
