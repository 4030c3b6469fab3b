"""Parity with the official SDK (scrutinydebugger 0.16 in `.venv-scrutiny`, run there as a
subprocess: the app's virtualenv never depends on it). The same stored acquisition read by
the SDK and by our client has the same signals, sample counts and values."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

from perda_tui.clients.scrutiny import DataloggingConfig, ScrutinyClient, parse_trigger
from perda_tui.server.scrutiny_launcher import RunningScrutinyServer, scrutiny_executable

pytestmark = pytest.mark.scrutiny

SDK_READ = """
import json, sys
from scrutiny.sdk.client import ScrutinyClient
client = ScrutinyClient()
with client.connect(sys.argv[1], int(sys.argv[2])):
    acq = client.read_datalogging_acquisition(sys.argv[3])
    stored = client.list_stored_datalogging_acquisitions()
series = [acq.xdata, *(pair.series for pair in acq.get_data())]
print(json.dumps({
    "name": acq.name,
    "firmware_id": acq.firmware_id,
    "series": [[s.name, s.logged_watchable.path if s.logged_watchable else None, s.get_data()]
               for s in series],
    "listed": [e.reference_id for e in stored],
}))
"""


def test_acquisition_read_by_us_equals_the_sdk(demo_server: RunningScrutinyServer) -> None:
    with ScrutinyClient.from_url(demo_server.url).connect() as client:
        client.wait_device_ready(10)
        condition, operands = parse_trigger("/Sine Wave > 0")
        config = DataloggingConfig(
            sampling_rate=0,
            signals=["/rpv/x1000", "/rpv/x2000", "/Sine Wave"],
            condition=condition,
            operands=operands,
            decimation=2,
            name="parity",
        )
        ours = client.start_datalog(config).wait_and_fetch(60)
        listed = [e.reference_id for e in client.list_stored_datalogging_acquisitions()]
    python = scrutiny_executable("tcp").parent / "python"
    run = subprocess.run(
        [str(python), "-c", SDK_READ, "127.0.0.1", str(demo_server.port), ours.reference_id],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    sdk = json.loads(run.stdout)
    assert sdk["name"] == ours.name == "parity"
    assert sdk["firmware_id"] == ours.firmware_id
    assert sdk["listed"] == listed
    mine = [ours.xdata, *ours.signals]
    assert [(name, path) for name, path, _ in sdk["series"]] == [
        (s.name, s.logged_path) for s in mine
    ]
    for (_, _, data), series in zip(sdk["series"], mine, strict=True):
        assert len(data) == len(series.data) > 10
        np.testing.assert_array_equal(np.asarray(data, dtype=np.float64), series.data)
