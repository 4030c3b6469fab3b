"""The password never lands on disk, in log records, in exceptions or on the screen."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

import pytest

from perda_tui.clients.dataserver import AuthenticationError, ServerClient
from perda_tui.server.runner import RunningDataServer
from tests.tui.conftest import make_app, static_text, wait_for, wait_screen

WRONG = "not-the-pw-Zq81x"


def files_containing(root: Path, secret: str) -> list[Path]:
    """Every file under `root` whose bytes contain `secret`."""
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


@pytest.mark.anyio
async def test_login_through_the_ui_leaves_no_password_anywhere(
    data_server: RunningDataServer,
    tmp_path: Path,
    isolated_config: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    app = make_app(data_server.url, tmp_path / "cache")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click("#password")
        await pilot.press(*WRONG, "enter")
        await wait_for(pilot, lambda: "Wrong password" in static_text(pilot, "#login-status"))
        screens = [app.export_screenshot()]
        assert app.screen.query_one("#password").value == WRONG  # kept, but masked
        app.screen.query_one("#password").value = ""
        await pilot.press(*data_server.password)
        screens.append(app.export_screenshot())
        await pilot.press("enter")
        await wait_screen(pilot, "BrowserScreen")
        await wait_for(pilot, lambda: len(app.screen.query_one("#table").entries) > 0)
        screens.append(app.export_screenshot())
        assert app.session.client is not None
        app.session.client.download("REV 11/endurance.csv")
    for secret in (WRONG, data_server.password):
        assert not any(secret in svg for svg in screens)
        assert secret not in caplog.text
        assert files_containing(isolated_config, secret) == []
        assert files_containing(tmp_path, secret) == []
    assert "•" in screens[1]  # the typed password was shown masked
    assert (isolated_config / "config.toml").exists()  # the URL was remembered, nothing else


def test_wrong_password_is_not_in_the_exception_or_traceback(
    data_server: RunningDataServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with ServerClient(data_server.url, timeout=5) as client:
        with pytest.raises(AuthenticationError) as err:
            client.login(WRONG)
        client.login(data_server.password)
    text = "".join(traceback.format_exception(err.value))
    assert "password" in text.lower()  # it says what failed...
    assert WRONG not in text  # ...without the secret
    assert WRONG not in repr(err.value.args)
    assert WRONG not in caplog.text and data_server.password not in caplog.text
    assert "auth/login" in caplog.text  # the requests were logged, so the check is real
