"""Download modal, cache, resume, offline fallback and session expiry, on the real server."""

from __future__ import annotations

import argparse
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message

from perda_tui.cli.app import run_app
from perda_tui.clients.dataserver import LogCache
from perda_tui.clients.dataserver.transfer import ChunkedDownload
from perda_tui.samples.trees import write_sample_log
from perda_tui.server.runner import RunningDataServer
from perda_tui.tui.logs.download import DownloadScreen
from perda_tui.tui.logs.log_table import LogTable
from perda_tui.tui.logs.sources import ServerSource
from perda_tui.tui.messages import DownloadProgress, OpenLog
from tests.fixtures.dataserver import SAMPLE_TREE, start_test_server, tiny_log
from tests.tui.conftest import (
    browse,
    make_app,
    static_text,
    wait_for,
    wait_screen,
)

pytestmark = pytest.mark.anyio
LOG_SCREENS = {"PlotScreen"}


async def open_file(pilot, table: LogTable, name: str) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: name in [e.name for e in table.entries])
    table.move_to([e.name for e in table.entries].index(name))
    await pilot.press("enter")


async def test_download_with_progress_then_open_from_cache(
    data_server: RunningDataServer, cache_dir: Path
) -> None:
    seen: list[DownloadProgress] = []

    def hook(message: Message) -> None:
        if isinstance(message, DownloadProgress):
            seen.append(message)

    app = make_app(data_server.url, cache_dir, password=data_server.password)
    size = len(SAMPLE_TREE["REV 11/endurance.csv"][0])
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        table = await browse(pilot, "REV 11")
        await open_file(pilot, table, "endurance.csv")
        await wait_screen(pilot, *LOG_SCREENS)
        assert seen and (seen[-1].done, seen[-1].total) == (size, size)
        assert LogCache(cache_dir).is_cached("REV 11/endurance.csv")
        app.pop_screen()
        await wait_screen(pilot, "BrowserScreen")
        assert "Cache: ✓ in the local cache" in static_text(pilot, "#metadata-body")
        seen.clear()
        await pilot.press("enter")
        await wait_screen(pilot, *LOG_SCREENS)
        # opened from the cache: the copy was checked against the server, nothing fetched
        assert app.session.client is not None and app.session.client.last_transfer.from_cache
        assert app.session.client.last_transfer.fetched_bytes == 0
        assert all((m.done, m.total) == (size, size) for m in seen)


