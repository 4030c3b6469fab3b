"""Wall-clock time: the header's recording time is raw timestamp 0, in logs and exports."""

from datetime import datetime, timedelta

import numpy as np
import pyarrow.parquet as pq

from perda_tui.logs import Log, export_csv, export_parquet
from tests.logs.conftest import SPEC_EXAMPLE

RECORDED = datetime(2026, 6, 11, 17, 6, 37)


def test_recording_time_is_raw_zero_in_either_unit(write_log) -> None:
    us = Log.load(write_log(SPEC_EXAMPLE))
    assert us.wall_clock(0) == RECORDED
    assert us.wall_clock(1_500_000) == RECORDED + timedelta(seconds=1.5)
    assert us.wall_clock(np.int64(7)) == RECORDED + timedelta(microseconds=7)
    ms = Log.load(write_log(SPEC_EXAMPLE.replace(" v2.0", " v1.0"), "ms.csv"))
    assert ms.time_unit == "ms" and ms.wall_clock(250) == RECORDED + timedelta(seconds=0.25)
    assert ms.wall_clock(0.5) == RECORDED + timedelta(microseconds=500)


def test_no_recording_time_or_out_of_range_has_no_wall_clock(write_log) -> None:
    log = Log.load(write_log("PER Log: sometime v2.0\nValue a: 1\n1,1,1\n"))
    assert log.wall_clock(1) is None and log.wall_clock_array(np.array([1])) is None
    dated = Log.load(write_log(SPEC_EXAMPLE, "dated.csv"))
    assert dated.wall_clock(2**62 * 10**3) is None
    times = dated.wall_clock_array(np.array([0, 2**62]))
    assert times is not None and times[0] == np.datetime64(RECORDED) and np.isnat(times[1])


def test_vectorised_form_matches_the_scalar_one(write_log) -> None:
    log = Log.load(write_log(SPEC_EXAMPLE))
    raw = log["ams.pack.voltage"].timestamps
    times = log.wall_clock_array(raw)
    assert times is not None
    assert times.tolist() == [log.wall_clock(int(t)) for t in raw]


def test_an_exported_window_keeps_every_samples_wall_clock(sample_log_path, tmp_path) -> None:
    """open → export a window → open the export → same wall-clock times for the same samples."""
    log = Log.load(sample_log_path)
    signal = log["ams.pack.voltage"]
    start, end = int(signal.timestamps[100]), int(signal.timestamps[-100])
    exported = Log.load(
        export_csv([signal], tmp_path / "w.csv", start, end, recording_time=log.recording_time)
    )
    back = exported["ams.pack.voltage"].timestamps
    assert exported.start_time == start  # the export's first sample is not raw 0
    assert [exported.wall_clock(int(t)) for t in back] == [log.wall_clock(int(t)) for t in back]
    table = pq.read_table(
        export_parquet([signal], tmp_path / "w.parquet", start, end, recording_time=RECORDED)
    )
    assert table.column("wall_clock").to_pylist() == [
        RECORDED + timedelta(microseconds=t) for t in table.column("timestamp").to_pylist()
    ]
