"""`?` and F1 show the current screen's keys, made from its real bindings."""

from __future__ import annotations

from pathlib import Path

import pytest

from perda_tui.tui.help import InfoModal
from perda_tui.tui.logs.browser import BrowserScreen
from tests.tui.conftest import browse, screen_name, snapshot_app, static_text, wait_screen
from tests.tui.listing import FixedSource

pytestmark = pytest.mark.anyio


async def test_f1_on_the_sign_in_screen_lists_its_keys(tmp_path: Path) -> None:
    app = snapshot_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "LoginScreen")
        await pilot.press("f1")
        await wait_screen(pilot, "InfoModal")
        assert isinstance(app.screen, InfoModal) and app.screen.info_title == "Keys: Login"
        keys = static_text(pilot, "#info-body")
        for expected in ("Cached logs (offline)", "Logs", "Device", "Archive", "Keys"):
            assert expected in keys, expected
        await pilot.press("escape")
        await wait_screen(pilot, "LoginScreen")


async def test_question_mark_on_the_browser_lists_every_browser_key(tmp_path: Path) -> None:
    app = snapshot_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(BrowserScreen(FixedSource()))
        await browse(pilot)
        await pilot.press("question_mark")
        await wait_screen(pilot, "InfoModal")
        keys = static_text(pilot, "#info-body")
        # every enabled browser binding, shown in the footer or not, and the table's keys
        for binding in BrowserScreen.BINDINGS:
            description = binding.description  # type: ignore[union-attr]
            if description not in ("Cached logs", "Full message", "Open when loaded"):
                assert description in keys, description
        assert "Open" in keys and "Page down" in keys and "⌫" in keys
        await pilot.press("escape")
        await wait_screen(pilot, "BrowserScreen")
        assert screen_name(pilot) == "BrowserScreen"
