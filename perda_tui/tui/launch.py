"""Running the app until the user quits (the command-line side is `perda_tui.cli.app`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from perda_tui.config import Settings


def launch_app(
    settings: Settings,
    *,
    password: str | None = None,
    screen: str = "login",
    file: Path | None = None,
) -> int:
    """Run the app until the user quits; returns the exit status."""
    from perda_tui.tui.app import PerdaApp

    app = PerdaApp(settings, password=password, screen=screen, file=file)
    try:
        app.run()
    finally:
        app.close_client()
    return app.return_code or 0
