"""Login screen against the real reference data server."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from textual.widgets import Input

from perda_tui.config import config_path
from perda_tui.server.runner import RunningDataServer
from perda_tui.tui.logs.login import LoginScreen
from tests.tui.conftest import make_app, screen_name, static_text, wait_for, wait_screen

pytestmark = pytest.mark.anyio


async def sign_in(pilot, password: str) -> None:
    await pilot.click("#password")
    await pilot.press(*password, "enter")


async def test_good_login_opens_browser_and_remembers_url_only(
    data_server: RunningDataServer, cache_dir: Path
) -> None:
    app = make_app(data_server.url, cache_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        assert screen_name(pilot) == "LoginScreen"
        await sign_in(pilot, data_server.password)
        await wait_screen(pilot, "BrowserScreen")
        table = app.screen.query_one("#table")
        await wait_for(pilot, lambda: len(table.entries) > 0)
        assert [e.name for e in table.entries] == ["REV 10", "REV 11"]
    stored = config_path().read_text()
    assert data_server.url in stored
    assert data_server.password not in stored


async def test_bad_password_shows_inline_error_and_keeps_input(
    data_server: RunningDataServer, cache_dir: Path
) -> None:
    app = make_app(data_server.url, cache_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "wrong")
        status = "#login-status"
        await wait_for(pilot, lambda: "Wrong password" in static_text(pilot, status))
        assert static_text(pilot, status).startswith("Error:")
        assert app.screen.query_one("#password").value == "wrong"
        assert app.screen.query_one("#url").value == data_server.url
        assert isinstance(app.screen, LoginScreen)
    assert not config_path().exists()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_unreachable_server_names_url_and_offers_cache(cache_dir: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    app = make_app(url, cache_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "anything")
        await wait_for(pilot, lambda: "unreachable" in static_text(pilot, "#login-status"))
        text = static_text(pilot, "#login-status")
        assert "127.0.0.1" in text and "Ctrl+O" in text
        await pilot.press("ctrl+o")
        await wait_screen(pilot, "BrowserScreen")
        assert "offline" in static_text(pilot, "#breadcrumb")


async def test_preset_password_signs_in_without_typing(
    data_server: RunningDataServer, cache_dir: Path
) -> None:
    app = make_app(data_server.url, cache_dir, password=data_server.password)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_screen(pilot, "BrowserScreen")
        assert app.session.take_password() is None


async def test_sign_in_fields_stop_blinking_while_the_browser_covers_them(
    data_server: RunningDataServer, cache_dir: Path
) -> None:
    """The sign-in screen stays mounted under the browser: its focused field's blink
    timer would wake the app twice a second for a cursor nobody sees."""
    app = make_app(data_server.url, cache_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        login = app.screen
        fields = list(login.query(Input))
        assert all(field.cursor_blink for field in fields)
        await sign_in(pilot, data_server.password)
        await wait_screen(pilot, "BrowserScreen")
        await wait_for(pilot, lambda: not any(field.cursor_blink for field in fields))
        await app.pop_screen()
        await wait_for(pilot, lambda: all(field.cursor_blink for field in fields))
