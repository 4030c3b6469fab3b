"""The client against a real Scrutiny 0.16 server over framed TCP."""

from __future__ import annotations

import threading
import time

import pytest

from perda_tui.clients.scrutiny import (
    ConnectionError,
    DataloggerState,
    DeviceCommState,
    DeviceLinkType,
    InvalidValueError,
    OperationFailure,
    ScrutinyClient,
    ServerState,
    StatusEvent,
    TCPLinkConfig,
    TimeoutException,
    UDPLinkConfig,
    ValueUpdate,
)
from perda_tui.clients.scrutiny import client as client_module
from perda_tui.clients.scrutiny.transports import TcpTransport
from perda_tui.server.scrutiny_launcher import RunningScrutinyServer, start_scrutiny_server

pytestmark = pytest.mark.scrutiny
DEMO_FIRMWARE = "deadbeefc001d00d0ff1cebaadf00d00"


def demo_client(server: RunningScrutinyServer, **kwargs: object) -> ScrutinyClient:
    client = ScrutinyClient.from_url(server.url, **kwargs).connect()  # type: ignore[arg-type]
    client.request_demo_mode(True)
    client.wait_device_ready(10)
    return client


def test_status_without_a_device(tcp_server: RunningScrutinyServer) -> None:
    with ScrutinyClient().connect("127.0.0.1", tcp_server.port) as client:
        assert client.server_state == ServerState.Connected and client.transport == "tcp"
        info = client.get_server_status()
    assert info.device_comm_state == DeviceCommState.Disconnected
    assert info.device is None and info.sfd is None and info.device_session_id is None
    assert info.device_link.type == DeviceLinkType.NA and info.device_link.demo_mode is False


def test_demo_mode_gives_a_complete_device_and_sfd(tcp_server: RunningScrutinyServer) -> None:
    with demo_client(tcp_server) as client:
        info = client.get_server_status()
        deadline = time.monotonic() + 10
        while info.sfd is None and time.monotonic() < deadline:  # the SFD is loaded just after
            client.wait_server_status_update(5)
            info = client.get_server_status()
    assert info.device_comm_state == DeviceCommState.ConnectedReady
    assert info.device_session_id
    device = info.device
    assert device is not None and device.device_id == DEMO_FIRMWARE
    assert (
        device.display_name and device.max_rx_data_size > 0 and device.address_size_bits in (32, 64)
    )
    assert device.heartbeat_timeout > 0 and device.supported_features.datalogging is True
    assert device.forbidden_memory_regions and all(
        r.size > 0 for r in device.forbidden_memory_regions
    )
    assert info.sfd is not None and info.sfd.firmware_id == DEMO_FIRMWARE
    assert (
        info.sfd.metadata is not None and info.sfd.metadata.project_name == "Scrutiny Demo Device"
    )
    assert info.device_link.type == DeviceLinkType._Dummy
    assert info.device_link.operational is True and info.device_link.demo_mode is True
    assert info.datalogging.state in (DataloggerState.Standby, DataloggerState.NA)


def test_datalogging_reaches_standby_on_the_demo_device(tcp_server: RunningScrutinyServer) -> None:
    with demo_client(tcp_server) as client:
        deadline = time.monotonic() + 10
        while client.get_server_status().datalogging.state != DataloggerState.Standby:
            assert time.monotonic() < deadline, client.get_server_status().datalogging
            client.wait_server_status_update(5)
        assert client.get_server_status().datalogging.completion_ratio is None


def test_watching_a_demo_value_yields_changing_values(tcp_server: RunningScrutinyServer) -> None:
    received: list[float] = []
    with demo_client(
        tcp_server, on_values=lambda ups: received.extend(u.value for u in ups)
    ) as client:
        handle = client.watch("/rpv/x1000", rate=20)
        assert handle.datatype == "float32"
        values = set()
        for _ in range(5):
            handle.wait_update(5)
            values.add(handle.value)
        assert handle.last_update_timestamp == pytest.approx(time.time(), abs=5)
        client.unwatch("/rpv/x1000")
    assert len(values) >= 3 and len(received) >= 5


