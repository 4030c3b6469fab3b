"""The signed-in session the screens share: settings, data-server client, password hand-off.

A plain object handed to the screens that need it (never reached through `self.app`), so
any screen can be mounted in a bare `App` in a test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from perda_tui.clients.dataserver import ServerClient
    from perda_tui.config import Settings


class Session:
    """Settings, the current data-server client and a password given at start-up."""

    def __init__(self, settings: Settings, *, password: str | None = None) -> None:
        self.settings = settings
        self.client: ServerClient | None = None
        self._password = password

    def take_password(self) -> str | None:
        """The password given on start (`--password-stdin`, `PERDA_PASSWORD`), once."""
        password, self._password = self._password, None
        return password

    def make_client(self, url: str) -> ServerClient:
        """A new data-server client for `url` with the configured cache and TLS setting."""
        from perda_tui.clients.dataserver import ServerClient

        return ServerClient(url, self.settings.cache_dir, verify=not self.settings.insecure)

    def signed_in(self, client: ServerClient) -> None:
        """Keep `client` as the session's (closing a previous one)."""
        if self.client is not None and self.client is not client:
            self.client.close()
        self.client = client

    def close(self) -> None:
        """Close the session's HTTP connections."""
        if self.client is not None:
            self.client.close()
            self.client = None
