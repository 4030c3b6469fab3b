"""A broken config file is named once in the app, as the CLI names it on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from perda_tui.config import CONFIG_DIR_ENV, config_path, load_settings
from perda_tui.tui.app import PerdaApp
from tests.tui.conftest import wait_for

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("content", "problem"),
    [("url = 5\n", "'url' must be a string"), ('url = "\x1b]52;c;eA==\x07\n', "cannot read")],
    ids=["wrong-type", "not-toml"],
)
async def test_a_broken_config_file_is_named_once_on_start(
    tmp_path: Path, content: str, problem: str
) -> None:
    env = {CONFIG_DIR_ENV: str(tmp_path)}
    path = config_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    app = PerdaApp(load_settings(env=env))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: bool(app._notifications))
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert len(messages) == 1
        assert str(path) in messages[0] and problem in messages[0]
        assert "\x1b" not in messages[0] and "\x07" not in messages[0]
        assert [n.severity for n in app._notifications] == ["warning"]


async def test_a_good_config_file_shows_no_warning(tmp_path: Path) -> None:
    env = {CONFIG_DIR_ENV: str(tmp_path)}
    path = config_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('url = "http://127.0.0.1:9"\n')
    app = PerdaApp(load_settings(env=env))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not list(app._notifications)
