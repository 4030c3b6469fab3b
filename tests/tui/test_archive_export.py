"""Archive exports never destroy: the export folder, one folder per request, confirmation
before replacing a file, and one-line messages when the folder cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from perda_tui.tui.archive.export import ExportDialog
from tests.drms.server import DrmsTestServer
from tests.tui.conftest import static_text, wait_for, wait_screen
from tests.tui.test_archive import archive_app, find_series

pytestmark = pytest.mark.anyio
RECORDS = "hmi.M_45s[2024.01.01_00:00_TAI/3m]"
NAMES = [
    f"hmi.m_45s.20240101_{t}_TAI.magnetogram.fits" for t in ("000000", "000045", "000130", "000215")
]


async def open_export(pilot: Pilot[object], method: str = "url") -> ExportDialog:
    """The export dialog for `RECORDS`, filled in and started."""
    if not isinstance(pilot.app.screen, ExportDialog):
        await pilot.press("e")
        await wait_screen(pilot, "ExportDialog")
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    dialog.query_one("#export-recordset", Input).value = RECORDS
    dialog.query_one("#export-email", Input).value = "team@example.org"
    dialog.query_one("#export-method", Select).value = method
    await pilot.click("#export-start")
    return dialog


async def export_again(pilot: Pilot[object], method: str) -> None:
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, ExportDialog))
    await open_export(pilot, method)


def downloaded(pilot: Pilot[object]) -> bool:
    return "downloaded" in static_text(pilot, "#export-file")


async def test_exports_go_to_the_export_folder_created_if_missing(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exports = tmp_path / "new" / "exports"
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch, export_dir=exports)
    async with app.run_test(size=(80, 24)) as pilot:
        await find_series(pilot, "m_45")
        await open_export(pilot)
        await wait_for(pilot, lambda: downloaded(pilot))
        folder = exports / "drms" / "JSOC_20260101_000001"
        assert sorted(p.name for p in folder.iterdir()) == NAMES
        assert f"4 file(s) downloaded to {folder}" in static_text(pilot, "#export-file")
    assert not (tmp_path / "cache" / "drms").exists()


async def test_each_quick_export_lands_in_its_own_request_folder(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await find_series(pilot, "m_45")
        await open_export(pilot, "url_quick")
        await wait_for(pilot, lambda: downloaded(pilot))
        await export_again(pilot, "url_quick")
        await wait_for(pilot, lambda: downloaded(pilot))
        root = tmp_path / "exports" / "drms"
        folders = sorted(root.iterdir())
        assert len(folders) == 2 and all(f.name.startswith("url_quick_") for f in folders)
        assert [sorted(p.name for p in f.iterdir()) for f in folders] == [NAMES, NAMES]
        assert f"downloaded to {folders[-1]}" in static_text(pilot, "#export-file")


@pytest.mark.parametrize("choice", ["keep", "overwrite"])
async def test_existing_file_is_replaced_only_after_confirmation(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, choice: str
) -> None:
    folder = tmp_path / "exports" / "drms" / "JSOC_20260101_000001"
    folder.mkdir(parents=True)
    mine = folder / NAMES[0]
    mine.write_bytes(b"my own notes")
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await find_series(pilot, "m_45")
        dialog = await open_export(pilot)
        confirm = dialog.query_one("#export-confirm")
        await wait_for(pilot, lambda: confirm.display)
        assert f"1 of these files are already in {folder}" in " ".join(
            static_text(pilot, "#export-existing").split()
        )
        assert mine.read_bytes() == b"my own notes"  # nothing downloaded before the answer
        assert not downloaded(pilot)
        await pilot.click(f"#export-{choice}")
        await wait_for(pilot, lambda: downloaded(pilot))
    names = sorted(p.name for p in folder.iterdir())
    if choice == "keep":
        assert mine.read_bytes() == b"my own notes"
        assert names == sorted([*NAMES, NAMES[0] + ".1"])
    else:
        assert mine.read_bytes() != b"my own notes" and names == NAMES


async def test_unusable_export_folder_is_one_line_before_any_export(
    drms_server: DrmsTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = archive_app(drms_server.cgi_url, tmp_path, monkeypatch, export_dir=blocker / "exports")
    async with app.run_test(size=(80, 24)) as pilot:
        await find_series(pilot, "m_45")
        await open_export(pilot)
        await wait_for(pilot, lambda: "Failed" in static_text(pilot, "#export-file"))
        text = static_text(pilot, "#export-file").strip()
        assert text == (
            f"Failed: Cannot create the export folder {blocker / 'exports' / 'drms'}: "
            "Not a directory"
        )
        assert drms_server.requests_to("jsoc_fetch") == []  # nothing asked of the server
