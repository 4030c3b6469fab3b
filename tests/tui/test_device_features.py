"""The device screen beyond status, against the real Scrutiny 0.16 demo device: watchables
picked from the firmware's list, guarded writes, an acquisition opened in the plot screen,
stored acquisitions, a recording, a value snapshot; the 0.1.0 server says what it cannot do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from perda_tui.clients.scrutiny import (
    DataloggerState,
    DataloggingConfig,
    ScrutinyClient,
    TriggerCondition,
    ValueUpdate,
)
from perda_tui.config import Settings
from perda_tui.logs import Log
from perda_tui.server.scrutiny_launcher import RunningScrutinyServer
from perda_tui.tui.app import PerdaApp
from perda_tui.tui.device.chart import REDRAWS_PER_S, LiveChart
from perda_tui.tui.device.records import CONNECTED_SIGNAL, write_log_path
from perda_tui.tui.device.screen import DeviceScreen
from perda_tui.tui.device.watch_table import WatchTable
from tests.tui.conftest import wait_for, wait_screen
from tests.tui.test_device import badge, device_screen

pytestmark = [pytest.mark.anyio, pytest.mark.scrutiny]
FREQUENCY = "/global/sinewave_generator/frequency"


def app_for(url: str, cache_dir: Path, *, allow_writes: bool = False) -> PerdaApp:
    settings = Settings(scrutiny_url=url, cache_dir=cache_dir, allow_writes=allow_writes)
    return PerdaApp(settings, screen="device")


def notified(pilot, text: str) -> bool:
    return any(text in str(n.message) for n in pilot.app._notifications)


async def ready(pilot) -> DeviceScreen:
    screen = await device_screen(pilot)
    await wait_for(pilot, lambda: badge(pilot) == "READY", timeout=20)
    await wait_for(pilot, lambda: screen.info is not None and screen.info.sfd is not None)
    return screen


async def pick(pilot, query: str) -> None:
    """Ctrl+B, type `query`, Enter: watch the first match."""
    await pilot.press("ctrl+b")
    await wait_screen(pilot, "WatchPicker")
    picker = pilot.app.screen
    await wait_for(pilot, lambda: bool(picker.entries))
    await pilot.press(*query)
    await wait_for(pilot, lambda: picker.query_one(OptionList).option_count >= 1)
    await pilot.press("enter")
    await wait_screen(pilot, "DeviceScreen")


async def test_picked_from_the_firmware_list_and_shown_with_min_max_rate(
    demo_server: RunningScrutinyServer, tmp_path: Path
) -> None:
    async with app_for(demo_server.url, tmp_path).run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pick(pilot, "sine wave")
        chart = screen.query_one(LiveChart)
        assert "/Sine Wave" in chart.watches
        await wait_for(pilot, lambda: len(chart.watches["/Sine Wave"].arrivals) >= 3)
        watch = chart.watches["/Sine Wave"]
        assert watch.minimum is not None and watch.maximum is not None
        assert watch.minimum <= float(watch.value) <= watch.maximum  # type: ignore[arg-type]
        table = chart.query_one(WatchTable)
        await wait_for(pilot, lambda: "/s" in table.get_row("/Sine Wave")[4].plain)


async def test_write_refused_until_allowed_then_confirmed_and_logged(
    demo_server: RunningScrutinyServer, tmp_path: Path
) -> None:
    async with app_for(demo_server.url, tmp_path).run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pick(pilot, "sinewave_generator/frequency")
        chart = screen.query_one(LiveChart)
        await wait_for(pilot, lambda: chart.watches[FREQUENCY].received_at is not None)
        await wait_for(pilot, lambda: chart.watches[FREQUENCY].dtype == "float32")
        table = chart.query_one(WatchTable)
        table.focus()
        table.move_to(table.items.index(FREQUENCY))
        await pilot.press("w")
        await wait_for(pilot, lambda: notified(pilot, "Writes are off"))
        assert screen.client is not None and not screen.client.allow_writes

        await pilot.press("ctrl+y")
        await wait_screen(pilot, "ConfirmScreen")
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.writes_allowed)
        table.focus()
        old = chart.watches[FREQUENCY].value
        await pilot.press("w")
        await wait_screen(pilot, "PromptScreen")
        await pilot.press(*"abc", "enter")  # refused by the check: the prompt stays
        await wait_for(
            pilot,
            lambda: "not a number" in str(pilot.app.screen.query_one("#prompt-error").render()),
        )
        pilot.app.screen.query_one(Input).value = ""
        await pilot.press(*"3.25", "enter")
        await wait_screen(pilot, "ConfirmScreen")
        question = str(pilot.app.screen.query_one("#confirm-question").render())
        assert f"Write {FREQUENCY}:" in question and "→ 3.25" in question
        await pilot.press("y")
        await wait_for(pilot, lambda: notified(pilot, "(logged)"), timeout=15)
        await wait_for(pilot, lambda: chart.watches[FREQUENCY].value == 3.25)
    line = json.loads(write_log_path(tmp_path).read_text().splitlines()[-1])
    assert line["path"] == FREQUENCY and line["old"] == old and line["new"] == 3.25
    assert line["server"] == demo_server.url and line["firmware_id"]


async def test_acquisition_with_a_trigger_opens_in_the_plot_screen(
    demo_server: RunningScrutinyServer, tmp_path: Path
) -> None:
    async with app_for(demo_server.url, tmp_path).run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        chart = screen.query_one(LiveChart)
        await wait_for(pilot, lambda: "/rpv/x1000" in chart.watches)  # the demo's own watch
        await pilot.press("ctrl+g")
        await wait_screen(pilot, "AcquireDialog")
        dialog = pilot.app.screen
        await wait_for(pilot, lambda: bool(dialog.query("#acquire-arm")))  # composed
        await pilot.pause()
        dialog.query_one("#acquire-condition").value = TriggerCondition.GreaterThan
        await pilot.pause()
        dialog.query_one("#acquire-a", Input).value = "/rpv/x1000"
        dialog.query_one("#acquire-b", Input).value = "0.5"
        dialog.query_one("#acquire-name", Input).value = "pilot"
        await pilot.click("#acquire-arm")
        await wait_screen(pilot, "PlotScreen", timeout=60)  # mounted, not only pushed
        log = pilot.app.screen.source_log
        assert log.names == ["/rpv/x1000"] and len(log["/rpv/x1000"]) > 10
        assert screen.request is None
    kept = list((tmp_path / "device" / "acquisitions").glob("pilot-*.csv"))
    assert len(kept) == 1 and Log.load(kept[0]).names == ["/rpv/x1000"]


async def test_stored_acquisitions_rename_delete_and_open(
    demo_server: RunningScrutinyServer, tmp_path: Path
) -> None:
    with ScrutinyClient.from_url(demo_server.url).connect() as client:
        for signal in ("/rpv/x1000", "/Sine Wave"):
            while client.get_server_status().datalogging.state != DataloggerState.Standby:
                client.wait_server_status_update(10)  # a new request resets a busy datalogger
            config = DataloggingConfig(sampling_rate=0, signals=[signal], name=signal)
            client.start_datalog(config).wait_for_completion(60)
    async with app_for(demo_server.url, tmp_path).run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+s")
        await wait_screen(pilot, "AcquisitionsScreen")
        stored = pilot.app.screen
        await wait_for(pilot, lambda: len(stored.entries) == 2)
        await pilot.press("r")
        await wait_screen(pilot, "PromptScreen")
        pilot.app.screen.query_one(Input).value = "renamed"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "renamed" in {e.name for e in stored.entries.values()})
        await pilot.press("d")
        await wait_screen(pilot, "ConfirmScreen")
        await pilot.press("y")
        await wait_for(pilot, lambda: len(stored.entries) == 1)
        await pilot.press("enter")
        await wait_screen(pilot, "PlotScreen", timeout=30)
        assert len(pilot.app.screen.source_log.names) == 1


async def test_recording_to_the_cache_then_opened(
    demo_server: RunningScrutinyServer, tmp_path: Path
) -> None:
    async with app_for(demo_server.url, tmp_path).run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        chart = screen.query_one(LiveChart)
        await wait_for(pilot, lambda: "/rpv/x1000" in chart.watches)  # the demo's own watch
        await pilot.press("f5")
        await wait_for(pilot, lambda: screen.recorder is not None and screen.recorder.rows >= 6)
        assert "recording" in str(screen.status_line())
        await pilot.press("f5")
        await wait_screen(pilot, "PlotScreen", timeout=30)
        log = pilot.app.screen.source_log
        assert len(log["/rpv/x1000"]) >= 5 and CONNECTED_SIGNAL in log.names
    assert len(list((tmp_path / "device" / "recordings").glob("recording-*.csv"))) == 1


async def test_legacy_server_has_no_datalogger_or_list(
    ws_server: RunningScrutinyServer, tmp_path: Path
) -> None:
    async with app_for(ws_server.url, tmp_path).run_test(size=(80, 24)) as pilot:
        screen = await device_screen(pilot)
        await wait_for(pilot, lambda: screen.info is not None)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: notified(pilot, "not available on this server"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: notified(pilot, "Stored acquisitions are not available"))
        await pilot.press("ctrl+b")
        await wait_screen(pilot, "WatchPicker")
        note = pilot.app.screen.query_one("#picker-note")
        await wait_for(pilot, lambda: "not available on this server" in str(note.render()))


async def test_readouts_are_redrawn_at_most_a_few_times_a_second(tmp_path: Path) -> None:
    async with app_for("", tmp_path).run_test(size=(120, 40)) as pilot:
        screen = await device_screen(pilot)
        chart = screen.query_one(LiveChart)
        for index in range(20):
            chart.track(f"/v{index}")
        for burst in range(50):  # 50 pushes of 20 values arrive at once
            chart.add([ValueUpdate(f"/v{i}", burst * 1.0 + i, 1000.0 + burst) for i in range(20)])
        assert chart.redraws <= 1  # the first push drawn at once (before the first tick)
        table = chart.query_one(WatchTable)
        await wait_for(pilot, lambda: table.get_row("/v3")[1].plain == "52")  # the newest
        assert chart.redraws <= 2  # the other 49 waited for one redraw
        assert 2 <= REDRAWS_PER_S <= 10  # the bound
        assert (chart.watches["/v3"].minimum, chart.watches["/v3"].maximum) == (3.0, 52.0)


async def test_snapshot_saved_diffed_and_restored_with_one_confirmation(
    demo_server: RunningScrutinyServer, tmp_path: Path
) -> None:
    app = app_for(demo_server.url, tmp_path, allow_writes=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert screen.writes_allowed and "writes allowed" in screen.status_line()
        await pick(pilot, "sinewave_generator/frequency")
        chart = screen.query_one(LiveChart)
        await wait_for(pilot, lambda: chart.watches[FREQUENCY].received_at is not None)
        saved = chart.watches[FREQUENCY].value
        await pilot.press("f6")
        await wait_screen(pilot, "SnapshotsScreen")
        await pilot.press("s")
        await wait_screen(pilot, "PromptScreen")
        pilot.app.screen.query_one(Input).value = "tuned"
        await pilot.press("enter")
        snapshots = pilot.app.screen
        await wait_for(pilot, lambda: [p.stem for p in snapshots.files] == ["tuned"])
        await pilot.press("escape")

        assert screen.client is not None
        screen.client.write(FREQUENCY, saved + 2)  # the device changes meanwhile
        await wait_for(pilot, lambda: chart.watches[FREQUENCY].value == saved + 2)
        await pilot.press("f6")
        await wait_screen(pilot, "SnapshotsScreen")
        diff = pilot.app.screen.query_one("#snapshots-diff")
        await wait_for(
            pilot, lambda: f"{FREQUENCY}: {saved + 2:g} → {saved:g}" in str(diff.render())
        )
        await pilot.press("r")
        await wait_screen(pilot, "ConfirmScreen")
        question = str(pilot.app.screen.query_one("#confirm-question").render())
        # the demo's own watch (/rpv/x1000) moves all the time: restored too, listed too
        assert question.startswith("Restore 2 values?") and "/rpv/x1000: " in question
        assert f"{FREQUENCY}: {saved + 2:g} → {saved:g}" in question
        await pilot.press("y")
        await wait_for(pilot, lambda: chart.watches[FREQUENCY].value == saved, timeout=15)
    lines = [json.loads(line) for line in write_log_path(tmp_path).read_text().splitlines()]
    assert (FREQUENCY, saved + 2, saved) in [(x["path"], x["old"], x["new"]) for x in lines]
