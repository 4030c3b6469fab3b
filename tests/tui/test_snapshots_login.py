"""SVG snapshots of the sign-in screen (fixed URL, no cursor blink)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.conftest import SNAPSHOT_SIZES, no_blink, snapshot_app


@pytest.mark.parametrize("size", SNAPSHOT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_login(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=no_blink)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_login_error(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    async def empty_password(pilot) -> None:
        await pilot.press("enter")
        await no_blink(pilot)

    assert snap_compare(snapshot_app(tmp_path), terminal_size=size, run_before=empty_password)
