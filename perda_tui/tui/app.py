"""PerdaApp: the modes (logs, device, archive), global keys and the command palette."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from perda_tui.config import Settings
from perda_tui.errors import describe
from perda_tui.tui.logs.browser import BrowserScreen
from perda_tui.tui.logs.download import DownloadScreen
from perda_tui.tui.logs.login import LoginScreen
from perda_tui.tui.logs.sources import CacheSource, LocalFileSource, LogSource, ServerSource
from perda_tui.tui.stylesheets import stylesheet

#: Screens of the other modes, imported only when the mode is first opened.
MODE_SCREENS = {
    "device": ("perda_tui.tui.device.screen", "DeviceScreen"),
    "archive": ("perda_tui.tui.archive.screen", "ArchiveScreen"),
}


def _lazy_screen(mode: str) -> Callable[[], Screen[Any]]:
    def build() -> Screen[Any]:
        module, name = MODE_SCREENS[mode]
        return getattr(importlib.import_module(module), name)()

    return build


def over_ssh(env: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """True inside an SSH session (redraws should be cheap: no animations)."""
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY"))


#: Terminals known to offer only the 16 ANSI colours.
SIXTEEN_COLOUR_TERMS = ("linux", "vt100", "vt102", "vt220", "ansi", "cons25")
#: The theme used there: Textual's ANSI theme maps every role to one of the 16 colours.
ANSI_THEME = "ansi-dark"


def sixteen_colours(env: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """True on a 16-colour terminal (the Linux console, `TERM=xterm-16color`, ...)."""
    if env.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return False
    term = env.get("TERM", "").strip().lower()
    return term in SIXTEEN_COLOUR_TERMS or term.endswith(("-16color", "-8color"))


class PerdaApp(App[int]):
    """The perda-tui application; screens reach shared state through `self.app`."""

    TITLE = "perda-tui"
    CSS_PATH = stylesheet("app.tcss")
    DEFAULT_MODE = "logs"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "logs": LoginScreen,
        "device": _lazy_screen("device"),
        "archive": _lazy_screen("archive"),
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "open_mode('logs')", "Logs", id="app.logs"),
        Binding("f3", "open_mode('device')", "Device", id="app.device"),
        Binding("f4", "open_mode('archive')", "Archive", id="app.archive"),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        password: str | None = None,
        screen: str = "login",
        file: Path | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.client: Any | None = None
        self._password = password
        self._start_mode = screen if screen in MODE_SCREENS else "logs"
        self._file = file
        self._retries: list[Callable[[], None]] = []
        if over_ssh() and "TEXTUAL_ANIMATIONS" not in os.environ:
            self.animation_level = "none"
        if sixteen_colours():
            self.theme = ANSI_THEME

    def on_mount(self) -> None:
        if self._start_mode != "logs":
            self.action_open_mode(self._start_mode)
        if self._file is not None:
            self.open_file(self._file)

    # -- modes and commands ---------------------------------------------------------------

    def action_open_mode(self, mode: str) -> None:
        """Switch to a mode, importing its screen first (a missing one is reported)."""
        if mode in MODE_SCREENS:
            try:
                importlib.import_module(MODE_SCREENS[mode][0])
            except ImportError as exc:
                self.notify(f"The {mode} screen is not available: {describe(exc)}", markup=False)
                return
        self.switch_mode(mode)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Logs", "Browse the car logs (F2)", lambda: self.action_open_mode("logs")
        )
        yield SystemCommand(
            "Device", "Live device status (F3)", lambda: self.action_open_mode("device")
        )
        yield SystemCommand(
            "Archive", "DRMS archives (F4)", lambda: self.action_open_mode("archive")
        )
        yield SystemCommand("Cached logs", "Browse downloaded logs offline", self.open_offline)

    # -- session --------------------------------------------------------------------------

    def take_password(self) -> str | None:
        """The password given on start (`--password-stdin`, `PERDA_PASSWORD`), once."""
        password, self._password = self._password, None
        return password

    def make_client(self, url: str) -> Any:
        """A new data-server client for `url` with the configured cache and TLS setting."""
        from perda_tui.clients.dataserver import ServerClient

        return ServerClient(url, self.settings.cache_dir, verify=not self.settings.insecure)

    def signed_in(self, client: Any) -> None:
        """Keep `client` as the session (closing a previous one)."""
        if self.client is not None and self.client is not client:
            self.client.close()
        self.client = client

    def close_client(self) -> None:
        """Close the session's HTTP connections."""
        if self.client is not None:
            self.client.close()
            self.client = None

    def session_expired(self, message: str, retry: Callable[[], None] | None = None) -> None:
        """Ask for the password again on top of the current screen, then run `retry`."""
        if retry is not None:
            self._retries.append(retry)
        if isinstance(self.screen, LoginScreen) and self.screen.relogin_message:
            return

        def resume(ok: bool | None) -> None:
            retries, self._retries = self._retries, []
            if ok:
                for again in retries:
                    again()

        self.push_screen(LoginScreen(relogin_message=f"{message} Sign in again."), resume)

    # -- navigation -----------------------------------------------------------------------

    def open_browser(self) -> None:
        """Show the browser of the logged-in server over the sign-in screen."""
        self.push_screen(BrowserScreen(ServerSource(self.client)))

    def open_offline(self) -> None:
        """Browse the logs in the local cache (no server needed)."""
        from perda_tui.clients.dataserver import LogCache

        self.push_screen(BrowserScreen(CacheSource(LogCache(self.settings.cache_dir))))

    def open_entry(
        self, source: LogSource, entry: Any, on_done: Callable[[str], None] | None = None
    ) -> None:
        """Download (unless cached) and parse a log in the modal, then show it."""

        def finished(log: Any | None) -> None:
            if on_done is not None:
                on_done(entry.key)
            if log is not None:
                self.show_log(log, entry.name)

        self.push_screen(DownloadScreen(source, entry.key, entry.name, entry.size), finished)

    def open_file(self, path: Path) -> None:
        """Parse a local log file and show it (`perda-tui open FILE`)."""

        def finished(log: Any | None) -> None:
            if log is not None:
                self.show_log(log, path.name)

        screen = DownloadScreen(LocalFileSource(path), str(path), path.name, path.stat().st_size)
        self.push_screen(screen, finished)

    def show_log(self, log: Any, source_name: str) -> None:
        """Show a parsed log on the plot screen."""
        from perda_tui.tui.plot.screen import PlotScreen

        self.push_screen(PlotScreen(log, source_name))
