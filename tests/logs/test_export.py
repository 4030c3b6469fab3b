"""Export to CSV (a PER log that parses back) and Parquet; round trips are exact."""

import json

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perda_tui.logs import Log, Signal, export_csv, export_parquet

any_float = st.floats(allow_nan=True, allow_infinity=True, width=64)
samples = st.lists(st.tuples(st.integers(-(2**62), 2**62), any_float), min_size=1, max_size=50)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(samples, min_size=1, max_size=4), st.sampled_from(["us", "ms"]))
def test_csv_round_trip(tmp_path, signals, unit) -> None:
    originals = [
        Signal(
            [t for t, _ in rows],
            [v for _, v in rows],
            name=f"sig.n{i}",
            description=f"Signal {i} (V)" if i % 2 else "",
            id=10 + i,
            time_unit=unit,
        )
        for i, rows in enumerate(signals)
    ]
    log = Log.load(export_csv(originals, tmp_path / "out.csv"))
    assert log.time_unit == unit and log.parse_errors == 0
    for original in originals:
        back = log[original.name]
        assert back.id == original.id and back.description == original.description
        np.testing.assert_array_equal(back.timestamps, original.timestamps)
        np.testing.assert_array_equal(back.values, original.values)


def test_csv_window_and_ids_for_signals_without_one(tmp_path) -> None:
    a = Signal([1, 5, 9], [1.0, 5.0, 9.0], name="a")
    b = Signal([2, 6], [0.1, 0.2], name="b", id=1)
    log = Log.load(export_csv([a, b], tmp_path / "w.csv", start=2, end=6))
    assert log["a"].timestamps.tolist() == [5] and log["b"].values.tolist() == [0.1, 0.2]
    assert log["b"].id == 1 and log["a"].id == 2
    text = (tmp_path / "w.csv").read_text().splitlines()
    assert text[:3] == ["PER Log: v2.0", "Value a: 2", "Value b: 1"]
    assert text[3:] == ["2,1,0.1", "5,2,5", "6,1,0.2"]


def test_parquet_long_table(tmp_path) -> None:
    a = Signal([1, 3], [1.5, 3.5], name="a", description="Alpha", id=7, time_unit="ms")
    b = Signal([2], [2.5], name="b", id=8, time_unit="ms")
    table = pq.read_table(export_parquet([a, b], tmp_path / "x.parquet", start=1, end=2))
    assert table.column("timestamp").to_pylist() == [1, 2]
    assert table.column("signal").to_pylist() == ["a", "b"]
    assert table.column("value").to_pylist() == [1.5, 2.5]
    meta = json.loads(table.schema.metadata[b"perda_tui"])
    assert meta["time_unit"] == "ms"
    assert meta["signals"][0] == {"name": "a", "id": 7, "description": "Alpha"}


def test_derived_signal_names_survive_a_csv_round_trip(tmp_path) -> None:
    a = Signal([0, 10], [1.0, 3.0], name="a", description="Alpha (V)")
    b = Signal([0, 10], [3.0, 5.0], name="b")
    mean = (a + b) / 2
    log = Log.load(export_csv([a, mean], tmp_path / "d.csv"))
    assert log.names == ["a", "[[a + b] / 2]"]
    assert log["a"].description == "Alpha (V)"
    assert log["[[a + b] / 2]"].values.tolist() == [2.0, 4.0]


def test_an_existing_file_is_kept_unless_overwrite(tmp_path, monkeypatch) -> None:
    a = Signal([1, 2], [1.0, 2.0], name="a")
    for export, name in ((export_csv, "k.csv"), (export_parquet, "k.parquet")):
        target = tmp_path / name
        target.write_text("keep me")
        with pytest.raises(FileExistsError):
            export([a], target, overwrite=False)
        assert target.read_text() == "keep me"
        export([a], target, overwrite=True)
        assert target.read_bytes() != b"keep me"
    monkeypatch.setattr("os.link", lambda *_: (_ for _ in ()).throw(PermissionError("no links")))
    fresh = export_csv([a], tmp_path / "fresh.csv", overwrite=False)  # FAT: no hard links
    assert Log.load(fresh)["a"].values.tolist() == [1.0, 2.0]
    with pytest.raises(FileExistsError):
        export_csv([a], fresh, overwrite=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.csv", "k.csv", "k.parquet"]