class GatedSource(ServerSource):
    """The real server, with a slow link: progress stalls at `gate` until released."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.gate = threading.Event()
        self.stalled = threading.Event()

    def fetch(self, key, progress, cancel):  # type: ignore[no-untyped-def]
        def slow(done: int, total: int) -> None:
            progress(done, total)
            if done and not self.gate.is_set():
                self.stalled.set()
                self.gate.wait(10)

        return super().fetch(key, slow, cancel)


async def test_cancel_mid_download_keeps_partial_then_resumes(
    fresh_data_server: RunningDataServer,
    cache_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        ChunkedDownload.__init__, "__kwdefaults__", {"chunk": 256_000, "workers": 1}
    )
    data = write_sample_log(tmp_path / "big.csv", 300_000).read_bytes()
    key = "REV 12/big.csv"
    fresh_data_server.put_log(key, data, {"title": "Big"})
    app = make_app(fresh_data_server.url, cache_dir, password=fresh_data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 12")
        source = GatedSource(app.session.client)
        app.post_message(OpenLog(source, table.entries[0]))
        try:
            await wait_for(pilot, lambda: source.stalled.is_set())
            modal = app.screen
            assert isinstance(modal, DownloadScreen)
            await wait_for(pilot, lambda: " left" in static_text(pilot, "#download-detail"))
            detail = static_text(pilot, "#download-detail")
            shown = r"[KM]iB / 5(\.\d+)? MiB · [\d.]+ [KM]iB/s · \d+:\d\d left"
            assert re.search(shown, detail), detail
            await pilot.press("escape")
            assert modal.state == "cancelling"
        finally:
            source.gate.set()
        await wait_screen(pilot, "BrowserScreen")
        cache = LogCache(cache_dir)
        assert not cache.is_cached(key)
        part, _ = cache.partial_paths(key)
        assert part.exists()
        app.post_message(OpenLog(ServerSource(app.session.client), table.entries[0]))
        await wait_screen(pilot, *LOG_SCREENS, timeout=30)
        assert app.session.client.last_transfer.resumed_bytes > 0
        assert cache.path_for(key).read_bytes() == data


async def test_server_stopped_mid_session_keeps_listing_and_offers_cache(
    fresh_data_server: RunningDataServer, cache_dir: Path
) -> None:
    app = make_app(fresh_data_server.url, cache_dir, password=fresh_data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11")
        await open_file(pilot, table, "endurance.csv")
        await wait_screen(pilot, *LOG_SCREENS)
        app.pop_screen()
        await wait_screen(pilot, "BrowserScreen")
        before = [e.name for e in table.entries]
        fresh_data_server.stop()
        await pilot.press("r")
        await wait_for(pilot, lambda: static_text(pilot, "#status").startswith("Error:"))
        status = static_text(pilot, "#status")
        assert "unreachable" in status and "r retry" in status and "o browse cached" in status
        assert [e.name for e in table.entries] == before  # the previous listing stays
        await pilot.press("o")
        offline = await browse(pilot, "REV 11")
        assert "offline" in static_text(pilot, "#breadcrumb")
        assert [e.name for e in offline.entries] == ["endurance.csv"]
        await pilot.press("enter")
        await wait_screen(pilot, *LOG_SCREENS)


async def test_session_expiry_asks_password_then_returns_where_user_was(cache_dir: Path) -> None:
    with start_test_server(session_ttl=3.0) as server:
        app = make_app(server.url, cache_dir, password=server.password)
        async with app.run_test(size=(120, 40)) as pilot:
            table = await browse(pilot, "REV 11", "2026-04-01")
            time.sleep(3.2)
            await pilot.press("r")
            await wait_screen(pilot, "LoginScreen")
            assert "Session expired" in static_text(pilot, "#login-reason")
            assert app.screen.query_one("#url").disabled
            await pilot.click("#password")
            await pilot.press(*server.password, "enter")
            await wait_screen(pilot, "BrowserScreen")
            assert app.screen.query_one(LogTable) is table
            await wait_for(pilot, lambda: not static_text(pilot, "#status").startswith("Loading"))
            assert "REV 11 / 2026-04-01" in static_text(pilot, "#breadcrumb")
            assert [e.name for e in table.entries] == ["accel.csv", "autocross.csv"]


async def test_open_local_file_without_server(tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / "local.csv"
    path.write_bytes(tiny_log(400))
    app = make_app("", cache_dir, file=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_screen(pilot, *LOG_SCREENS)
        assert app.session.client is None


async def test_open_bad_file_shows_error_in_modal(tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("this is not a log\n")
    app = make_app("", cache_dir, file=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: static_text(pilot, "#parse-detail").startswith("Error:"))
        assert "r retry" in static_text(pilot, "#hint")
        await pilot.press("escape")  # nothing to show and no sign-in behind: back to the shell
        await wait_for(pilot, lambda: app.return_code is not None)
    assert app.return_code == 0


async def test_open_file_mode_quits_when_the_plot_closes(tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / "local.csv"
    path.write_bytes(tiny_log(400))
    app = make_app("", cache_dir, file=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_screen(pilot, "PlotScreen")
        for _ in range(3):  # Esc leaves the search box first, then the screen
            await pilot.press("escape")
            if app.return_code is not None:
                break
    assert app.return_code == 0  # quit to the shell, not to a sign-in screen


def test_open_missing_file_fails_before_starting(tmp_path: Path) -> None:
    args = argparse.Namespace(
        screen="open", file=str(tmp_path / "missing.csv"), password_stdin=False
    )
    with pytest.raises(FileNotFoundError, match=r"missing\.csv"):
        run_app(args)
