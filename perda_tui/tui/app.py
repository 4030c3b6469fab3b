"""PerdaApp: the modes (logs, device, archive), global keys and the command palette."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from perda_tui.config import Settings
from perda_tui.errors import describe
from perda_tui.text import without_control
from perda_tui.tui.help import InfoModal, keys_table
from perda_tui.tui.logs.browser import BrowserScreen
from perda_tui.tui.logs.download import DownloadScreen
from perda_tui.tui.logs.login import LoginScreen
from perda_tui.tui.logs.sources import CacheSource, LocalFileSource, ServerSource
from perda_tui.tui.messages import (
    CompareRequested,
    OpenLog,
    OpenOffline,
    SessionExpired,
    SignedIn,
)
from perda_tui.tui.session import Session
from perda_tui.tui.stylesheets import stylesheet

if TYPE_CHECKING:
    from perda_tui.logs import Log

#: Screens of the other modes, imported only when the mode is first opened.
MODE_SCREENS = {
    "device": ("perda_tui.tui.device.screen", "DeviceScreen"),
    "archive": ("perda_tui.tui.archive.screen", "ArchiveScreen"),
}


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
    """The perda-tui application: owns the session and all navigation.

    Screens never call its methods: they post the messages of `perda_tui.tui.messages`
    (`SignedIn`, `OpenOffline`, `OpenLog`, `SessionExpired`), handled here.
    """

    TITLE = "perda-tui"
    CSS_PATH = stylesheet("app.tcss")
    DEFAULT_MODE = "logs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", "Keys", key_display="?", id="app.help"),
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
        self.session = Session(settings, password=password)
        self._start_mode = screen if screen in MODE_SCREENS else "logs"
        self._file = file
        self._retries: list[Callable[[], None]] = []
        self.add_mode("logs", lambda: LoginScreen(self.session))
        for mode in MODE_SCREENS:
            self.add_mode(mode, partial(self._mode_screen, mode))
        if over_ssh() and "TEXTUAL_ANIMATIONS" not in os.environ:
            self.animation_level = "none"
        if sixteen_colours():
            self.theme = ANSI_THEME

    def on_mount(self) -> None:
        if problem := self.session.settings.config_problem:  # named once, as the CLI does
            message = f"Config file ignored in part: {without_control(problem, ' ')}"
            self.notify(message, severity="warning", timeout=15, markup=False)
        if self._start_mode != "logs":
            self.action_open_mode(self._start_mode)
        if self._file is not None:
            self._open_file(self._file)

    def close_client(self) -> None:
        """Close the session's HTTP connections (when the app has ended)."""
        self.session.close()

    # -- modes and commands ---------------------------------------------------------------

    def _mode_screen(self, mode: str) -> Screen[Any]:
        module, name = MODE_SCREENS[mode]
        screen: Screen[Any] = getattr(importlib.import_module(module), name)(self.session.settings)
        return screen

    def action_open_mode(self, mode: str) -> None:
        """Switch to a mode, importing its screen first (a missing one is reported)."""
        if mode in MODE_SCREENS:
            try:
                importlib.import_module(MODE_SCREENS[mode][0])
            except ImportError as exc:
                self.notify(f"The {mode} screen is not available: {describe(exc)}", markup=False)
                return
        self.switch_mode(mode)

    def action_help(self) -> None:
        """Show the current screen's keys, made from its real bindings."""
        screen = self.screen
        if not isinstance(screen, InfoModal):
            name = type(screen).__name__.removesuffix("Screen")
            self.push_screen(InfoModal(f"Keys: {name}", keys_table(screen)))

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
        yield SystemCommand("Cached logs", "Browse downloaded logs offline", self._open_offline)

    # -- navigation (messages from the screens) -------------------------------------------

    def on_signed_in(self, message: SignedIn) -> None:
        """Show the browser of the signed-in server over the sign-in screen."""
        self.push_screen(BrowserScreen(ServerSource(message.client)))

    def on_open_offline(self, message: OpenOffline) -> None:
        self._open_offline()

    def on_open_log(self, message: OpenLog) -> None:
        """Download (unless cached) and parse a log in the modal, then show it."""
        entry, on_done = message.entry, message.on_done

        def finished(log: Log | None) -> None:
            if on_done is not None:
                on_done(entry.key)
            if log is not None:
                self.show_log(log, entry.name)

        modal = DownloadScreen(message.source, entry.key, entry.name, entry.size)
        self.push_screen(modal, finished)

    def on_compare_requested(self, message: CompareRequested) -> None:
        """Compare the marked logs: they load in parallel on the compare screen."""
        from perda_tui.config import config_dir
        from perda_tui.tui.compare.screen import CompareScreen

        settings = self.session.settings
        screen = CompareScreen(
            message.source,
            message.entries,
            export_dir=settings.export_dir,
            config_dir=config_dir(),
        )
        self.push_screen(screen)

    def on_session_expired(self, message: SessionExpired) -> None:
        """Ask for the password again on top of the current screen, then retry."""
        if message.retry is not None:
            self._retries.append(message.retry)
        if isinstance(self.screen, LoginScreen) and self.screen.relogin_message:
            return

        def resume(ok: bool | None) -> None:
            retries, self._retries = self._retries, []
            if ok:
                for again in retries:
                    again()

        relogin = LoginScreen(self.session, relogin_message=f"{message.message} Sign in again.")
        self.push_screen(relogin, resume)

    def _open_offline(self) -> None:
        """Browse the logs in the local cache (no server needed)."""
        from perda_tui.clients.dataserver import LogCache

        self.push_screen(BrowserScreen(CacheSource(LogCache(self.session.settings.cache_dir))))

    def _open_file(self, path: Path) -> None:
        """Parse a local log file and show it (`perda-tui open FILE`): closing the modal
        or the plot quits, as there is no sign-in behind them."""

        def finished(log: Log | None) -> None:
            if log is None:
                self._quit()
            else:
                self.show_log(log, path.name, on_close=self._quit)

        source = LocalFileSource(path.parent, self.session.settings.cache_dir)
        screen = DownloadScreen(source, path.name, path.name, path.stat().st_size)
        self.push_screen(screen, finished)

    def _quit(self, _: object = None) -> None:
        self.exit()

    def show_log(
        self, log: Log, source_name: str, *, on_close: Callable[[None], None] | None = None
    ) -> None:
        """Show a parsed log on the plot screen; `on_close` runs when it is dismissed."""
        from perda_tui.tui.plot.screen import PlotScreen

        plot = PlotScreen(log, source_name, export_dir=self.session.settings.export_dir)
        self.push_screen(plot, on_close)
