"""Untrusted names and text from servers: no write outside the cache, nothing interpreted.

Keys from the data server and file names from a DRMS export never lead to a write
outside the cache folder, however they are disguised.

The log's key, title, description, tags and metadata come from the data server; they
hold Rich markup (`[bold red]`, `[link=…]`) and terminal escapes (colour, OSC 52
clipboard write, carriage return, bell). The screen must show the markup as typed and
no escape sequence from them may reach the terminal.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.app import App

from perda_tui.clients.dataserver import ServerClient, UnsafeKeyError
from perda_tui.clients.drms import ExportJob, HttpJsonClient
from perda_tui.server.runner import RunningDataServer
from tests.drms.conftest import local_jsoc
from tests.drms.dataset import SERIES
from tests.drms.server import DrmsTestServer
from tests.fixtures.dataserver import tiny_log
from tests.tui.conftest import make_app, static_text, wait_for
from tests.tui.test_archive import archive_app
from tests.tui.test_download import browse

#: Path tricks: parent segments, absolute, percent-encoded, Windows-style and drive paths.
HOSTILE_NAMES = [
    "../../escaped.csv",
    "REV 11/../../../escaped.csv",
    "/tmp/escaped.csv",
    "%2e%2e/%2e%2e/escaped.csv",
    "..%2f..%2fescaped.csv",
    "..\\..\\escaped.csv",
    "C:\\escaped.csv",
    "C:escaped.csv",
    ".perda/index.json",
]


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("key", HOSTILE_NAMES)
def test_hostile_data_server_key_is_refused_before_any_write(
    fresh_data_server: RunningDataServer, tmp_path: Path, key: str
) -> None:
    fresh_data_server.put_log(key, tiny_log(20))
    cache = tmp_path / "deep" / "cache"
    with ServerClient(fresh_data_server.url, cache, timeout=5) as client:
        client.login(fresh_data_server.password)
        good = client.download("REV 11/2026-04-01/accel.csv")
        before = files_under(tmp_path)
        with pytest.raises(UnsafeKeyError) as err:
            client.download(key)
    assert "refusing log key" in str(err.value)
    assert files_under(tmp_path) == before  # nothing new anywhere, inside or outside
    assert good.read_bytes() == tiny_log(500, seed=4)  # the cache is intact
    assert not Path("/tmp/escaped.csv").exists()


def test_hostile_drms_file_names_stay_in_the_cache(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    finish = drms_server._finish

    def hostile_finish(export: Any) -> dict[str, Any]:
        answer = finish(export)
        for row, name in zip(answer["data"], HOSTILE_NAMES, strict=False):
            row["filename"] = name
            drms_server._publish(f"{answer['dir']}/{name}")
        return answer

    monkeypatch.setattr(drms_server, "_finish", hostile_finish)
    cache = tmp_path / "deep" / "drms"
    with HttpJsonClient(local_jsoc(drms_server), timeout=5) as client:
        job = ExportJob.submit(
            client, "hmi.M_45s[2024.01.01_00:00_TAI/9m]", "team@example.org", method="url"
        )
        job.wait(first_delay=0.01, timeout=10)
        names = [item.filename for item in job.files()]
        paths = job.download(cache)
    assert names[: len(HOSTILE_NAMES)] == HOSTILE_NAMES  # every trick was really served
    assert len(paths) == len(names)
    assert all(p.parent == cache / job.requestid for p in paths)
    assert files_under(tmp_path) == set(paths)
    assert not Path("/tmp/escaped.csv").exists()


KEY = "REV 13/[bold red]x [blink]y.csv"  # (a "[/]" would make it a folder)
OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"
METADATA = {
    "title": "[bold red]Title[/] \x1b[31mRED",
    "description": f"[link=https://evil.example]click[/link] {OSC52}over\rwrite\x07bell",
    "tags": ["[i]tag[/i]", "\x1b[2Jclear"],
    "string_metadata": {"[b]driver[/b]": "\x1b[5mblink"},
    "numeric_metadata": {"laps\x1b[8m": 3},
}
#: Escape sequences (and bare controls) taken from METADATA: none may be written out.
HOSTILE = ["\x1b[31mRED", "\x1b]52;", "\x1b[2J", "\x1b[5m", "\x1b[8m", "\x07", "\rwrite"]


def screen_lines(app: App[object]) -> list[str]:
    """The plain text of every line on the screen, as the compositor paints it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def terminal_output(app: App[object]) -> str:
    """The bytes a real terminal would receive for a full repaint of the screen."""
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=200)
    console.print(app.screen._compositor.render_update(full=True), end="")
    return console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_hostile_metadata_and_key_are_shown_literally(
    fresh_data_server: RunningDataServer, tmp_path: Path
) -> None:
    fresh_data_server.put_log(KEY, tiny_log(50), METADATA)
    app = make_app(fresh_data_server.url, tmp_path / "cache", password=fresh_data_server.password)
    async with app.run_test(size=(160, 50)) as pilot:
        table = await browse(pilot, "REV 13")
        await wait_for(pilot, lambda: [e.key for e in table.entries] == [KEY])
        await wait_for(pilot, lambda: "Title" in static_text(pilot, "#metadata-body"))
        await pilot.pause(0.1)
        text = "\n".join(screen_lines(app))
        output = terminal_output(app)
        svg = app.export_screenshot()
    for shown in (
        "[bold red]x [blink]y.csv",
        "[bold red]Title[/]",
        "[link=https://evil.example]click",
    ):
        assert shown in text, shown
    assert "[i]tag[/i]" in text and "[b]driver[/b]" in text
    assert "[31mRED" in text  # the escape's printable tail stays visible, its ESC is gone
    for escape in HOSTILE:
        assert escape not in text
        assert escape not in output
        assert escape not in svg
    assert "evil.example" not in output.replace("[link=https://evil.example]", "")  # no hyperlink
    assert "\x1b]8;" not in output  # Rich's OSC 8 hyperlinks: none were created


@pytest.mark.anyio
async def test_hostile_drms_series_note_is_shown_literally(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = f"[bold red]Magnetograms[/] [link=https://evil.example]x[/link] \x1b[31mRED{OSC52}\r\x07"
    hostile = dataclasses.replace(SERIES["hmi.m_45s"], note=note)
    monkeypatch.setitem(SERIES, "hmi.m_45s", hostile)
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: "series" in static_text(pilot, "#archive-message"))
        await pilot.press("slash", *"m_45", "enter")
        await wait_for(
            pilot, lambda: "Keywords" in static_text(pilot, "#structure-side .structure-body")
        )
        await pilot.pause(0.1)
        text = "\n".join(screen_lines(app))
        output = terminal_output(app)
        svg = app.export_screenshot()
    assert text.count("[bold red]Magnetograms[/]") >= 2  # in the series list and the structure
    assert "[link=https://evil.example]x[/link]" in text
    for escape in HOSTILE:
        assert escape not in text and escape not in output and escape not in svg
    assert "\x1b]8;" not in output