def test_values_gathered_per_interval_arrive_in_few_calls_and_all_of_them(
    tcp_server: RunningScrutinyServer,
) -> None:
    calls: list[list[ValueUpdate]] = []
    client = demo_client(tcp_server, on_values=calls.append, values_interval=0.5)
    handle = client.watch("/rpv/x1000", rate=20)
    started = time.monotonic()
    while handle.update_count < 30:
        handle.wait_update(5)
    client.disconnect()  # hands over what was gathered since the last call
    elapsed = time.monotonic() - started
    delivered = [u for batch in calls for u in batch if u.path == "/rpv/x1000"]
    assert len(delivered) == handle.update_count  # every value, once, in order
    assert [u.timestamp for u in delivered] == sorted(u.timestamp for u in delivered)
    assert len(calls) <= elapsed / 0.5 + 2  # at most one call per interval, and the last


def test_values_interval_reads_several_pushes_at_once_and_loses_none(
    tcp_server: RunningScrutinyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []  # messages each read of the socket brought
    receive = TcpTransport.receive

    async def counted(self: TcpTransport) -> list[dict[str, object]]:
        messages = await receive(self)
        reads.append(len(messages))
        return messages

    monkeypatch.setattr(TcpTransport, "receive", counted)
    calls: list[list[ValueUpdate]] = []
    client = demo_client(tcp_server, on_values=calls.append, values_interval=0.5)
    handle = client.watch("/rpv/x1000", rate=20)
    reads.clear()
    before = len(calls)
    while handle.update_count < 60:
        handle.wait_update(5)
    client.disconnect()  # hands over what was gathered since the last call
    delivered = [u for batch in calls for u in batch if u.path == "/rpv/x1000"]
    assert len(delivered) == handle.update_count  # every value, once
    assert len(reads) < sum(reads)  # pushes waited in the socket and came in together
    assert len(calls) - before <= len(reads) + 1  # one call per read at most, and the last


def test_the_first_values_are_handed_over_at_once_the_next_after_the_interval(
    tcp_server: RunningScrutinyServer,
) -> None:
    calls: list[list[ValueUpdate]] = []
    first = threading.Event()

    def on_values(updates: list[ValueUpdate]) -> None:
        calls.append(updates)
        first.set()

    with demo_client(tcp_server, on_values=on_values, values_interval=60) as client:
        handle = client.watch("/rpv/x1000", rate=20)
        assert first.wait(10)  # not a minute later
        while handle.update_count < len(calls[0]) + 5:
            handle.wait_update(5)
        assert len(calls) == 1  # the others wait for the interval


def test_a_request_ends_the_rest_of_the_reads_at_once(
    tcp_server: RunningScrutinyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with demo_client(tcp_server, values_interval=60, request_timeout=5) as client:
        session = client._session
        assert session is not None and session.read_rest == client_module.READ_REST
        monkeypatch.setattr(session, "read_rest", 60.0)  # a rest outlasts the request timeout
        client.watch("/rpv/x1000", rate=20)  # its reply read, the reads rest for a minute
        assert client.get_watchable_list()  # answered within 5 s: the request woke the reads
        client.unwatch("/rpv/x1000")


def test_gathered_values_come_before_the_news_of_a_lost_server(
    tcp_server: RunningScrutinyServer,
) -> None:
    delivered: list[ValueUpdate] = []
    at_loss: list[int] = []
    lost = threading.Event()

    def on_status(event: StatusEvent) -> None:
        if event.lost:
            at_loss.append(len(delivered))
            lost.set()

    client = demo_client(
        tcp_server, on_values=delivered.extend, on_status=on_status, values_interval=60
    )
    try:
        handle = client.watch("/rpv/x1000", rate=20)
        while handle.update_count < 5:
            handle.wait_update(5)
        tcp_server.kill()
        assert lost.wait(10)
        assert at_loss == [handle.update_count]  # nothing received was held back
    finally:
        client.disconnect()


def test_watch_of_an_unknown_path_is_refused(tcp_server: RunningScrutinyServer) -> None:
    with demo_client(tcp_server) as client:
        with pytest.raises(OperationFailure, match="subscribe_watchable"):
            client.watch("/no/such/thing")
        with pytest.raises(ValueError):
            client.watch("relative/path")


def test_server_killed_is_reported_then_reconnect_after_restart(
    tcp_server: RunningScrutinyServer,
) -> None:
    events: list[StatusEvent] = []
    lost = threading.Event()

    def on_status(event: StatusEvent) -> None:
        events.append(event)
        if event.server_state == ServerState.Disconnected:
            lost.set()

    client = demo_client(tcp_server, on_status=on_status)
    handle = client.watch("/rpv/x1000", rate=20)
    tcp_server.kill()
    assert lost.wait(10)
    assert client.server_state == ServerState.Disconnected
    assert "connection lost" in (client.last_error or "")
    assert events[-1].info is not None  # the last known status is still handed over
    with pytest.raises(ConnectionError):
        client.get_server_status()
    with pytest.raises(ConnectionError):
        client.reconnect()  # nothing listens yet

    restarted = start_scrutiny_server("tcp", port=tcp_server.port)
    try:
        client.reconnect()
        assert client.server_state == ServerState.Connected
        client.request_demo_mode(True)
        client.wait_device_ready(10)
        count = handle.update_count
        handle.wait_update(10)  # the watch was restored on the new server
        assert handle.update_count > count
    finally:
        client.disconnect()
        restarted.stop()


def test_context_manager_disconnects(tcp_server: RunningScrutinyServer) -> None:
    threads_before = threading.active_count()
    with ScrutinyClient.from_url(tcp_server.url).connect() as client:
        assert threading.active_count() == threads_before + 1
    assert client.server_state == ServerState.Disconnected
    assert threading.active_count() == threads_before
    with pytest.raises(ConnectionError):
        client.get_server_status()


def test_auto_transport_picks_tcp(tcp_server: RunningScrutinyServer) -> None:
    with ScrutinyClient.from_url(f"127.0.0.1:{tcp_server.port}").connect() as client:
        assert client.transport == "tcp"


def test_wait_arguments_and_timeouts(tcp_server: RunningScrutinyServer) -> None:
    with ScrutinyClient(poll_interval=30).connect("127.0.0.1", tcp_server.port) as client:
        with pytest.raises(TypeError):
            client.wait_server_status_update("1")  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            client.wait_server_status_update(-1)
        with pytest.raises(TimeoutException):
            client.wait_server_status_update(0.3)  # no device: the server pushes nothing
        with pytest.raises(TimeoutException, match="device did not become ready"):
            client.wait_device_ready(0.3)
        with pytest.raises(TypeError):
            client.request_demo_mode(1)  # type: ignore[arg-type]


def test_link_configuration_is_validated_and_answered(tcp_server: RunningScrutinyServer) -> None:
    with ScrutinyClient().connect("127.0.0.1", tcp_server.port) as client:
        with pytest.raises(TypeError):
            client.configure_device_link(DeviceLinkType.UDP, None)
        with pytest.raises(OperationFailure, match="tcp"):
            client.configure_device_link(DeviceLinkType.TCP, TCPLinkConfig("127.0.0.1", 9))
        client.configure_device_link(DeviceLinkType.UDP, UDPLinkConfig("127.0.0.1", 9))
        deadline = time.monotonic() + 5
        while client.get_server_status().device_link.type != DeviceLinkType.UDP:
            assert time.monotonic() < deadline
            client.wait_server_status_update(3)
        assert client.get_server_status().device_link.config == UDPLinkConfig("127.0.0.1", 9)


def test_errors_before_connecting() -> None:
    for interval in (-1, 61, float("nan"), "1"):
        with pytest.raises(ValueError, match="values_interval"):
            ScrutinyClient(values_interval=interval)  # type: ignore[arg-type]
    client = ScrutinyClient()
    with pytest.raises(ConnectionError):
        client.get_server_status()
    with pytest.raises(ConnectionError):
        client.request_demo_mode(True)
    with pytest.raises(ValueError):
        client.connect("127.0.0.1", 70000)
    with pytest.raises(InvalidValueError):
        from perda_tui.clients.scrutiny import WatchableHandle, WatchableType

        _ = WatchableHandle("/x", WatchableType.NA, "float32", None).value
