"""Chart layouts: the store (bounded, atomic, private, tolerant of damage), `L` in the plot
screen, the layout remembered per log key and the team default, and `plot --layout`."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from perda_tui.cli.main import main
from perda_tui.config import config_dir
from perda_tui.logs import Log
from perda_tui.tui.plot.layout_picker import LayoutPicker
from perda_tui.tui.plot.layouts import (
    DEFAULT_NAME,
    FILE_NAME,
    MAX_FILE_BYTES,
    MAX_REMEMBERED,
    Layout,
    LayoutError,
    LayoutStore,
)
from perda_tui.tui.plot.view import Window
from tests.charts.plot_app import PlotApp, drawn, sample_log
from tests.tui.conftest import wait_for, wait_screen
from tests.tui.test_plot import plot_screen, select

SIZE = (120, 40)
PACK = Layout(("ams.pack.voltage", "ams.pack.current"), ("ams.pack.current",), True, (5.0, 15.0))


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Log:
    return sample_log(tmp_path_factory.mktemp("layouts"))


# --------------------------------------------------------------------------- the store


def test_named_layouts_round_trip_privately(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path / "config")
    store.save("endurance pack set", PACK)
    assert store.named() == {"endurance pack set": PACK}
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    store.delete("endurance pack set")
    assert store.named() == {}
    assert [p.name for p in store.path.parent.iterdir()] == [FILE_NAME]  # no temp files left


def test_bad_names_are_refused(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path)
    for name in ("", "   ", "x" * 61, "evil\x1b[2J"):
        with pytest.raises(LayoutError):
            store.save(name, PACK)
    assert not store.path.exists()


def test_the_last_layout_of_each_log_is_kept_for_the_newest_keys(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path)
    for i in range(MAX_REMEMBERED + 5):
        store.remember(f"REV 11/run{i}.csv", Layout((f"s{i}",)))
    assert store.last_for("REV 11/run0.csv") is None  # the oldest were dropped
    assert store.last_for(f"REV 11/run{MAX_REMEMBERED + 4}.csv") == Layout(
        (f"s{MAX_REMEMBERED + 4}",)
    )


def test_opening_prefers_the_log_s_layout_then_the_team_default(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path)
    names = {"ams.pack.voltage", "ams.pack.current", "imu.accel.x"}
    assert store.opening("a.csv", names) is None
    store.save(DEFAULT_NAME, Layout(("imu.accel.x",)))
    assert store.opening("a.csv", names) == Layout(("imu.accel.x",))
    store.remember("a.csv", PACK)
    assert store.opening("a.csv", names) == PACK
    assert store.opening("a.csv", {"imu.accel.x"}) == Layout(("imu.accel.x",))  # PACK lacks signals


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"[1, 2]",
        b'{"named": {"x": {"signals": []}}}',
        b'{"named": {"x": {"signals": ["a"], "right": ["b"]}}}',
        b'{"named": {"x": {"signals": ["a"], "window": [5, 1]}}}',
        b'{"named": {"x": {"signals": ["a"], "window": [0, NaN]}}}',
        b'{"named": {"x": {"signals": ["a","b","c","d","e","f","g","h","i"]}}}',
        b" " * (MAX_FILE_BYTES + 1),
    ],
)
def test_a_damaged_file_reads_as_no_layouts(tmp_path: Path, content: bytes) -> None:
    store = LayoutStore(tmp_path)
    store.path.write_bytes(content)
    assert store.named() == {}
    store.save("fresh", PACK)  # and saving replaces it
    assert store.named() == {"fresh": PACK}


# --------------------------------------------------------------------------- the screen


@pytest.mark.anyio
async def test_save_a_layout_with_l_and_load_it_elsewhere(log: Log) -> None:
    async with PlotApp(log).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await select(pilot, "ams.pack.voltage", "ams.pack.current")
        await pilot.press("y", "l", "plus")  # current on the right, stacked, zoomed in
        await pilot.press("L")
        await wait_screen(pilot, "LayoutPicker")
        pilot.app.screen.query_one(Input).value = "pack set"
        pilot.app.screen.query_one(Input).focus()
        await pilot.press("enter")
        await wait_screen(pilot, "PlotScreen")
        saved = LayoutStore(config_dir()).named()["pack set"]
        assert saved == Layout(
            ("ams.pack.voltage", "ams.pack.current"),
            ("ams.pack.current",),
            True,
            (screen.window.start, screen.window.end),
        )
    async with PlotApp(log, "another.csv").run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        assert screen.selected_names() == []
        await pilot.press("escape", "L")  # from the search box to the list, then L
        await wait_screen(pilot, "LayoutPicker")
        picker = pilot.app.screen
        assert isinstance(picker, LayoutPicker)
        assert picker.query_one(OptionList).highlighted == 0
        await pilot.press("enter")
        await wait_screen(pilot, "PlotScreen")
        assert screen.selected_names() == ["ams.pack.voltage", "ams.pack.current"]
        assert screen.stacked and screen.window == Window(*saved.window)  # type: ignore[misc]
        chart = await drawn(pilot)
        assert sum("━━" in line for line in chart.plain_text().split("\n")) == 2


@pytest.mark.anyio
async def test_a_digit_loads_a_numbered_layout_in_one_key(log: Log) -> None:
    store = LayoutStore(config_dir())
    store.save("a missing", Layout(("no.such.signal",)))  # not numbered: cannot load here
    store.save("b torque", Layout(("pcm.motor.torque",)))
    store.save("c pack", PACK)
    async with PlotApp(log, "another.csv").run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await pilot.press("escape", "L")
        await wait_screen(pilot, "LayoutPicker")
        picker = pilot.app.screen
        assert isinstance(picker, LayoutPicker)
        assert picker.numbered == ["b torque", "c pack"]
        options = picker.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(3)]
        assert [p[:2] for p in prompts] == ["  ", "1 ", "2 "]
        await pilot.press("3")  # no third usable layout: nothing happens
        assert pilot.app.screen is picker
        picker.query_one(Input).focus()
        await pilot.press("2")  # typed into the name box, not a key
        assert picker.query_one(Input).value == "2" and pilot.app.screen is picker
        options.focus()
        await pilot.press("2")
        await wait_screen(pilot, "PlotScreen")
        assert screen.selected_names() == list(PACK.signals)
        assert screen.stacked and screen.window == Window(*PACK.window)  # type: ignore[misc]


@pytest.mark.anyio
async def test_a_log_reopens_with_its_last_layout(log: Log) -> None:
    app = PlotApp(log, "REV 11/endurance.csv", layout=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await pilot.press("down", "space")  # drop the first view's first signal
        await select(pilot, "pcm.motor.torque")
        await pilot.press("l")
        kept = screen.current_layout()
        assert kept.stacked and "pcm.motor.torque" in kept.signals
        await pilot.press("escape", "escape")  # search box → list → close
        await wait_for(pilot, lambda: not screen.is_attached)
    assert LayoutStore(config_dir()).last_for("REV 11/endurance.csv") == kept
    async with PlotApp(log, "REV 11/endurance.csv", layout=None).run_test(size=SIZE) as pilot:
        screen = plot_screen(pilot)
        await drawn(pilot)
        assert screen.current_layout() == kept


# --------------------------------------------------------------------------- the command line


def test_plot_layout_and_stacked_on_the_command_line(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    LayoutStore(config_dir()).save("pack", PACK)
    args = ["plot", str(log.source), "--layout", "pack", "--width", "80", "--height", "24"]
    assert main(args) == 0
    lines = capsys.readouterr().out.rstrip("\n").split("\n")
    headers = [line for line in lines if "━━" in line]
    assert len(headers) == 2  # stacked, from the layout
    assert lines[-1].split()[0] == "0:06"  # its window, 5-15 s
    assert main(["plot", str(log.source), "--layout", "nope"]) == 1
    assert "no layout 'nope'; layouts: pack" in capsys.readouterr().err
    assert main(["plot", str(log.source), "imu.accel.x", "--stacked", "--width", "60"]) == 0
    assert main(["plot", str(log.source)]) == 1
    assert "at least one SIGNAL" in capsys.readouterr().err


def test_the_layouts_file_is_plain_json(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path)
    store.save("a", PACK)
    data = json.loads(store.path.read_text())
    assert data["named"]["a"]["signals"] == list(PACK.signals)
