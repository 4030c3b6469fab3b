"""Servers that drip one byte at a time: every request ends at its total deadline."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest

from perda_tui.clients.dataserver import ServerClient, ServerUnreachableError
from perda_tui.server.runner import RunningDataServer
from tests.faults.conftest import S3_PASSWORD
from tests.faults.proxy import Fault, FaultProxy

T = TypeVar("T")
#: per-read timeout: never reached by a drip (a byte every DRIP seconds)
TIMEOUT = 5.0
DEADLINE = 1.5
DRIP = 0.05
#: the test's own bound, far above the deadline: without one the call would never end
GIVE_UP = 60.0


def bounded(call: Callable[[], T]) -> T:
    """Run `call`, failing the test (not hanging it) if it does not end within GIVE_UP."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(call).result(GIVE_UP)


@pytest.fixture
def gateway_proxy(fresh_data_server: RunningDataServer) -> Iterator[FaultProxy]:
    port = int(fresh_data_server.url.rsplit(":", 1)[1])
    with FaultProxy("127.0.0.1", port) as proxy:
        yield proxy


@pytest.mark.parametrize("after_bytes", [0, 300], ids=["headers", "body"])
def test_a_dripping_gateway_is_given_up_at_the_deadline(
    gateway_proxy: FaultProxy, fresh_data_server: RunningDataServer, after_bytes: int
) -> None:
    with ServerClient(gateway_proxy.url(), timeout=TIMEOUT, deadline=DEADLINE) as client:
        client.login(fresh_data_server.password)
        gateway_proxy.set_fault(Fault.DRIP, after_bytes=after_bytes, delay=DRIP)
        with pytest.raises(ServerUnreachableError, match=rf"within {DEADLINE:g} s"):
            bounded(lambda: client.list_logs("REV 11/"))
        connections = gateway_proxy.connections
        gateway_proxy.set_fault(Fault.PASS)
        assert [e.name for e in bounded(lambda: client.list_logs("REV 11/"))]
    assert gateway_proxy.connections == connections + 2  # the cut answer was not retried


def test_a_dripping_s3_range_is_given_up_then_resumed(
    s3_proxied: tuple[RunningDataServer, FaultProxy], tmp_path: Path
) -> None:
    server, proxy = s3_proxied
    data = os.urandom(256 * 1024)
    server.put_log("drip.csv", data)
    with ServerClient(server.url, tmp_path, timeout=TIMEOUT, deadline=DEADLINE) as client:
        client.login(S3_PASSWORD)
        proxy.set_fault(Fault.DRIP, after_bytes=64 * 1024, delay=DRIP)
        with pytest.raises(ServerUnreachableError, match="in time"):
            bounded(lambda: client.download("drip.csv"))
        assert not (tmp_path / "drip.csv").exists()
        proxy.set_fault(Fault.PASS)
        assert bounded(lambda: client.download("drip.csv")).read_bytes() == data


#: a byte per this many seconds: the headers alone would take minutes, past GIVE_UP
SLOW_DRIP = 0.5


def test_dripping_s3_headers_are_given_up_at_the_deadline(
    s3_proxied: tuple[RunningDataServer, FaultProxy], tmp_path: Path
) -> None:
    server, proxy = s3_proxied
    data = os.urandom(256 * 1024)
    server.put_log("headers.csv", data)
    with ServerClient(server.url, tmp_path, timeout=TIMEOUT, deadline=DEADLINE) as client:
        client.login(S3_PASSWORD)
        proxy.set_fault(Fault.DRIP, delay=SLOW_DRIP)  # from the first byte: HEAD's headers
        with pytest.raises(ServerUnreachableError, match="in time"):
            bounded(lambda: client.download("headers.csv"))
        proxy.set_fault(Fault.PASS)
        assert bounded(lambda: client.download("headers.csv")).read_bytes() == data


def test_dripping_get_headers_keep_the_partial_and_resume(
    s3_proxied: tuple[RunningDataServer, FaultProxy], tmp_path: Path
) -> None:
    server, proxy = s3_proxied
    data = os.urandom(256 * 1024)
    server.put_log("resume.csv", data)
    with ServerClient(server.url, tmp_path, timeout=TIMEOUT, deadline=DEADLINE) as client:
        client.login(S3_PASSWORD)
        proxy.set_fault(Fault.DRIP, after_bytes=64 * 1024, delay=DRIP)  # a partial first
        with pytest.raises(ServerUnreachableError, match="in time"):
            bounded(lambda: client.download("resume.csv"))
        proxy.set_fault(Fault.PASS)

        # HEAD passes; the GET's own connection (one per request here) drips its headers
        def drip_the_get(**_: object) -> None:
            proxy.set_fault(Fault.DRIP, delay=SLOW_DRIP, times=1)

        events = client._s3_reader()._s3.meta.events
        events.register("before-send.s3.GetObject", drip_the_get)
        with pytest.raises(ServerUnreachableError, match="in time") as err:
            bounded(lambda: client.download("resume.csv"))
        assert str(err.value).count("download again") == 1  # one message, not wrapped twice
        events.unregister("before-send.s3.GetObject", drip_the_get)
        assert bounded(lambda: client.download("resume.csv")).read_bytes() == data
    stats = client.last_transfer
    assert stats is not None and stats.resumed_bytes > 0
    assert stats.fetched_bytes + stats.resumed_bytes == len(data)
