"""TLS: certificates are verified by default; `--insecure` is the explicit way round it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from perda_tui.cli.main import build_parser
from perda_tui.clients.dataserver import ServerClient, TLSError
from perda_tui.config import load_settings
from perda_tui.server.runner import RunningDataServer
from perda_tui.tui.app import PerdaApp
from tests.fixtures.dataserver import start_test_server
from tests.fixtures.tls import self_signed
from tests.tui.conftest import screen_name, static_text, wait_for, wait_screen


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDataServer]:
    """The reference server over HTTPS with a self-signed certificate."""
    with start_test_server(tls=self_signed(tmp_path_factory.mktemp("tls"))) as server:
        yield server


def app_for(argv: list[str]) -> PerdaApp:
    """The app exactly as `perda-tui ARGV` configures it."""
    return PerdaApp(load_settings(build_parser().parse_args(argv)))


def test_client_verifies_by_default_with_a_clear_error(tls_server: RunningDataServer) -> None:
    assert tls_server.url.startswith("https://")
    with ServerClient(tls_server.url, timeout=5) as client, pytest.raises(TLSError) as err:
        client.login(tls_server.password)
    message = str(err.value)
    assert tls_server.url in message
    assert "certificate" in message.lower()


def test_client_with_verification_off_works(tls_server: RunningDataServer) -> None:
    with ServerClient(tls_server.url, timeout=5, verify=False) as client:
        client.login(tls_server.password)
        assert [e.name for e in client.list_logs()] == ["REV 10", "REV 11"]


@pytest.mark.anyio
async def test_app_refuses_self_signed_server_and_names_insecure_flag(
    tls_server: RunningDataServer, tmp_path: Path
) -> None:
    app = app_for(["--url", tls_server.url, "--cache-dir", str(tmp_path / "cache")])
    assert app.session.settings.insecure is False
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click("#password")
        await pilot.press(*tls_server.password, "enter")
        await wait_for(pilot, lambda: "TLS problem" in static_text(pilot, "#login-status"))
        status = static_text(pilot, "#login-status")
        assert "certificate" in status.lower() and "--insecure" in status
        assert screen_name(pilot) == "LoginScreen"
        assert app.session.client is None


@pytest.mark.anyio
async def test_insecure_flag_lets_the_app_sign_in(
    tls_server: RunningDataServer, tmp_path: Path
) -> None:
    argv = ["--url", tls_server.url, "--cache-dir", str(tmp_path / "cache"), "--insecure"]
    app = app_for(argv)
    assert app.session.settings.insecure is True
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click("#password")
        await pilot.press(*tls_server.password, "enter")
        await wait_screen(pilot, "BrowserScreen")
        table = app.screen.query_one("#table")
        await wait_for(pilot, lambda: len(table.entries) > 0)  # type: ignore[attr-defined]
        assert [e.name for e in table.entries] == ["REV 10", "REV 11"]  # type: ignore[attr-defined]
