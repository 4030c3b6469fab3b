"""What the user sees when the network fails under the app (pilot, real servers, FaultProxy).

The app talks to the real gateway (and, for downloads, the real S3 endpoint) through a
`FaultProxy`. Each test checks the message on screen, that the app stays usable, and that
nothing on disk (config file, cached logs, partial downloads) was lost or damaged.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from perda_tui.clients.dataserver import LogCache, ServerClient
from perda_tui.config import Settings, config_path, remember
from perda_tui.samples.writer import write_sample_log
from perda_tui.server.runner import RunningDataServer
from perda_tui.tui.app import PerdaApp
from perda_tui.tui.logs.browser import BrowserScreen
from perda_tui.tui.logs.log_table import LogTable
from perda_tui.tui.session import Session
from tests.faults.conftest import S3_PASSWORD
from tests.faults.proxy import Fault, FaultProxy
from tests.fixtures.dataserver import SAMPLE_TREE
from tests.tui.conftest import screen_name, static_text, wait_for, wait_screen
from tests.tui.test_download import LOG_SCREENS, browse, open_file

pytestmark = pytest.mark.anyio

#: The client timeout for these tests: short, so a stalled server is given up quickly, yet
#: long enough for a healthy one on a loaded 2-core CI machine (1 s proved flaky there).
TIMEOUT = 3.0
REMEMBERED = "https://elsewhere.example.org"
CACHED_KEY = "REV 11/endurance.csv"


class QuickSession(Session):
    """A session whose clients have a short timeout (the product default is 10 s)."""

    def make_client(self, url: str) -> ServerClient:
        return ServerClient(url, self.settings.cache_dir, timeout=TIMEOUT)


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def proxy(fresh_data_server: RunningDataServer) -> Iterator[FaultProxy]:
    port = int(fresh_data_server.url.rsplit(":", 1)[1])
    with FaultProxy("127.0.0.1", port) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def disk(fresh_data_server: RunningDataServer, cache_dir: Path) -> dict[Path, bytes]:
    """A config file and one cached log on disk before the test: both must survive."""
    remember(url=REMEMBERED)
    with ServerClient(fresh_data_server.url, cache_dir, timeout=5) as client:
        client.login(fresh_data_server.password)
        cached = client.download(CACHED_KEY)
    return {config_path(): config_path().read_bytes(), cached: cached.read_bytes()}


def assert_intact(disk: dict[Path, bytes], cache_dir: Path) -> None:
    """The files that were on disk before are unchanged, and the cache still trusts its copy."""
    for path, content in disk.items():
        assert path.read_bytes() == content, path
    assert LogCache(cache_dir).is_cached(CACHED_KEY)


def quick_app(url: str, cache_dir: Path, password: str | None = None) -> PerdaApp:
    """The app with a `QuickSession` (its screens are built after this, on start)."""
    app = PerdaApp(Settings(url=url, cache_dir=cache_dir))
    app.session = QuickSession(app.session.settings, password=password)
    return app


def status(pilot: Any) -> str:
    """The browser's whole status message (the bar shortens long ones: `m` shows it)."""
    screen = pilot.app.screen
    assert isinstance(screen, BrowserScreen)
    return screen.full_status


