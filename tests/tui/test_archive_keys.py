"""The archive screen's keyboard: fields keep what is typed, advertised keys work from where
the user is, the regex is echoed as typed, Back comes first, long messages are one key away."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer, Input, Select, TabbedContent

from perda_tui.tui.archive.screen import ArchiveScreen
from tests.drms.server import DrmsTestServer
from tests.tui.conftest import static_text, wait_for, wait_screen
from tests.tui.test_archive import (
    QUERY,
    archive_app,
    find_series,
    run_query,
    series_ready,
)

pytestmark = pytest.mark.anyio


def footer_keys(pilot: Pilot[object]) -> list[str]:
    """The footer's key labels, left to right, as the user sees them."""
    footer = pilot.app.screen.query_one(Footer)
    return [key.description for key in footer.query("FooterKey").results()]  # type: ignore[attr-defined]


async def test_typing_into_any_field_never_fires_a_digit_shortcut(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await find_series(pilot, "v_45")
        await run_query(pilot, QUERY)
        tabs = app.screen.query_one(TabbedContent)
        await wait_for(pilot, lambda: not app.screen.query_one("#plot-key", Select).is_blank())
        for field in ("#series-filter", "#query", "#keys"):
            widget = app.screen.query_one(field, Input)
            tabs.active = "tab-records"
            widget.value = ""
            widget.focus()
            await pilot.press("1", "2", "3", "slash", "e")
            assert (widget.value, tabs.active) == ("123/e", "tab-records"), field
            assert app.focused is widget and isinstance(app.screen, ArchiveScreen)
        app.screen.query_one("#records").focus()
        await pilot.press("3")  # from the records table, 3 is the plot tab...
        assert tabs.active == "tab-plot"
        picker = app.screen.query_one("#plot-key", Select)
        picker.focus()
        await pilot.press("2")  # ...but typed into the keyword picker it searches the list
        await pilot.pause()
        assert tabs.active == "tab-plot" and picker.expanded
        await pilot.press("escape")
        await pilot.press(*"datar", "enter")
        await wait_for(pilot, lambda: picker.value == "DATARMS")
        assert tabs.active == "tab-plot"


@pytest.mark.parametrize("url", ["not-a-url", "http://127.0.0.1:9/cgi-bin/"])
async def test_after_a_bad_server_url_the_advertised_key_picks_another(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await series_ready(pilot)
        picker = app.screen.query_one("#server-select", Select)
        picker.value = "custom"
        field = app.screen.query_one("#server-url", Input)
        await wait_for(pilot, lambda: app.focused is field)
        await pilot.press(*url, "enter")
        screen = app.screen
        assert isinstance(screen, ArchiveScreen)
        await wait_for(pilot, lambda: "Ctrl+S picks another server" in screen.message)
        assert app.focused is field  # the user is still in the field...
        await pilot.press("ctrl+s")  # ...and the advertised key works from there
        await pilot.pause()
        assert picker.expanded and field.value == url
        await pilot.press("up", "enter")  # the entry above "Custom URL…": the local server
        await wait_for(pilot, lambda: "5 series on Local archive" in screen.message)


async def test_regex_is_echoed_as_typed(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await series_ready(pilot)
        await pilot.press("slash", *r"hmi\.m_")
        await wait_for(pilot, lambda: "2 of 5" in static_text(pilot, "#archive-message"))
        line = static_text(pilot, "#archive-message")
        assert "2 of 5 series match “hmi\\.m_”." in line and "\\\\" not in line


async def test_footer_starts_with_back_and_back_leaves_the_archive(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await find_series(pilot, "v_45")  # the series list has the focus
        await pilot.pause()
        assert footer_keys(pilot)[:3] == ["Back", "Server", "Filter"]
        app.screen.query_one("#query", Input).focus()  # typing: only keys that work there
        # the footer is rebuilt when the bindings change: wait for the new one, not a gap
        await wait_for(pilot, lambda: footer_keys(pilot)[:1] == ["Back"])
        await wait_for(pilot, lambda: "Filter" not in footer_keys(pilot))
        keys = footer_keys(pilot)
        assert keys[:2] == ["Back", "Server"] and "Records" not in keys
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ArchiveScreen))
        assert app.current_mode == "logs"


async def test_long_message_is_one_line_with_the_full_text_one_key_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drms_server: DrmsTestServer
) -> None:
    with DrmsTestServer() as gone:
        dead_url = gone.cgi_url
    app = archive_app(dead_url, tmp_path, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "ArchiveScreen")
        screen = app.screen
        assert isinstance(screen, ArchiveScreen)
        await wait_for(pilot, lambda: "Cannot reach" in screen.message)
        line = screen.query_one("#archive-message")
        assert line.size.height == 1
        shown = "".join(s.text for s in line.render_line(0)).strip()
        assert shown.endswith("…") and "Ctrl+R retries" not in shown
        await wait_for(pilot, lambda: "Full message" in footer_keys(pilot))
        await pilot.press("ctrl+o")
        await wait_screen(pilot, "InfoModal")
        body = " ".join(static_text(pilot, "#info-body").split())
        assert f"Cannot reach the DRMS server Local archive at {dead_url}" in body
        assert body.endswith("Ctrl+S picks another server or a custom URL; Ctrl+R retries.")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
