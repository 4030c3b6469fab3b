"""Data-server faults injected between the real client and the real gateway."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from perda_tui.clients.dataserver import (
    ServerClient,
    ServerError,
    ServerUnreachableError,
    SessionExpiredError,
)
from perda_tui.server.runner import RunningDataServer
from tests.faults.proxy import Fault, FaultProxy


@pytest.fixture
def proxy(fresh_data_server: RunningDataServer) -> Iterator[FaultProxy]:
    port = int(fresh_data_server.url.rsplit(":", 1)[1])
    with FaultProxy("127.0.0.1", port) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def client(proxy: FaultProxy, fresh_data_server: RunningDataServer) -> Iterator[ServerClient]:
    with ServerClient(proxy.url(), timeout=2.0) as server_client:
        server_client.login(fresh_data_server.password)
        yield server_client


def names(client: ServerClient, prefix: str = "REV 11/") -> list[str]:
    return [entry.name for entry in client.list_logs(prefix)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_at_login_names_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with ServerClient(url, timeout=1.0) as client, pytest.raises(ServerUnreachableError) as err:
        client.login("anything")
    assert url in str(err.value)


def test_gateway_dying_mid_listing_is_a_clear_error_and_the_client_recovers(
    client: ServerClient, proxy: FaultProxy
) -> None:
    expected = names(client)
    proxy.set_fault(Fault.RESET, after_bytes=40)
    proxy.cut_all()
    with pytest.raises(ServerUnreachableError) as err:
        client.list_logs("REV 11/")
    assert proxy.url() in str(err.value)
    proxy.set_fault(Fault.PASS)
    assert names(client) == expected


@pytest.mark.parametrize("status", [500, 502, 503])
def test_transient_5xx_is_retried(client: ServerClient, proxy: FaultProxy, status: int) -> None:
    expected = names(client)
    proxy.set_fault(Fault.HTTP_ERROR, status=status, times=1)
    proxy.cut_all()  # the pooled connection dies too: that costs one more attempt
    before = proxy.connections
    assert names(client) == expected
    assert proxy.plan.fault is Fault.PASS  # the error was served, then the call went through
    assert proxy.connections - before >= 2


@pytest.mark.parametrize("status", [500, 502, 503])
def test_persistent_5xx_gives_up_with_the_status(
    client: ServerClient, proxy: FaultProxy, status: int
) -> None:
    proxy.set_fault(Fault.HTTP_ERROR, status=status)
    proxy.cut_all()
    with pytest.raises(ServerError) as err:
        client.list_logs("REV 11/")
    assert err.value.status_code == status
    assert str(status) in str(err.value)


def test_slow_gateway_times_out_instead_of_hanging(client: ServerClient, proxy: FaultProxy) -> None:
    """Answers held back far longer than the client's 2 s timeout (until the proxy stops)."""
    proxy.set_fault(Fault.DELAY, delay=600.0)
    proxy.cut_all()
    with pytest.raises(ServerUnreachableError) as err:
        client.list_logs("REV 11/")
    assert "time" in str(err.value).lower()


def test_stalled_gateway_times_out(client: ServerClient, proxy: FaultProxy) -> None:
    proxy.set_fault(Fault.STALL)
    proxy.cut_all()
    with pytest.raises(ServerUnreachableError):
        client.list_logs("REV 11/")


def test_session_expiry_mid_browse_then_login_again(
    client: ServerClient, fresh_data_server: RunningDataServer
) -> None:
    expected = names(client)
    fresh_data_server.expire_sessions()
    with pytest.raises(SessionExpiredError) as err:
        client.list_logs("REV 11/")
    assert "log in" in str(err.value).lower()
    client.login(fresh_data_server.password)
    assert names(client) == expected
