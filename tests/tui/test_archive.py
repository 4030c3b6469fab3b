"""Pilot tests of the archive screen against the local DRMS server (real HTTP)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, ProgressBar, Select

from perda_tui.clients.drms import ServerConfig, config, custom_server
from perda_tui.config import Settings
from perda_tui.tui.app import PerdaApp
from perda_tui.tui.archive.export import ExportDialog, ExportTiming
from perda_tui.tui.archive.requests import RequestAnswered
from perda_tui.tui.archive.screen import ArchiveScreen
from perda_tui.tui.archive.series import SeriesList
from perda_tui.tui.common.chart_view import ChartView
from tests.drms.server import DrmsTestServer
from tests.tui.conftest import static_text, wait_for

pytestmark = pytest.mark.anyio
QUERY = "hmi.V_45s[2024.01.01_00:00_TAI/2h]"
BODY = "#structure .structure-body"  # the structure tab
SIDE = "#structure-side .structure-body"  # the structure sidebar of wide terminals
#: The local server's name in the picker (its URL, with a random port, is never on screen).
LOCAL = "Local archive"
#: Exports poll this fast in tests (the server answers "pending" twice by default).
FAST_EXPORTS = ExportTiming(first_delay=0.02)


def archive_app(
    cgi_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    export_dir: Path | None = None,
    **servers: ServerConfig,
) -> PerdaApp:
    """`perda-tui archive` on the local DRMS server, registered under `LOCAL` for this test
    (plus any extra registered `servers`, e.g. `kis=...` to replace KIS); exports go to
    `export_dir` (default: `tmp_path/exports`, not created)."""
    local = {LOCAL.lower(): custom_server(cgi_url, name=LOCAL)}
    for key, server in (local | servers).items():
        monkeypatch.setitem(config._registry, key, server)
    settings = Settings(
        cache_dir=tmp_path / "cache",
        export_dir=export_dir or tmp_path / "exports",
        drms_server=LOCAL,
    )
    return PerdaApp(settings, screen="archive")


async def archive_screen(
    pilot: Pilot[object], timing: ExportTiming = FAST_EXPORTS
) -> ArchiveScreen:
    """The archive screen once mounted, with exports polling as `timing` says."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ArchiveScreen))
    screen = pilot.app.screen
    assert isinstance(screen, ArchiveScreen)
    screen.export_timing = timing
    return screen


def option_ids(pilot: Pilot[object]) -> list[str]:
    return [s.name for s in pilot.app.screen.query_one("#series-list", SeriesList).items]


async def series_ready(pilot: Pilot[object], count: int = 5) -> None:
    await archive_screen(pilot)
    await wait_for(pilot, lambda: len(option_ids(pilot)) == count)


async def find_series(pilot: Pilot[object], regex: str) -> None:
    await series_ready(pilot)
    await pilot.press("slash", *regex, "enter")
    await wait_for(pilot, lambda: "Keywords" in static_text(pilot, BODY))


async def run_query(pilot: Pilot[object], query: str) -> None:
    await pilot.press("2")
    field = pilot.app.screen.query_one("#query", Input)
    field.value = query
    field.focus()
    await pilot.press("enter")


async def test_perda_app_opens_archive_on_the_configured_url(
    drms_server: DrmsTestServer, tmp_path: Path
) -> None:
    app = PerdaApp(Settings(cache_dir=tmp_path, drms_server=drms_server.cgi_url), screen="archive")
    async with app.run_test(size=(80, 24)) as pilot:
        await series_ready(pilot)
        assert app.screen.query_one("#server-select", Select).value == "custom"
        assert app.screen.query_one("#server-url", Input).value == drms_server.cgi_url
        assert "5 series on custom" in static_text(pilot, "#archive-message")
        assert drms_server.requests[0].cgi == "show_series"


