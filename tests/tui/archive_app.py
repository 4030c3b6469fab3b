"""A minimal app around `ArchiveScreen` for pilot and snapshot tests of the archive screen."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from perda_tui.clients.drms import ServerConfig, custom_server
from perda_tui.config import Settings
from perda_tui.tui.archive.screen import ArchiveScreen
from perda_tui.tui.stylesheets import stylesheet

#: Export polls this fast in tests (the server answers "pending" twice by default).
TEST_POLL_DELAY = 0.02


class ArchiveApp(App[None]):
    """Shows one `ArchiveScreen`; `settings` as `PerdaApp` provides them."""

    CSS_PATH = stylesheet("app.tcss")

    def __init__(self, screen: ArchiveScreen, cache_dir: Path) -> None:
        super().__init__()
        self.settings = Settings(cache_dir=cache_dir)
        self._archive = screen

    def on_mount(self) -> None:
        self.push_screen(self._archive)


def local_server(cgi_url: str, name: str = "Local archive") -> dict[str, ServerConfig]:
    """A picker with one JSOC-like server at `cgi_url`, under a fixed display name."""
    return {"local": custom_server(cgi_url, name=name)}


def archive_app(cgi_url: str, cache_dir: Path, **servers: ServerConfig) -> ArchiveApp:
    """The archive screen on the local DRMS server (plus any extra `servers`)."""
    choices = local_server(cgi_url) | servers
    screen = ArchiveScreen("local", servers=choices, export_first_delay=TEST_POLL_DELAY)
    return ArchiveApp(screen, cache_dir)
