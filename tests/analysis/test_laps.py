"""Lap detection against the sample generator's true lap times, the lap table against
numpy references, lap distance, time variance and the lap settings file."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np
import pytest

from perda_tui.analysis.lap_overlay import lap_distance, lap_trace, time_variance
from perda_tui.analysis.lap_table import DEFAULT_COLUMNS, lap_table, lap_table_json
from perda_tui.analysis.laps import LapError, debounce, find_laps, parse_line
from perda_tui.analysis.tracks import FILE_NAME, load_lap_settings, save_line
from perda_tui.logs import Log, Signal
from perda_tui.samples.laps import Loop, start_finish_line
from tests.samples.lapped import SampleRun, lapped_runs


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[SampleRun]:
    return lapped_runs(tmp_path_factory.mktemp("lapped"))


def timed_seconds(log: Log, **how: object) -> np.ndarray:
    laps = find_laps(log, **how)  # type: ignore[arg-type]
    return np.array([lap.seconds(log.seconds_per_unit) for lap in laps if lap.kind == "timed"])


def sample_period(signal: Signal) -> float:
    return float(np.median(np.diff(signal.timestamps))) * signal.seconds_per_unit


def test_gps_laps_match_the_truth_within_one_gps_sample(runs: list[SampleRun]) -> None:
    for run in runs:
        line = parse_line(str(run.meta["string_metadata"]["start_finish"]))
        found = timed_seconds(run.log, line=line)
        assert len(found) == len(run.lap_times), run.path.name
        error = np.abs(found - np.array(run.lap_times)).max()
        assert error <= sample_period(run.log["gps.lat"]), (run.path.name, error)


def test_beacon_laps_match_the_truth_within_one_beacon_sample(runs: list[SampleRun]) -> None:
    for run in runs:
        found = timed_seconds(run.log, beacon="timing.lap_beacon")
        error = np.abs(found - np.array(run.lap_times)).max()
        assert error <= sample_period(run.log["timing.lap_beacon"]), run.path.name


def test_out_and_in_laps_are_marked(runs: list[SampleRun]) -> None:
    log = runs[0].log
    laps = find_laps(log, line=start_finish_line())
    assert [lap.label for lap in laps] == ["out", "1", "2", "3", "in"]
    assert laps[0].start == log.start_time and laps[-1].end == log.end_time
    assert all(a.end == b.start for a, b in itertools.pairwise(laps))


def test_lap_table_against_numpy(runs: list[SampleRun]) -> None:
    log = runs[1].log
    laps = find_laps(log, line=start_finish_line())
    rows = lap_table(log, laps)
    times = [r.seconds for r in rows if r.lap.kind == "timed"]
    best = min(times)
    assert [r.best for r in rows].count(True) == 1
    assert [r.delta for r in rows if r.lap.kind == "timed"] == [t - best for t in times]
    assert rows[0].delta is None and rows[-1].delta is None
    lap = rows[2].lap
    speed, power, cell = log["gps.speed"], log["ams.pack.power"], log["ams.cells.v_min"]

    def window(signal: Signal) -> tuple[np.ndarray, np.ndarray]:
        keep = (signal.timestamps >= lap.start) & (signal.timestamps <= lap.end)
        return signal.timestamps[keep], signal.values[keep]

    t, p = window(power)
    energy = np.trapezoid(p, (t - t[0]) * 1e-6) / 3600
    assert rows[2].figures == pytest.approx((window(speed)[1].max(), energy, window(cell)[1].min()))
    assert 0.01 < energy < 0.2  # kWh per lap of a small electric car
    assert lap_table_json(rows, DEFAULT_COLUMNS)[2]["Max speed"] == pytest.approx(
        window(speed)[1].max()
    )


def test_missing_column_signal_is_nan(runs: list[SampleRun]) -> None:
    log = runs[0].log
    thin = Log([log["gps.lat"], log["gps.lon"]], time_unit=log.time_unit)
    rows = lap_table(thin, find_laps(thin, line=start_finish_line()))
    assert all(np.isnan(v) for v in rows[1].figures)
    assert lap_table_json(rows, DEFAULT_COLUMNS)[1]["Energy"] is None


def test_lap_distance_gps_and_wheel(runs: list[SampleRun]) -> None:
    log = runs[0].log
    laps = find_laps(log, line=start_finish_line())
    length = Loop.build().length
    gps = lap_distance(log, laps[1], "gps")
    wheel = lap_distance(log, laps[1], "wheel")
    assert gps.length == pytest.approx(length, rel=0.01)
    assert wheel.length == pytest.approx(length, rel=0.02)
    x, y = lap_trace(log, laps[1], "gps.speed", distance=gps, scale_to=1000.0)
    assert x[0] >= 0 and x[-1] <= 1000.0 + 1e-9 and len(x) == len(y)
    t, _ = lap_trace(log, laps[1], "gps.speed", by="time")
    assert t[-1] <= laps[1].seconds(log.seconds_per_unit)


def test_time_variance_ends_at_the_lap_time_difference(runs: list[SampleRun]) -> None:
    log = runs[0].log
    laps = find_laps(log, line=start_finish_line())
    a, b = lap_distance(log, laps[1]), lap_distance(log, laps[2])
    grid, dt = time_variance(a, b)
    assert grid[0] == 0 and grid[-1] == pytest.approx(a.length)
    assert dt[0] == pytest.approx(0, abs=0.2)
    spu = log.seconds_per_unit
    expected = laps[2].seconds(spu) - laps[1].seconds(spu)
    assert dt[-1] == pytest.approx(expected, abs=0.25)  # within a GPS sample or two
    assert np.allclose(time_variance(a, a)[1], 0)


def test_errors_are_one_line(runs: list[SampleRun]) -> None:
    log = runs[0].log
    no_gps = Log([log["gps.speed"]], time_unit=log.time_unit)
    with pytest.raises(LapError, match="no GPS"):
        find_laps(no_gps, line=start_finish_line())
    with pytest.raises(LapError, match="never crosses"):
        find_laps(log, line=(10.0, 10.0, 10.0001, 10.0))
    with pytest.raises(LapError, match="no lap beacon"):
        find_laps(log, beacon="nope")
    with pytest.raises(LapError, match="no start/finish line"):
        find_laps(log)
    for bad in ("1,2,3", "a,b,c,d", "91,0,0,0", "1,1,1,1", "nan,0,1,1"):
        with pytest.raises(LapError):
            parse_line(bad)


def test_debounce_keeps_the_first_of_close_crossings() -> None:
    assert debounce(np.array([0.0, 1.0, 12.0, 13.0, 30.0]), 10.0).tolist() == [0.0, 12.0, 30.0]


def test_lap_settings_round_trip(tmp_path: Path) -> None:
    assert load_lap_settings(tmp_path).lines == {}
    line = start_finish_line()
    path = save_line(tmp_path / "cfg", "Pitt Race", line)
    assert os.stat(path).st_mode & 0o777 == 0o600
    settings = load_lap_settings(tmp_path / "cfg")
    assert settings.lines == {"Pitt Race": line}
    assert settings.line_for({"track": "Pitt Race"}) == line
    assert settings.line_for({"track": "x", "start_finish": "1,2,3,4"}) == (1, 2, 3, 4)
    assert settings.line_for({"track": "x", "start_finish": "junk"}) is None
    columns = '[[columns]]\ntitle = "Peak"\nsignal = "gps.speed"\nstat = "max"\nunit = "km/h"\n'
    path.write_text(f'beacon = "timing.lap_beacon"\n{path.read_text()}{columns}')
    settings = load_lap_settings(tmp_path / "cfg")
    assert settings.beacon == "timing.lap_beacon"
    assert [c.title for c in settings.columns] == ["Peak"]
    save_line(tmp_path / "cfg", "Other", line)  # keeps the rest of the file
    assert load_lap_settings(tmp_path / "cfg").beacon == "timing.lap_beacon"


@pytest.mark.parametrize(
    "text",
    [
        "not toml [",
        "tracks = 3",
        '[tracks.x]\nline = "a"',
        "beacon = 4",
        "columns = 1",
        '[[columns]]\ntitle = "x"\nsignal = "y"\nstat = "median"',
    ],
)
def test_bad_lap_settings_are_one_line_errors(tmp_path: Path, text: str) -> None:
    (tmp_path / FILE_NAME).write_text(text)
    with pytest.raises(LapError) as error:
        load_lap_settings(tmp_path)
    assert "\n" not in str(error.value)


def test_huge_lap_settings_are_refused(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text("#" * 300_000)
    with pytest.raises(LapError, match="larger than"):
        load_lap_settings(tmp_path)


def test_a_line_picked_on_the_track_finds_the_same_laps(runs: list[SampleRun]) -> None:
    from perda_tui.analysis.laps import line_across

    run = runs[0]
    lat, lon = run.log["gps.lat"].values, run.log["gps.lon"].values
    true_line = start_finish_line()
    centre = ((true_line[0] + true_line[2]) / 2, (true_line[1] + true_line[3]) / 2)
    moving = run.log["gps.speed"].values > 20
    index = int(np.argmin(np.hypot(lat - centre[0], lon - centre[1]) + 1.0 * ~moving))
    picked = line_across(lat, lon, index)
    half = np.hypot(picked[0] - picked[2], (picked[1] - picked[3]) * np.cos(np.radians(42)))
    assert half * 111_195 / 2 == pytest.approx(15.0, rel=0.01)  # 15 m either side
    found = timed_seconds(run.log, line=picked)
    # the picked fix is within one fix of the true line: the same lap times
    assert np.abs(found - np.array(run.lap_times)).max() <= sample_period(run.log["gps.lat"])
    with pytest.raises(LapError):
        line_across(lat[:2], lon[:2], 0)