async def test_find_series_by_regex_and_read_structure(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with archive_app(drms_server.cgi_url, tmp_path, monkeypatch).run_test(
        size=(80, 24)
    ) as pilot:
        await series_ready(pilot)
        await pilot.press("slash", *r"hmi\.m_")
        await wait_for(pilot, lambda: option_ids(pilot) == ["hmi.M_45s", "hmi.M_720s"])
        assert "2 of 5 series match" in static_text(pilot, "#archive-message")
        await pilot.press("backspace", "backspace", *"v_4", "enter")
        await wait_for(pilot, lambda: "Keywords" in static_text(pilot, BODY))
        text = static_text(pilot, BODY)
        assert "Dopplergrams with a cadence of 45 seconds." in text
        assert "prime keys: T_REC" in text
        assert "DATAMEAN" in text and "Dopplergram" in text
        screen = pilot.app.screen
        assert screen.query_one("#query", Input).value == "hmi.V_45s[$]"
        assert (
            screen.query_one("#keys", Input).value
            == "T_REC,DATAMEAN,DATARMS,QUALITY,CAMERA,EXPTIME"
        )
        assert drms_server.requests_to("jsoc_info")[-1].params == {
            "op": "series_struct",
            "ds": "hmi.v_45s",
        }


async def test_invalid_regex_is_reported(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with archive_app(drms_server.cgi_url, tmp_path, monkeypatch).run_test(
        size=(80, 24)
    ) as pilot:
        await series_ready(pilot)
        await pilot.press("slash", "(")
        await wait_for(pilot, lambda: "Not a valid regex" in static_text(pilot, "#archive-message"))
        assert len(option_ids(pilot)) == 5


async def test_count_first_then_paged_records(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: list[RequestAnswered] = []

    def hook(message: object) -> None:
        # a message is seen again as it bubbles from the screen to the app
        if isinstance(message, RequestAnswered) and message not in answers:
            answers.append(message)

    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await find_series(pilot, "v_45")
        await run_query(pilot, QUERY)
        table = app.screen.query_one("#records", DataTable)
        await wait_for(pilot, lambda: table.row_count == 50)
        records = [a.request.what for a in answers if a.request.kind == "records"]
        assert records == [f"Querying {QUERY}"] * 2  # the count, then the first page
        assert "160 records; 1-50, page 1 of 4" in static_text(pilot, "#records-count")
        assert [str(c.label) for c in table.columns.values()][:3] == [
            "T_REC",
            "DATAMEAN",
            "DATARMS",
        ]
        assert table.get_row_at(0)[0] == "2024-01-01 00:00:00"
        info = [r.params for r in drms_server.requests_to("jsoc_info")[-2:]]
        assert info[0] == {"op": "rs_summary", "ds": QUERY}
        assert info[1]["op"] == "rs_list" and info[1]["n"] == "50"

        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: "51-100, page 2 of 4" in static_text(pilot, "#records-count"))
        assert table.get_row_at(0)[0] == "2024-01-01 00:37:30"
        assert drms_server.requests_to("jsoc_info")[-1].params["n"] == "100"
        before = len(drms_server.requests)
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: "1-50, page 1 of 4" in static_text(pilot, "#records-count"))
        assert len(drms_server.requests) == before  # earlier pages come from memory


async def test_query_errors_show_server_message(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with archive_app(drms_server.cgi_url, tmp_path, monkeypatch).run_test(
        size=(80, 24)
    ) as pilot:
        await find_series(pilot, "v_45")
        await run_query(pilot, "hmi.nothing[$]")
        await wait_for(pilot, lambda: "series not found" in static_text(pilot, "#archive-message"))
        assert "Querying hmi.nothing[$] failed: Can't open series" in static_text(
            pilot, "#archive-message"
        )


async def test_empty_record_set(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with archive_app(drms_server.cgi_url, tmp_path, monkeypatch).run_test(
        size=(80, 24)
    ) as pilot:
        await find_series(pilot, "v_45")
        await run_query(pilot, "hmi.V_45s[2024.01.01_00:00:10_TAI]")
        await wait_for(pilot, lambda: "0 records match" in static_text(pilot, "#records-count"))
        assert drms_server.requests_to("jsoc_info")[-1].params["op"] == "rs_summary"


async def test_plot_a_keyword(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await find_series(pilot, "v_45")
        await run_query(pilot, QUERY)
        chart = app.screen.query_one("#plot", ChartView)
        await pilot.press("3")
        await wait_for(pilot, lambda: chart.drawn_generation > 0 and chart.is_current)
        select = app.screen.query_one("#plot-key", Select)
        assert select.value == "DATAMEAN"
        text = chart.plain_text()
        assert "DATAMEAN [m/s]" in text and "00:00" in text and not chart.last_error
        select.value = "DATARMS"
        await wait_for(pilot, lambda: "DATARMS [m/s]" in chart.plain_text())


async def test_plot_needs_time_and_a_number(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await find_series(pilot, "v_45")
        app.screen.query_one("#keys", Input).value = "TELESCOP"
        await run_query(pilot, QUERY)
        await wait_for(pilot, lambda: app.screen.query_one("#records", DataTable).row_count == 50)
        await pilot.press("3")
        chart = app.screen.query_one("#plot", ChartView)
        await wait_for(pilot, lambda: "Nothing to plot" in chart.plain_text())
        assert app.screen.query_one("#plot-key", Select).is_blank()


async def test_export_with_downloads(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await find_series(pilot, "m_45")
        await run_query(pilot, "hmi.M_45s[2024.01.01_00:00_TAI/3m]")
        await wait_for(pilot, lambda: app.screen.query_one("#records", DataTable).row_count == 4)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        dialog = app.screen
        dialog.query_one("#export-email", Input).value = "team@example.org"
        dialog.query_one("#export-method", Select).value = "url"
        dialog.query_one("#export-protocol", Select).value = "fits"
        await pilot.click("#export-start")
        await wait_for(pilot, lambda: "downloaded" in static_text(pilot, "#export-file"))
        assert "✓ registered (status 2)" in static_text(pilot, "#export-email-status")
        assert "JSOC_20260101_000001: status 0 (done)" in static_text(pilot, "#export-status")
        assert dialog.query_one("#export-progress", ProgressBar).percentage == 1.0
        folder = tmp_path / "exports" / "drms" / "JSOC_20260101_000001"
        assert sorted(p.name for p in folder.iterdir()) == [
            f"hmi.m_45s.20240101_{t}_TAI.magnetogram.fits"
            for t in ("000000", "000045", "000130", "000215")
        ]
        statuses = [r.params.get("op") for r in drms_server.requests_to("jsoc_fetch")]
        assert statuses == ["exp_request", "exp_status", "exp_status", "exp_status"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ExportDialog))
        assert f"Exported 4 file(s) to {folder}" in static_text(pilot, "#archive-message")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        assert app.screen.query_one("#export-email", Input).value == "team@example.org"


async def test_export_refuses_unregistered_email(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await find_series(pilot, "m_45")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        app.screen.query_one("#export-email", Input).value = "stranger@example.org"
        await pilot.click("#export-start")
        await wait_for(pilot, lambda: "Failed" in static_text(pilot, "#export-file"))
        assert "✗ not usable (status 4)" in static_text(pilot, "#export-email-status")
        assert "stranger@example.org cannot export" in static_text(pilot, "#export-file")
        assert drms_server.requests_to("jsoc_fetch") == []


async def test_failed_export_keeps_request_id_and_message(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drms_server.export_failure = (25, "Data offline; operator intervention needed")
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await find_series(pilot, "m_45")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        app.screen.query_one("#export-email", Input).value = "team@example.org"
        app.screen.query_one("#export-method", Select).value = "url"
        await pilot.click("#export-start")
        await wait_for(pilot, lambda: "Failed" in static_text(pilot, "#export-file"))
        assert "JSOC_20260101_000001: status 1 (processing)" in static_text(pilot, "#export-status")
        assert "operator intervention needed [status=25]" in static_text(pilot, "#export-file")


async def test_offline_server_says_which_and_how_to_switch(
    drms_server: DrmsTestServer, tmp_path: Path
) -> None:
    with DrmsTestServer() as gone:
        dead_url = gone.cgi_url
    app = PerdaApp(Settings(cache_dir=tmp_path, drms_server=dead_url), screen="archive")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "Cannot reach" in static_text(pilot, "#archive-message"))
        message = " ".join(static_text(pilot, "#archive-message").split())
        assert f"Cannot reach the DRMS server custom at {dead_url} (" in message
        assert "Connection refused" in message
        assert "Ctrl+S picks another server or a custom URL; Ctrl+R retries." in message
        url = app.screen.query_one("#server-url", Input)
        url.value = drms_server.cgi_url
        url.focus()
        await pilot.press("enter")
        await series_ready(pilot)
        assert "5 series on custom" in static_text(pilot, "#archive-message")


async def test_server_without_export(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kis_like = ServerConfig(name="KIS-like", cgi_baseurl=drms_server.cgi_url)
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch, kis=kis_like)
    async with app.run_test(size=(80, 24)) as pilot:
        await series_ready(pilot)
        app.screen.query_one("#server-select", Select).value = "kis"
        await wait_for(
            pilot, lambda: "series on KIS-like" in static_text(pilot, "#archive-message")
        )
        await pilot.press("e")
        assert "KIS-like offers no exports" in static_text(pilot, "#archive-message")
        assert not isinstance(app.screen, ExportDialog)


async def test_wide_terminal_shows_structure_beside_records(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(160, 40)) as pilot:
        await series_ready(pilot)
        tabs = app.screen.query_one("#archive-tabs")
        assert tabs.active == "tab-records"
        await pilot.press("slash", *"v_45", "enter")
        await wait_for(pilot, lambda: "Keywords" in static_text(pilot, SIDE))
        assert "Dopplergrams" in static_text(pilot, SIDE)
        await run_query(pilot, QUERY)
        table = app.screen.query_one("#records", DataTable)
        await wait_for(pilot, lambda: table.row_count == 50)
        assert app.screen.query_one("#structure-side").display
        await pilot.press("1")
        assert app.focused is app.screen.query_one("#structure-side")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not app.screen.query_one("#structure-side").display
        await pilot.press("1")
        assert tabs.active == "tab-structure"


async def test_answer_from_a_server_the_user_left_is_dropped(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: list[RequestAnswered] = []

    def hook(message: object) -> None:
        if isinstance(message, RequestAnswered) and message not in answers:
            answers.append(message)

    drms_server.answering.clear()  # the first server answers only when the test says so
    drms_server.http_error = 500  # ...and then with an error that must never be shown
    with DrmsTestServer() as other:
        other_archive = custom_server(other.cgi_url, name="Other archive")
        app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch, other=other_archive)
        async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
            await archive_screen(pilot)
            await wait_for(pilot, lambda: bool(drms_server.requests_to("show_series")))
            assert "Loading the series list of Local archive" in static_text(
                pilot, "#archive-message"
            )
            app.screen.query_one("#server-select", Select).value = "other"
            await series_ready(pilot)
            assert "5 series on Other archive" in static_text(pilot, "#archive-message")
            drms_server.answering.set()
            await wait_for(pilot, lambda: len(answers) == 2)  # the stale answer arrived...
            await pilot.pause()
            message = static_text(pilot, "#archive-message")
            assert "5 series on Other archive" in message  # ...and was dropped
            assert "failed" not in message and len(option_ids(pilot)) == 5
