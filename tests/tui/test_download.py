"""Download modal, cache, resume, offline fallback and session expiry, on the real server."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message

from perda_tui.cli.app import run_app
from perda_tui.clients.dataserver import LogCache, ServerClient
from perda_tui.clients.dataserver.transfer import S3Reader
from perda_tui.logs import Log
from perda_tui.progress import ProgressCallback
from perda_tui.samples.writer import write_sample_log
from perda_tui.server.runner import RunningDataServer
from perda_tui.tui.logs.browser import BrowserScreen
from perda_tui.tui.logs.download import DownloadScreen
from perda_tui.tui.logs.log_table import LogTable
from perda_tui.tui.logs.sources import ServerSource
from perda_tui.tui.messages import DownloadProgress
from tests.fixtures.dataserver import SAMPLE_TREE, tiny_log
from tests.tui.conftest import (
    browse,
    make_app,
    screen_name,
    static_text,
    wait_for,
    wait_screen,
)

pytestmark = pytest.mark.anyio
LOG_SCREENS = {"PlotScreen"}


async def open_file(pilot, table: LogTable, name: str) -> None:
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


class HeldReads:
    """A slow link, gated on bytes: every S3 range read stops after its first piece until
    `release` is set (the first piece is on disk by then)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.held = threading.Event()
        self.release = threading.Event()
        read_range = S3Reader.read_range

        def held_read(reader: S3Reader, *args: Any) -> Iterator[bytes]:
            for index, piece in enumerate(read_range(reader, *args)):
                yield piece
                if index == 0 and not self.release.is_set():
                    self.held.set()
                    self.release.wait(60)

        monkeypatch.setattr(S3Reader, "read_range", held_read)


class HeldAfterDownload(ServerSource):
    """The real server; the fetch returns only when `release` is set, after every byte is
    in and the log is in the cache (`complete` is set then)."""

    def __init__(self, client: ServerClient) -> None:
        super().__init__(client)
        self.complete = threading.Event()
        self.release = threading.Event()

    def fetch(self, key: str, progress: ProgressCallback, cancel: threading.Event) -> Path:
        path = super().fetch(key, progress, cancel)
        self.complete.set()
        self.release.wait(60)
        return path


async def test_cancel_mid_download_keeps_partial_then_resumes(
    fresh_data_server: RunningDataServer,
    cache_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = write_sample_log(tmp_path / "big.csv", 300_000).read_bytes()
    key = "REV 12/big.csv"
    fresh_data_server.put_log(key, data, {"title": "Big"})
    reads = HeldReads(monkeypatch)
    app = make_app(fresh_data_server.url, cache_dir, password=fresh_data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 12")
        await pilot.press("enter")
        try:
            await wait_for(pilot, reads.held.is_set)
            modal = app.screen
            assert isinstance(modal, DownloadScreen)
            await pilot.press("escape")
            assert modal.state == "cancelling"
            assert "part already downloaded is kept" in static_text(pilot, "#download-detail")
        finally:
            reads.release.set()
        await wait_screen(pilot, "BrowserScreen")
        cache = LogCache(cache_dir)
        assert not cache.is_cached(key)
        part, _ = cache.partial_paths(key)
        assert part.exists()
        assert "Cache: not downloaded" in static_text(pilot, "#metadata-body")
        await pilot.press("enter")
        await wait_screen(pilot, *LOG_SCREENS, timeout=30)
        assert app.session.client is not None
        assert app.session.client.last_transfer.resumed_bytes > 0
        assert cache.path_for(key).read_bytes() == data
        assert table.entries[0].key == key


async def test_escape_after_the_last_byte_says_downloaded_and_cached(
    data_server: RunningDataServer, cache_dir: Path
) -> None:
    key = "REV 11/endurance.csv"
    app = make_app(data_server.url, cache_dir, password=data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11")
        await wait_for(pilot, lambda: "endurance.csv" in [e.name for e in table.entries])
        assert app.session.client is not None
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        browser.source = source = HeldAfterDownload(app.session.client)
        table.move_to([e.key for e in table.entries].index(key))
        await pilot.press("enter")
        try:
            await wait_for(pilot, source.complete.is_set)
            await wait_screen(pilot, "DownloadScreen")
            await pilot.press("escape")  # every byte is in; the fetch has not returned yet
        finally:
            source.release.set()
        await wait_for(pilot, lambda: "local cache" in static_text(pilot, "#download-detail"))
        detail = static_text(pilot, "#download-detail")
        assert "finished downloading" in detail and "cancelled" not in detail.lower()
        assert "Enter open" in static_text(pilot, "#hint")
        assert screen_name(pilot) == "DownloadScreen"  # no plot opened behind the user's back
        assert LogCache(cache_dir).is_cached(key)
        await pilot.press("enter")  # Enter opens it after all
        await wait_screen(pilot, *LOG_SCREENS)
        app.pop_screen()
        await wait_screen(pilot, "BrowserScreen")
        assert "Cache: ✓ in the local cache" in static_text(pilot, "#metadata-body")


async def test_escape_while_parsing_a_download_says_it_is_cached(
    data_server: RunningDataServer, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsing, release = threading.Event(), threading.Event()
    load = Log.load

    def held_load(path: Path, **options: Any) -> Log:
        parsing.set()
        release.wait(60)
        return load(path, **options)

    monkeypatch.setattr(Log, "load", held_load)
    app = make_app(data_server.url, cache_dir, password=data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11")
        try:
            await open_file(pilot, table, "endurance.csv")
            await wait_for(pilot, parsing.is_set)
            await pilot.press("escape")
            await wait_screen(pilot, "BrowserScreen")
        finally:
            release.set()
        shown = [str(n.message) for n in app._notifications]
        assert any("finished downloading; it is in the local cache" in m for m in shown), shown
        assert "Cache: ✓ in the local cache" in static_text(pilot, "#metadata-body")


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


async def test_session_expiry_asks_password_then_returns_where_user_was(
    fresh_data_server: RunningDataServer, cache_dir: Path
) -> None:
    server = fresh_data_server
    app = make_app(server.url, cache_dir, password=server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11", "2026-04-01")
        server.expire_sessions()
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
