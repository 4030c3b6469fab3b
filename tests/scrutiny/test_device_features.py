"""Watch list, guarded writes, acquisitions, recordings and the CLI twins against the real
0.16 server and its demo device; the 0.1.0 server says these are not available."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from perda_tui.cli.main import main
from perda_tui.clients.scrutiny import (
    DataloggingConfig,
    NotSupported,
    ScrutinyClient,
    TriggerCondition,
    ValueUpdate,
    WatchableType,
    WriteNotAllowed,
    parse_trigger,
)
from perda_tui.logs import Log
from perda_tui.server.scrutiny_launcher import RunningScrutinyServer
from perda_tui.tui.device.records import (
    CONNECTED_SIGNAL,
    Recorder,
    WriteRecord,
    acquisition_log,
    append_write,
    export_acquisition,
)

pytestmark = pytest.mark.scrutiny
FREQUENCY = "/global/sinewave_generator/frequency"


@pytest.fixture
def client(demo_server: RunningScrutinyServer) -> Iterator[ScrutinyClient]:
    with ScrutinyClient.from_url(demo_server.url).connect() as connected:
        connected.wait_device_ready(10)
        yield connected


def test_watchable_list_has_the_demo_rpvs_aliases_and_variables(client: ScrutinyClient) -> None:
    entries = client.get_watchable_list()
    by_path = {entry.path: entry for entry in entries}
    assert by_path["/rpv/x1000"].type == WatchableType.RuntimePublishedValue
    assert by_path["/rpv/x1000"].datatype == "float32"
    assert by_path["/Sine Wave"].type == WatchableType.Alias
    assert by_path[FREQUENCY].type == WatchableType.Variable
    assert len(by_path) == len(entries)  # every part once, no duplicates


def test_write_is_refused_without_permission_then_confirmed_by_the_device(
    client: ScrutinyClient, tmp_path: Path
) -> None:
    handle = client.watch(FREQUENCY)
    handle.wait_update(5)
    old = handle.value
    with pytest.raises(WriteNotAllowed):
        client.write(FREQUENCY, old + 1.5)
    client.allow_writes = True
    client.write(FREQUENCY, old + 1.5)
    for _ in range(20):  # values that were in flight before the write may come first
        if handle.value == pytest.approx(old + 1.5):
            break
        handle.wait_update(5)
    assert handle.value == pytest.approx(old + 1.5)
    log = append_write(tmp_path, WriteRecord("tcp://x:1", "fw", FREQUENCY, old, old + 1.5))
    line = json.loads(log.read_text().splitlines()[-1])
    assert line["path"] == FREQUENCY and line["old"] == old and line["new"] == old + 1.5
    assert line["server"] == "tcp://x:1" and line["firmware_id"] == "fw" and line["time"]


def test_acquisition_with_a_trigger_fetch_export_reopen_rename_delete(
    client: ScrutinyClient, tmp_path: Path
) -> None:
    capabilities = client.get_datalogging_capabilities()
    assert capabilities is not None and capabilities.sampling_rates
    condition, operands = parse_trigger("/rpv/x1000 > 0.5")
    assert condition == TriggerCondition.GreaterThan
    config = DataloggingConfig(
        sampling_rate=capabilities.sampling_rates[0].identifier,
        signals=["/rpv/x1000", "/Sine Wave"],
        condition=condition,
        operands=operands,
        trigger_position=0.25,
        name="trigger test",
    )
    acquisition = client.start_datalog(config).wait_and_fetch(60)
    assert [s.logged_path for s in acquisition.signals] == ["/rpv/x1000", "/Sine Wave"]
    points = len(acquisition.xdata.data)
    assert points > 10 and all(len(s.data) == points for s in acquisition.signals)
    assert acquisition.trigger_index is not None
    assert acquisition.signals[0].data[acquisition.trigger_index] > 0.5  # condition held

    log = acquisition_log(acquisition)
    assert log.names == ["/rpv/x1000", "/Sine Wave"]
    x = acquisition.xdata.data
    np.testing.assert_array_equal(
        log["/rpv/x1000"].timestamps, np.round((x - x[0]) * 1e6).astype(np.int64)
    )
    path = export_acquisition(acquisition, tmp_path / "acq.csv")
    reopened = Log.load(path)
    for series in acquisition.signals:
        np.testing.assert_array_equal(reopened[series.name].values, series.data)

    stored = client.list_stored_datalogging_acquisitions()
    assert [e.reference_id for e in stored] == [acquisition.reference_id]
    assert stored[0].name == "trigger test"
    client.update_datalogging_acquisition(acquisition.reference_id, "renamed")
    assert client.list_stored_datalogging_acquisitions()[0].name == "renamed"
    client.delete_datalogging_acquisition(acquisition.reference_id)
    assert client.list_stored_datalogging_acquisitions() == []


def test_recording_keeps_values_and_shows_the_gap_when_the_server_goes(
    demo_server: RunningScrutinyServer, tmp_path: Path
) -> None:
    recorder = Recorder.start(tmp_path, ["/rpv/x1000"])
    enough = threading.Event()
    lost = threading.Event()
    received: list[float] = []

    def on_values(updates: list[ValueUpdate]) -> None:
        recorder.add([(u.path, u.value, u.timestamp) for u in updates])
        received.extend(float(u.value) for u in updates)
        if len(received) >= 5:
            enough.set()

    client = ScrutinyClient.from_url(
        demo_server.url,
        on_values=on_values,
        on_status=lambda event: lost.set() if event.lost else None,
    ).connect()
    try:
        client.wait_device_ready(10)
        client.watch("/rpv/x1000", rate=50)
        assert enough.wait(10)
        demo_server.kill()
        assert lost.wait(10)
        recorder.connection(False)
    finally:
        client.disconnect()
    path = recorder.stop()
    log = Log.load(path)
    kept = log["/rpv/x1000"].values
    assert len(kept) == len(received) + 1  # every value received, then the gap mark
    np.testing.assert_allclose(kept[:-1], received)
    assert np.isnan(kept[-1])
    assert list(log[CONNECTED_SIGNAL].values) == [1.0, 0.0]
    assert log.recording_time is not None


def test_cli_watch_acquire_and_acquisitions(
    demo_server: RunningScrutinyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "watch.csv"
    argv = ["device", "watch", demo_server.url, "/rpv/x1000", "--seconds", "1", "--out", str(out)]
    assert main([*argv, "--rate", "20"]) == 0
    watched = Log.load(out)
    assert len(watched["/rpv/x1000"]) >= 1
    assert "/rpv/x1000\t" in capsys.readouterr().out

    acq = tmp_path / "acq.csv"
    argv = ["device", "acquire", demo_server.url, "--signal", "/rpv/x1000"]
    assert main([*argv, "--trigger", "/rpv/x1000 > 0.5", "--out", str(acq)]) == 0
    reference = capsys.readouterr().out.split("\t")[0]
    assert len(Log.load(acq)["/rpv/x1000"]) > 10

    assert main(["device", "acquisitions", demo_server.url, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [entry["reference_id"] for entry in listed] == [reference]
    assert main(["device", "acquire", demo_server.url, "--signal", "/a", "--out", str(acq)]) == 1
    assert "exists" in capsys.readouterr().err


def test_legacy_server_says_not_available(ws_server: RunningScrutinyServer) -> None:
    with ScrutinyClient.from_url(ws_server.url, allow_writes=True).connect() as client:
        for call in (
            client.get_watchable_list,
            client.list_stored_datalogging_acquisitions,
            lambda: client.write("/a", 1),
            lambda: client.start_datalog(DataloggingConfig(sampling_rate=0, signals=["/a"])),
        ):
            with pytest.raises(NotSupported, match="not available on this server"):
                call()


def test_allow_writes_flag_before_or_after_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """`perda-tui device [--allow-writes] URL [--allow-writes]` opens the screen with
    writes allowed; without the flag they are off (it is never read from the config)."""
    from perda_tui.cli import app as cli_app
    from perda_tui.config import Settings, load_settings

    opened: list[Settings] = []
    monkeypatch.setattr(cli_app, "run_app", lambda args: opened.append(load_settings(args)) or 0)
    for argv in (
        ["device", "--allow-writes", "tcp://h:2"],
        ["device", "tcp://h:2", "--allow-writes"],
        ["device", "tcp://h:2"],
    ):
        assert main(argv) == 0
    assert [(s.scrutiny_url, s.allow_writes) for s in opened] == [
        ("tcp://h:2", True),
        ("tcp://h:2", True),
        ("tcp://h:2", False),
    ]
