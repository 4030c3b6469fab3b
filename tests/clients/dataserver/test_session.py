"""Login, session expiry and every way the gateway can fail, against real servers."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from perda_tui.clients.dataserver import (
    AuthenticationError,
    DataServerError,
    ServerClient,
    ServerError,
    ServerUnreachableError,
    SessionExpiredError,
    TLSError,
    gateway,
)
from perda_tui.server.runner import RunningDataServer
from tests.faults.proxy import Fault, FaultProxy
from tests.fixtures.dataserver import PASSWORD, start_test_server
from tests.fixtures.tls import self_signed


@pytest.fixture
def client(data_server: RunningDataServer) -> Iterator[ServerClient]:
    with ServerClient(data_server.url) as server_client:
        yield server_client


def test_good_password_logs_in(client: ServerClient) -> None:
    client.login(PASSWORD)
    assert [e.key for e in client.list_logs()] == ["REV 10/", "REV 11/"]


def test_wrong_password_says_so(client: ServerClient) -> None:
    with pytest.raises(AuthenticationError, match="login failed: invalid password"):
        client.login("wrong")
    assert isinstance(AuthenticationError("x"), ConnectionError)


def test_listing_before_login_is_refused(client: ServerClient) -> None:
    with pytest.raises(AuthenticationError, match="not logged in"):
        client.list_logs()


def test_session_expiry_is_its_own_error(fresh_data_server: RunningDataServer) -> None:
    with ServerClient(fresh_data_server.url) as client:
        client.login(PASSWORD)
        client.list_logs()
        fresh_data_server.expire_sessions()
        with pytest.raises(SessionExpiredError, match=r"ended the session .*log in again"):
            client.list_logs("REV 11/")
        client.login(PASSWORD)
        assert len(client.list_logs("REV 11/")) == 2


def test_a_session_ends_when_its_lifetime_is_over(fresh_data_server: RunningDataServer) -> None:
    """The gateway's session clock is moved on instead of waiting for it."""
    sessions = fresh_data_server.app.state.sessions
    now = [1_000.0]
    sessions.clock = lambda: now[0]
    with ServerClient(fresh_data_server.url) as client:
        client.login(PASSWORD)
        now[0] += sessions.ttl - 1
        assert len(client.list_logs()) == 2
        now[0] += 2
        with pytest.raises(SessionExpiredError, match="ended the session"):
            client.list_logs()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_server_names_the_url() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    with ServerClient(url) as client, pytest.raises(ServerUnreachableError) as caught:
        client.login(PASSWORD)
    assert f"cannot reach the data server at {url}" in str(caught.value)


def test_a_server_that_never_answers_times_out(data_server: RunningDataServer) -> None:
    host, port = data_server.url.removeprefix("http://").split(":")
    with FaultProxy(host, int(port)) as proxy:
        proxy.set_fault(Fault.STALL)
        with (
            ServerClient(proxy.url(), timeout=0.5) as client,
            pytest.raises(ServerUnreachableError, match="did not answer in time"),
        ):
            client.login(PASSWORD)


def test_dropped_connections_are_retried_then_reported(data_server: RunningDataServer) -> None:
    host, port = data_server.url.removeprefix("http://").split(":")
    with FaultProxy(host, int(port)) as proxy, ServerClient(proxy.url()) as client:
        proxy.set_fault(Fault.REFUSE)
        with pytest.raises(ServerUnreachableError, match=proxy.url()):
            client.list_logs()
        assert proxy.connections == 3  # first try and two retries


def test_500_from_the_gateway_is_a_server_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Retried after each of `RETRY_DELAYS`: the client's pauses are recorded (and still
    taken: the gateway closes a connection after a 500, and the pause lets that land)."""
    import sqlite3
    import time

    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        time.sleep(seconds)

    monkeypatch.setattr(gateway, "time", SimpleNamespace(sleep=pause))
    db = tmp_path / "metadata.sqlite"
    with start_test_server(db=db) as server, ServerClient(server.url) as client:
        client.login(PASSWORD)
        with sqlite3.connect(db) as other:
            other.execute("DROP TABLE log_metadata")
        with pytest.raises(ServerError) as caught:
            client.list_logs("REV 11/")
    assert pauses == list(gateway.RETRY_DELAYS) == [0.2, 0.6]
    assert caught.value.status_code == 500
    assert str(caught.value) == (
        "/api/v1/metadata/page failed on the server (HTTP 500): "
        "internal server error; see the server log"
    )


def test_an_untrusted_certificate_is_refused_by_default(tmp_path: Path) -> None:
    with start_test_server(tls=self_signed(tmp_path)) as server:
        assert server.url.startswith("https://")
        with ServerClient(server.url) as client, pytest.raises(TLSError) as caught:
            client.login(PASSWORD)
        assert "could not be verified" in str(caught.value)
        assert isinstance(caught.value, ServerUnreachableError)
        with ServerClient(server.url, verify=False) as insecure:
            insecure.login(PASSWORD)
            assert len(insecure.list_logs()) == 2


def test_all_errors_are_connection_errors() -> None:
    for error in (AuthenticationError, ServerError, ServerUnreachableError, SessionExpiredError):
        assert issubclass(error, DataServerError)
        assert issubclass(error, ConnectionError)
