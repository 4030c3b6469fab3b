"""Exports from the plot screen never destroy: the export folder by default, confirmation
before overwriting, missing folders created or reported, unwritable paths in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Label

from perda_tui.logs import Log
from perda_tui.tui.common.prompt import ConfirmScreen, PromptScreen
from tests.charts.plot_app import PlotApp, drawn, sample_log
from tests.tui.conftest import wait_for, wait_screen
from tests.tui.test_plot import select

pytestmark = pytest.mark.anyio

SIZE = (120, 40)
SIGNAL = "ams.pack.voltage"


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Log:
    return sample_log(tmp_path_factory.mktemp("plot-export"))


async def open_export_prompt(pilot) -> PromptScreen:
    await pilot.press("e")
    await wait_screen(pilot, "PromptScreen")
    prompt = pilot.app.screen
    assert isinstance(prompt, PromptScreen)
    return prompt


def messages(pilot) -> list[str]:
    return [n.message for n in pilot.app._notifications]


async def test_the_default_is_a_file_in_the_export_folder_which_is_created(
    log: Log, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"  # does not exist yet
    async with PlotApp(log, export_dir=folder).run_test(size=SIZE) as pilot:
        await select(pilot, SIGNAL)
        prompt = await open_export_prompt(pilot)
        value = prompt.query_one(Input).value
        assert value == str(folder / "endurance_0-32s.csv")
        assert str(folder) in str(prompt.query_one("#prompt-question", Label).render())
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await wait_for(pilot, (folder / "endurance_0-32s.csv").exists)
        assert Log.load(folder / "endurance_0-32s.csv").names == [SIGNAL]
        prompt = await open_export_prompt(pilot)
        prompt.query_one(Input).value = "mine.parquet"  # a bare name: in the export folder
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await wait_for(pilot, (folder / "mine.parquet").exists)
        assert not Path("mine.parquet").exists()
        assert sorted(p.name for p in folder.iterdir()) == ["endurance_0-32s.csv", "mine.parquet"]


async def test_an_existing_file_is_overwritten_only_when_confirmed(
    log: Log, tmp_path: Path
) -> None:
    target = tmp_path / "precious.csv"
    target.write_text("keep me")
    async with PlotApp(log, export_dir=tmp_path).run_test(size=SIZE) as pilot:
        await select(pilot, SIGNAL)
        prompt = await open_export_prompt(pilot)
        prompt.query_one(Input).value = "precious.csv"
        await pilot.press("enter")
        await wait_screen(pilot, "ConfirmScreen")
        question = pilot.app.screen
        assert isinstance(question, ConfirmScreen)
        assert f"{target} exists. Overwrite it?" in str(
            question.query_one("#confirm-question", Label).render()
        )
        await pilot.press("n")  # keep it: back to the prompt, name kept for editing
        await wait_screen(pilot, "PromptScreen")
        assert pilot.app.screen.query_one(Input).value == "precious.csv"
        assert target.read_text() == "keep me"
        await pilot.press("enter")
        await wait_screen(pilot, "ConfirmScreen")
        await pilot.press("escape")  # Esc is "no" as well
        await wait_screen(pilot, "PromptScreen")
        await pilot.press("enter")
        await wait_screen(pilot, "ConfirmScreen")
        await pilot.press("y")
        await wait_screen(pilot, "PlotScreen")
        await pilot.app.workers.wait_for_complete()
        await wait_for(pilot, lambda: target.read_text() != "keep me")
        assert Log.load(target).names == [SIGNAL]
        assert f"exported 1 signals to {target}" in messages(pilot)
        assert [p.name for p in tmp_path.iterdir()] == ["precious.csv"]  # no temporary left


async def test_a_missing_folder_other_than_the_export_folder_is_reported(
    log: Log, tmp_path: Path
) -> None:
    async with PlotApp(log, export_dir=tmp_path).run_test(size=SIZE) as pilot:
        await select(pilot, SIGNAL)
        prompt = await open_export_prompt(pilot)
        missing = tmp_path / "nope" / "x.csv"
        prompt.query_one(Input).value = str(missing)
        await pilot.press("enter")
        assert pilot.app.screen is prompt  # refused: the prompt stays
        error = str(prompt.query_one("#prompt-error", Label).render())
        assert error == f"no folder {missing.parent}: create it first, or export to {tmp_path}"
        prompt.query_one(Input).value = str(tmp_path)
        await pilot.press("enter")
        assert f"{tmp_path} is a folder: add a file name" in str(
            prompt.query_one("#prompt-error", Label).render()
        )
        await pilot.press("escape")
        await wait_screen(pilot, "PlotScreen")
        assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize(
    ("export_dir", "expected"),
    [
        (Path("/proc/self"), "export failed: cannot write /proc/self/endurance_0-32s.csv: "),
        (
            Path("/proc/perda-tui-exports"),
            "export failed: cannot create the folder /proc/perda-tui-exports: ",
        ),
    ],
    ids=["unwritable folder", "folder that cannot be created"],
)
async def test_an_unwritable_path_is_one_line(log: Log, export_dir: Path, expected: str) -> None:
    async with PlotApp(log, export_dir=export_dir).run_test(size=SIZE) as pilot:
        await select(pilot, SIGNAL)
        await open_export_prompt(pilot)
        await pilot.press("enter")
        await wait_screen(pilot, "PlotScreen")
        await pilot.app.workers.wait_for_complete()
        await wait_for(pilot, lambda: any(m.startswith(expected) for m in messages(pilot)))
        (line,) = [m for m in messages(pilot) if m.startswith("export failed")]
        assert "\n" not in line and "Errno" not in line
        await drawn(pilot)
