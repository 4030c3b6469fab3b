"""SVG snapshots of the download modal mid-transfer (fixed bytes and a fake clock)."""

from __future__ import annotations

from itertools import chain, repeat
from pathlib import Path

import pytest

from perda_tui.tui.logs.browser import BrowserScreen
from perda_tui.tui.logs.download import DownloadScreen
from perda_tui.tui.messages import DownloadProgress
from tests.tui.conftest import SNAPSHOT_SIZES, no_blink, snapshot_app
from tests.tui.listing import FULL, FixedSource


async def mid_download(pilot) -> None:
    """The modal over the browser at 60 %, 2 MiB/s, with the source waiting."""
    app = pilot.app
    source = FixedSource()
    await app.push_screen(BrowserScreen(source, prefix="REV 11/"))
    await app.workers.wait_for_complete()
    clock = chain([0.0], repeat(1.5)).__next__
    modal = DownloadScreen(source, FULL.key, FULL.name, FULL.size, clock=clock)
    await app.push_screen(modal)
    await pilot.pause()
    for done in (0, 3_145_728):
        modal.post_message(DownloadProgress(done, FULL.size))
        await pilot.pause()
    await no_blink(pilot)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_download(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=mid_download)
