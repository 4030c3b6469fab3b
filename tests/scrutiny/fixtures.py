"""Real Scrutiny servers from the side virtualenvs; a missing virtualenv fails, never skips."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from perda_tui.clients.scrutiny import ScrutinyClient
from perda_tui.server.scrutiny_launcher import (
    RunningScrutinyServer,
    ScrutinyNotInstalledError,
    start_scrutiny_server,
)


def _start(flavour: str) -> RunningScrutinyServer:
    try:
        return start_scrutiny_server(flavour)  # type: ignore[arg-type]
    except ScrutinyNotInstalledError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def tcp_server() -> Iterator[RunningScrutinyServer]:
    """A fresh Scrutiny 0.16 server (framed TCP), no device attached."""
    server = _start("tcp")
    yield server
    server.stop()


@pytest.fixture
def ws_server() -> Iterator[RunningScrutinyServer]:
    """A fresh Scrutiny 0.1.0 server (WebSocket), no device attached."""
    server = _start("ws")
    yield server
    server.stop()


@pytest.fixture
def demo_server() -> Iterator[RunningScrutinyServer]:
    """A fresh Scrutiny 0.16 server with its demo device (firmware description loaded)."""
    server = _start("tcp")
    try:
        with ScrutinyClient.from_url(server.url).connect() as client:
            client.request_demo_mode(True)
            client.wait_device_ready(15)
            while client.get_server_status().sfd is None:
                client.wait_server_status_update(5)
        yield server
    finally:
        server.stop()
