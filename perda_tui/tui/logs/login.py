"""Sign-in screen: server URL and masked password; the login call runs in a worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from perda_tui.config import ConfigError, remember
from perda_tui.errors import describe
from perda_tui.tui.common.covered import blink_inputs
from perda_tui.tui.common.text import literal
from perda_tui.tui.errors import explain, is_unreachable
from perda_tui.tui.messages import LoginFailed, LoginSucceeded, OpenOffline, SignedIn
from perda_tui.tui.stylesheets import stylesheet

if TYPE_CHECKING:
    from perda_tui.tui.session import Session


class LoginScreen(Screen[bool]):
    """Asks for the server URL and password; also used to sign in again after expiry.

    As the first screen it posts `SignedIn` on success (the app shows the browser);
    opened with `relogin_message` (session expired) it dismisses with True instead, so
    the user is back exactly where they were.
    """

    CSS_PATH = stylesheet("logs.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "offline", "Cached logs (offline)", id="login.offline"),
    ]

    def __init__(self, session: Session, relogin_message: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.relogin_message = relogin_message

    def compose(self) -> ComposeResult:
        settings = self.session.settings
        with Vertical(id="login-form"):
            yield Static("perda-tui", id="login-title")
            if self.relogin_message:
                yield Static(literal(self.relogin_message), id="login-reason")
            else:
                yield Static("Sign in to the team's data server.", id="login-reason")
            yield Label("Server URL")
            yield Input(
                settings.url,
                placeholder="https://data.example.org",
                id="url",
                disabled=self.relogin_message is not None,
            )
            yield Label("Password")
            yield Input(password=True, placeholder="password", id="password")
            yield Button("Sign in", id="sign-in", variant="primary")
            yield Static(id="login-status")
        yield Footer()

    def on_mount(self) -> None:
        url = self.query_one("#url", Input)
        password = self.query_one("#password", Input)
        (password if url.value or url.disabled else url).focus()
        preset = self.session.take_password()
        if preset is not None:
            password.value = preset
            self.sign_in()

    def on_screen_suspend(self) -> None:
        blink_inputs(self, False)

    def on_screen_resume(self) -> None:
        blink_inputs(self, True)

    @on(Input.Submitted)
    @on(Button.Pressed, "#sign-in")
    def sign_in(self) -> None:
        """Validate the form and start the login worker."""
        url_input = self.query_one("#url", Input)
        password_input = self.query_one("#password", Input)
        url = url_input.value.strip().rstrip("/")
        if not url.startswith(("http://", "https://")):
            self._status("Enter the server URL, starting with https:// (or http://).", error=True)
            url_input.focus()
            return
        if not password_input.value:
            self._status("Enter the password.", error=True)
            password_input.focus()
            return
        self._status(f"Signing in to {url}…")
        self.add_class("busy")
        self.query_one("#sign-in", Button).disabled = True
        self._login(url, password_input.value)

    @work(thread=True, exclusive=True, group="login", exit_on_error=False)
    def _login(self, url: str, password: str) -> None:
        client = self.session.client if self.relogin_message else None
        try:
            if client is None:
                client = self.session.make_client(url)
            client.login(password)
        except Exception as exc:  # noqa: BLE001 - every failure is shown in the form
            if client is not None and client is not self.session.client:
                client.close()
            self.post_message(LoginFailed(exc, url))
        else:
            self.post_message(LoginSucceeded(client, url))

    def on_login_succeeded(self, message: LoginSucceeded) -> None:
        self._done()
        self.query_one("#password", Input).value = ""
        try:
            remember(url=message.url)
        except (OSError, ConfigError) as exc:
            self.notify(f"Could not remember the URL: {describe(exc)}", markup=False)
        self.session.signed_in(message.client)
        if self.relogin_message is None:
            self.post_message(SignedIn(message.client))
        else:
            self.dismiss(True)

    def on_login_failed(self, message: LoginFailed) -> None:
        self._done()
        text = explain(message.error)
        if is_unreachable(message.error):
            text += "  Press Ctrl+O to browse the logs already downloaded."
        self._status(text, error=True)
        self.query_one("#password", Input).focus()

    def action_offline(self) -> None:
        """Browse the local cache with no server."""
        self.post_message(OpenOffline())

    def _done(self) -> None:
        self.remove_class("busy")
        self.query_one("#sign-in", Button).disabled = False

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#login-status", Static)
        status.set_class(error, "error")
        status.update(Text.assemble(("Error: ", "bold") if error else "", literal(text)))
