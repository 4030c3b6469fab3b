"""DRMS faults seen on the archive screen: an export that never finishes, an HTML error page.

(A failed export is covered in `tests/tui/test_archive.py`.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from textual.widgets import Input, Select

from perda_tui.tui.archive.export import ExportDialog, ExportTiming
from tests.drms.server import DrmsTestServer
from tests.faults.proxy import Fault, FaultProxy
from tests.tui.conftest import static_text, wait_for
from tests.tui.test_archive import (
    FAST_EXPORTS,
    archive_app,
    archive_screen,
    find_series,
    series_ready,
)

pytestmark = pytest.mark.anyio

ERROR_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Proxy Error</title></head><body>"
    b"<h1>Proxy Error</h1><p>The proxy server received an invalid response from an "
    b"upstream server.</p><script>alert(1)</script></body></html>"
)


def drms_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


async def test_export_stuck_pending_gives_up_with_request_id_and_status(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drms_server.pending_polls = 1_000_000
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await find_series(pilot, "m_45")
        await archive_screen(pilot, ExportTiming(first_delay=FAST_EXPORTS.first_delay, timeout=0.5))
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        app.screen.query_one("#export-email", Input).value = "team@example.org"
        app.screen.query_one("#export-method", Select).value = "url"
        await pilot.click("#export-start")
        await wait_for(pilot, lambda: "Failed" in static_text(pilot, "#export-file"), timeout=5)
        failure = " ".join(static_text(pilot, "#export-file").split())
        assert "still pending after 0.5 s" in failure
        assert "JSOC_20260101_000001" in failure
        latest = static_text(pilot, "#export-status")
        assert "JSOC_20260101_000001: status 1 (processing)" in latest
        polls = len(drms_server.requests_to("jsoc_fetch"))
        assert polls >= 3  # it did poll several times before giving up...
        dialog = app.screen
        await wait_for(
            pilot, lambda: not any(w.is_running for w in app.workers if w.node is dialog)
        )
        assert len(drms_server.requests_to("jsoc_fetch")) == polls  # ...and then stopped
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ExportDialog))
    assert drms_files(tmp_path) == []


@pytest.fixture
def proxy(drms_server: DrmsTestServer) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", drms_server.port) as fault_proxy:
        yield fault_proxy


def through(proxy: FaultProxy, url: str) -> str:
    return proxy.url() + urlsplit(url).path


@pytest.mark.parametrize("status", [200, 502])
async def test_html_error_page_is_a_clear_message(
    drms_server: DrmsTestServer,
    proxy: FaultProxy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
) -> None:
    proxy.set_fault(Fault.HTTP_ERROR, status=status, body=ERROR_PAGE)
    app = archive_app(through(proxy, drms_server.cgi_url), tmp_path, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Proxy Error" in static_text(pilot, "#archive-message"))
        message = " ".join(static_text(pilot, "#archive-message").split())
        assert "502 Proxy Error" in message
        expected = "did not answer with JSON" if status == 200 else "answered HTTP 502"
        assert expected in message and "Loading the series list failed" in message
        for noise in ("Traceback", "<html", "<script", "alert(1)", "JSONDecodeError"):
            assert noise not in message
        proxy.set_fault(Fault.PASS)
        await pilot.press("ctrl+r")
        await series_ready(pilot)


async def test_deeply_nested_json_leaves_loading_with_a_message(
    drms_server: DrmsTestServer,
    proxy: FaultProxy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nested = b"[" * 100_000 + b"]" * 100_000
    proxy.set_fault(Fault.HTTP_ERROR, status=200, body=nested, times=1)
    app = archive_app(through(proxy, drms_server.cgi_url), tmp_path, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "nested" in static_text(pilot, "#archive-message"))
        message = " ".join(static_text(pilot, "#archive-message").split())
        assert "Loading the series list failed" in message and "Traceback" not in message
        await pilot.press("ctrl+r")
        await series_ready(pilot)