async def test_unreachable_at_login_keeps_the_form(
    proxy: FaultProxy, cache_dir: Path, disk: dict[Path, bytes]
) -> None:
    proxy.set_fault(Fault.REFUSE)
    app = quick_app(proxy.url(), cache_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click("#password")
        await pilot.press(*"secret", "enter")
        await wait_for(pilot, lambda: "unreachable" in static_text(pilot, "#login-status"))
        message = static_text(pilot, "#login-status")
        assert message.startswith("Error:") and proxy.url() in message
        assert app.screen.query_one("#url").value == proxy.url()
        assert app.screen.query_one("#password").value == "secret"
        assert screen_name(pilot) == "LoginScreen"
    assert_intact(disk, cache_dir)  # the failed login did not remember the URL


async def test_server_dying_mid_listing_keeps_the_listing_and_retries(
    proxy: FaultProxy, fresh_data_server: RunningDataServer, cache_dir: Path, disk: Any
) -> None:
    app = quick_app(proxy.url(), cache_dir, password=fresh_data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11")
        before = [e.name for e in table.entries]
        proxy.set_fault(Fault.RESET, after_bytes=40)
        proxy.cut_all()
        await pilot.press("r")
        await wait_for(pilot, lambda: status(pilot).startswith("Error:"))
        assert "unreachable" in status(pilot) and "r retry" in status(pilot)
        assert proxy.url() in status(pilot)
        assert [e.name for e in table.entries] == before
        proxy.set_fault(Fault.PASS)
        await pilot.press("r")
        await wait_for(pilot, lambda: "file" in status(pilot) and "Error" not in status(pilot))
        assert [e.name for e in table.entries] == before
    assert_intact({p: c for p, c in disk.items() if p != config_path()}, cache_dir)


async def test_503_is_retried_then_reported_clearly(
    proxy: FaultProxy, fresh_data_server: RunningDataServer, cache_dir: Path, disk: Any
) -> None:
    app = quick_app(proxy.url(), cache_dir, password=fresh_data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11")
        before = [e.name for e in table.entries]
        proxy.set_fault(Fault.HTTP_ERROR, status=503, times=1)
        proxy.cut_all()
        await pilot.press("r")
        await wait_for(pilot, lambda: proxy.plan.fault is Fault.PASS)  # the 503 was served
        await wait_for(pilot, lambda: "file" in status(pilot))
        assert not status(pilot).startswith("Error:")  # ...and retried without bothering anyone
        proxy.set_fault(Fault.HTTP_ERROR, status=503)
        proxy.cut_all()
        await pilot.press("r")
        await wait_for(pilot, lambda: status(pilot).startswith("Error:"))
        assert "Server error (HTTP 503)" in status(pilot) and "r retry" in status(pilot)
        assert "Traceback" not in status(pilot)
        assert [e.name for e in table.entries] == before
    assert_intact({p: c for p, c in disk.items() if p != config_path()}, cache_dir)


async def test_slow_server_leaves_the_ui_responsive_then_times_out(
    proxy: FaultProxy, fresh_data_server: RunningDataServer, cache_dir: Path
) -> None:
    app = quick_app(proxy.url(), cache_dir, password=fresh_data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11")
        names = [e.name for e in table.entries]
        proxy.set_fault(Fault.STALL)
        proxy.cut_all()
        table.move_to(names.index("2026-04-01"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: status(pilot).startswith("Loading"))
        # While the listing is pending: the cursor and sidebar follow the keys, the filter
        # opens and Esc closes it.
        await pilot.press("down")
        moved_to = names[names.index("2026-04-01") + 1]
        assert table.highlighted.name == moved_to
        await wait_for(pilot, lambda: moved_to in static_text(pilot, "#metadata-body"))
        await pilot.press("slash", "e", "n", "d")
        assert app.screen.query_one("#filter").value == "end"
        await pilot.press("escape")
        assert app.screen.query_one("#filter").has_class("-hidden")
        assert status(pilot).startswith("Loading")  # all that happened before the timeout
        await wait_for(pilot, lambda: status(pilot).startswith("Error:"), timeout=15)
        assert "did not answer in time" in status(pilot) and "r retry" in status(pilot)
        assert [e.name for e in table.entries] == names


class DrippedSession(Session):
    """A session whose gateway requests have a short total deadline (the default is 60 s)."""

    def make_client(self, url: str) -> ServerClient:
        return ServerClient(url, self.settings.cache_dir, timeout=TIMEOUT, deadline=TIMEOUT)


async def test_a_dripping_server_ends_loading_with_an_error_and_a_retry(
    proxy: FaultProxy, fresh_data_server: RunningDataServer, cache_dir: Path
) -> None:
    app = PerdaApp(Settings(url=proxy.url(), cache_dir=cache_dir))
    app.session = DrippedSession(app.session.settings, password=fresh_data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11")
        names = [e.name for e in table.entries]
        proxy.set_fault(Fault.DRIP, delay=0.05)  # a byte every 50 ms: no read ever times out
        table.move_to(names.index("2026-04-01"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: status(pilot).startswith("Loading"))
        await wait_for(pilot, lambda: status(pilot).startswith("Error:"), timeout=30)
        assert f"within {TIMEOUT:g} s" in status(pilot) and "r retry" in status(pilot)
        proxy.set_fault(Fault.PASS)
        await pilot.press("r")
        await wait_for(pilot, lambda: "file" in status(pilot) and "Error" not in status(pilot))


async def test_download_reset_mid_way_keeps_the_partial_and_resumes(
    s3_proxied: tuple[RunningDataServer, FaultProxy], cache_dir: Path, tmp_path: Path
) -> None:
    server, proxy = s3_proxied
    key = "REV 20/long.csv"
    data = write_sample_log(tmp_path / "long.csv", 400_000).read_bytes()
    server.put_log(key, data, {"title": "Long run"})
    small_key, small = "REV 20/short.csv", SAMPLE_TREE[CACHED_KEY][0]
    server.put_log(small_key, small)
    app = quick_app(server.url, cache_dir, password=S3_PASSWORD)
    cache = LogCache(cache_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 20")
        await open_file(pilot, table, "short.csv")
        await wait_screen(pilot, *LOG_SCREENS)
        app.pop_screen()
        await wait_screen(pilot, "BrowserScreen")
        proxy.set_fault(Fault.RESET, after_bytes=len(data) // 3)
        proxy.cut_all()
        await open_file(pilot, table, "long.csv")
        await wait_for(pilot, lambda: static_text(pilot, "#download-detail").startswith("Error:"))
        detail = static_text(pilot, "#download-detail")
        assert "unreachable" in detail.lower() and "resume" in detail
        assert "r retry" in static_text(pilot, "#hint")
        part, _ = cache.partial_paths(key)
        assert part.exists() and not cache.is_cached(key)
        assert not cache.path_for(key).exists()
        proxy.set_fault(Fault.PASS)
        await pilot.press("r")
        await wait_screen(pilot, *LOG_SCREENS, timeout=30)
        stats = app.session.client.last_transfer  # type: ignore[union-attr]
        assert stats.resumed_bytes > 0 and stats.resumed_bytes + stats.fetched_bytes == len(data)
    assert cache.path_for(key).read_bytes() == data
    assert cache.path_for(small_key).read_bytes() == small and cache.is_cached(small_key)
    assert not part.exists()
    assert os.listdir(cache.partial_dir) == []


async def test_session_expiring_when_opening_a_log_signs_in_again_and_keeps_the_place(
    fresh_data_server: RunningDataServer, cache_dir: Path, disk: dict[Path, bytes]
) -> None:
    app = quick_app(fresh_data_server.url, cache_dir, password=fresh_data_server.password)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, "REV 11", "2026-04-01")
        names = [e.name for e in table.entries]
        fresh_data_server.expire_sessions()
        await open_file(pilot, table, "autocross.csv")
        await wait_screen(pilot, "LoginScreen")
        assert "Session expired" in static_text(pilot, "#login-reason")
        await pilot.click("#password")
        await pilot.press(*fresh_data_server.password, "enter")
        await wait_screen(pilot, "BrowserScreen")
        assert app.screen.query_one(LogTable) is table  # the same browser, same folder
        assert "REV 11 / 2026-04-01" in static_text(pilot, "#breadcrumb")
        assert [e.name for e in table.entries] == names
        await open_file(pilot, table, "autocross.csv")
        await wait_screen(pilot, *LOG_SCREENS)
    assert_intact({p: c for p, c in disk.items() if p != config_path()}, cache_dir)
    key = "REV 11/2026-04-01/autocross.csv"
    assert LogCache(cache_dir).path_for(key).read_bytes() == SAMPLE_TREE[key][0]
