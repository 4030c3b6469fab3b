"""`ScrutinyClient`: the synchronous API of the Scrutiny SDK over our own transports.

One background thread per client runs an asyncio loop that owns the connection. The
latest `ServerInfo` is kept here; `on_status` is called (from that thread) with a
`StatusEvent` after every change, including a lost connection. Reconnecting is explicit:
`reconnect()` (the UI applies a backoff, see `Backoff`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import logging
import math
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from perda_tui.clients.scrutiny.datalogging import (
    DataloggingAcquisition,
    DataloggingConfig,
    DataloggingRequest,
    DataloggingStorageEntry,
    parse_acquisition,
    parse_storage_list,
)
from perda_tui.clients.scrutiny.errors import (
    ConnectionError,
    InvalidValueError,
    NotSupported,
    OperationFailure,
    TimeoutException,
    WriteNotAllowed,
)
from perda_tui.clients.scrutiny.models import (
    CONFIGURABLE_LINKS,
    DataloggingCapabilities,
    DeviceCommState,
    DeviceLinkType,
    LinkConfig,
    ServerInfo,
    ServerState,
    ValueUpdate,
    WatchableEntry,
    WatchableType,
)
from perda_tui.clients.scrutiny.parse import (
    LINK_NAMES,
    BadMessage,
    parse_watchable_list,
)
from perda_tui.clients.scrutiny.session import Session, close_quietly
from perda_tui.clients.scrutiny.transports import TcpTransport, Transport, WebSocketTransport

logger = logging.getLogger(__name__)
T = TypeVar("T")
TransportName = Literal["tcp", "ws", "auto"]
TRANSPORTS: tuple[str, ...] = ("auto", "tcp", "ws")
DEFAULT_PORT = 8765
#: With transport `auto`, how long to wait for a TCP server's welcome before trying WebSocket.
AUTO_PROBE = 1.0
#: With `values_interval` > 0, the socket is read once per `values_interval` while no reply
#: is awaited, and at least this often (status pushes and a lost server wait that long at
#: most): see `Session.read_rest`.
READ_REST = 0.5
#: How often a call waiting on the client's loop checks that the loop still runs (s).
LOOP_CHECK = 0.5
WATCHABLE_TYPES = {
    "var": WatchableType.Variable,
    "alias": WatchableType.Alias,
    "rpv": WatchableType.RuntimePublishedValue,
}


@dataclass(frozen=True)
class Target:
    """Where to connect: host, port and transport (`tcp`, `ws` or `auto`)."""

    host: str
    port: int
    transport: TransportName = "tcp"
    path: str = "/"

    @property
    def url(self) -> str:
        """The target as a URL (`auto` is shown without a scheme)."""
        host = f"[{self.host}]" if ":" in self.host else self.host  # IPv6 literal
        base = f"{host}:{self.port}"
        if self.transport == "auto":
            return base
        path = self.path if self.transport == "ws" and self.path != "/" else ""
        return f"{self.transport}://{base}{path}"


def parse_target(text: str, default_transport: TransportName = "auto") -> Target:
    """Read `tcp://host:port`, `ws://host:port[/path]` or `host[:port]`; raises ValueError."""
    if not isinstance(text, str):
        raise TypeError(f"expected a string, got {type(text).__name__}")
    text = text.strip()
    if not text:
        raise ValueError("empty Scrutiny server address")
    if default_transport not in TRANSPORTS:
        raise ValueError(f"transport must be one of {', '.join(TRANSPORTS)}")
    has_scheme = "://" in text
    parts = urlsplit(text if has_scheme else f"//{text}")
    scheme = parts.scheme.lower()
    if has_scheme and scheme not in ("tcp", "ws"):
        raise ValueError(f"unsupported scheme {parts.scheme!r}: use tcp:// or ws://")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"invalid port in {text!r}") from exc
    if not parts.hostname:
        raise ValueError(f"no host in {text!r}")
    transport: TransportName = default_transport
    if has_scheme:
        transport = "tcp" if scheme == "tcp" else "ws"
    return Target(parts.hostname, port or DEFAULT_PORT, transport, parts.path or "/")


def _check_timeout(timeout: object, name: str = "timeout") -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(f"{name} must be a number of seconds, got {type(timeout).__name__}")
    if math.isnan(timeout) or timeout < 0:
        raise ValueError(f"{name} must be ≥ 0, got {timeout}")
    return float(timeout)


@dataclass(frozen=True)
class StatusEvent:
    """What changed, as given to `on_status`: connection state, latest info, error text.

    `lost` is True once when an established connection dropped (not on `disconnect()` nor
    on a failed connection attempt): the moment to show stale data and retry.
    """

    server_state: ServerState
    info: ServerInfo | None
    error: str | None
    received_at: float
    lost: bool = False


class WatchableHandle:
    """A watched path; its latest value is updated by the client thread."""

    def __init__(
        self, path: str, watchable_type: WatchableType, datatype: str, rate: float | None
    ) -> None:
        self.path = path
        self.type = watchable_type
        self.datatype = datatype
        self.rate = rate
        self._value: float | int | bool | None = None
        self._timestamp: float | None = None
        self._count = 0
        self._changed = threading.Condition()

    @property
    def value(self) -> float | int | bool:
        """Latest value; raises `InvalidValueError` before the first one arrives."""
        with self._changed:
            if self._count == 0 or self._value is None:
                raise InvalidValueError(f"no value received yet for {self.path}")
            return self._value

    @property
    def last_update_timestamp(self) -> float | None:
        """When the latest value was sampled (seconds since the epoch)."""
        return self._timestamp

    @property
    def update_count(self) -> int:
        """How many values were received."""
        return self._count

    def wait_update(self, timeout: float) -> None:
        """Wait for the next value; `TimeoutException` if none comes in `timeout` seconds."""
        timeout = _check_timeout(timeout)
        with self._changed:
            start = self._count
            if not self._changed.wait_for(lambda: self._count > start, timeout):
                raise TimeoutException(f"no new value for {self.path} within {timeout} s")

    def _set(self, update: ValueUpdate) -> None:
        with self._changed:
            self._value, self._timestamp = update.value, update.timestamp
            self._count += 1
            self._changed.notify_all()


class ScrutinyClient:
    """Synchronous client for a Scrutiny server (0.16 over TCP, 0.1.0 over WebSocket)."""

    def __init__(
        self,
        *,
        request_timeout: float = 5.0,
        connect_timeout: float = 3.0,
        poll_interval: float = 2.0,
        on_status: Callable[[StatusEvent], None] | None = None,
        on_values: Callable[[list[ValueUpdate]], None] | None = None,
        on_watch_refused: Callable[[str, str], None] | None = None,
        allow_writes: bool = False,
        values_interval: float = 0.0,
    ) -> None:
        self.allow_writes = allow_writes
        """Writes raise `WriteNotAllowed` unless this is True (read-only by default)."""
        self.request_timeout = _check_timeout(request_timeout, "request_timeout")
        self.connect_timeout = _check_timeout(connect_timeout, "connect_timeout")
        self.poll_interval = _check_timeout(poll_interval, "poll_interval")
        self.on_status = on_status
        self.on_values = on_values
        if not (isinstance(values_interval, int | float) and 0 <= values_interval <= 60):
            raise ValueError(f"values_interval must be 0..60 s, got {values_interval!r}")
        self.values_interval = float(values_interval)
        """`on_values` gets the values gathered over this many seconds in one call, at once
        when the last call is that old (0: one call per read of the socket, handles update
        as it is read). Above 0, the socket itself is read once per interval (`READ_REST`
        s at most) while no reply is awaited: handles and status pushes wait that long,
        replies do not."""
        self.on_watch_refused = on_watch_refused
        """Called with `(path, reason)` when the server refuses to restore a watch; the
        watch is dropped (a new device session or firmware may not have the path)."""
        self.target: Target | None = None
        self._transport_name: str | None = None
        self._state = ServerState.Disconnected
        self._info: ServerInfo | None = None
        self._error: str | None = None
        self._status_count = 0
        self._changed = threading.Condition()
        self._handles: dict[str, WatchableHandle] = {}
        self._watch_session: str | None = None  # device session the watches are subscribed in
        self._background: set[asyncio.Task[None]] = set()
        self._session: Session | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._gathered: list[ValueUpdate] = []  # for `on_values`, touched by the loop only
        self._delivery: asyncio.TimerHandle | None = None
        self._delivered_at = -math.inf  # loop time of the last `on_values` call

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> ScrutinyClient:
        """A client aimed at `tcp://…`, `ws://…` or `host:port`; call `connect()` next."""
        client = cls(**kwargs)
        client.target = parse_target(url)
        return client

    # -- connection ----------------------------------------------------------------------

    def connect(
        self,
        hostname: str | None = None,
        port: int | None = None,
        wait_status: bool = True,
        transport: TransportName | None = None,
    ) -> ScrutinyClient:
        """Connect (to `self.target` when no host is given); usable as a context manager.

        Raises `ConnectionError` (unreachable, refused, wrong protocol, connect timeout)
        and `TimeoutException` when `wait_status` and no status arrives.
        """
        if hostname is None:
            if self.target is None:
                raise ValueError("no hostname given and no target set (see from_url)")
            target = (
                self.target
                if transport is None
                else Target(self.target.host, self.target.port, transport, self.target.path)
            )
        else:
            if not isinstance(hostname, str) or (
                port is not None and (not isinstance(port, int) or isinstance(port, bool))
            ):
                raise TypeError("hostname must be a string and port an integer")
            if port is not None and not 0 < port <= 0xFFFF:
                raise ValueError(f"port must be in 1..65535, got {port}")
            if (transport or "tcp") not in TRANSPORTS:
                raise ValueError(f"transport must be one of {', '.join(TRANSPORTS)}")
            target = Target(hostname, port or DEFAULT_PORT, transport or "tcp")
        self.disconnect()
        self.target = target
        return self._open(wait_status)

    def reconnect(self, wait_status: bool = True) -> ScrutinyClient:
        """Connect again to the last target (after a lost connection); watches are restored."""
        if self.target is None:
            raise ValueError("reconnect() before any connect()")
        if self._loop is not None:
            self._run(close_quietly(self._session), None)
        self._session = None
        return self._open(wait_status)

    def disconnect(self) -> None:
        """Close the connection and stop the background thread (safe to call twice)."""
        if self._thread is threading.current_thread():
            raise RuntimeError("disconnect() cannot be called from a status callback")
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None:
            self._run(close_quietly(self._session), None)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
            loop.close()
        self._deliver_values()  # the loop has stopped: what it gathered is handed over here
        self._loop = self._thread = None
        self._session = None
        was_connected = self._state != ServerState.Disconnected
        self._set_state(ServerState.Disconnected, None)
        if was_connected:
            self._emit()

    def __enter__(self) -> ScrutinyClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.disconnect()

    @property
    def server_state(self) -> ServerState:
        """State of the connection to the server."""
        return self._state

    @property
    def transport(self) -> str | None:
        """`tcp` or `ws` once connected (what `auto` settled on)."""
        return self._transport_name

    @property
    def last_error(self) -> str | None:
        """Why the last connection attempt failed or the connection was lost."""
        return self._error

    def _open(self, wait_status: bool) -> ScrutinyClient:
        assert self.target is not None
        self._ensure_loop()
        self._set_state(ServerState.Connecting, None)
        self._emit()
        with self._changed:
            count = self._status_count
        try:
            self._run(self._open_session(self.target), None)
        except ConnectionError as exc:
            self._set_state(ServerState.Disconnected, str(exc))
            self._emit()
            raise
        self._set_state(ServerState.Connected, None)
        self._emit()
        if wait_status:
            timeout = self.poll_interval + 2
            with self._changed:
                if not self._changed.wait_for(lambda: self._status_count > count, timeout):
                    raise TimeoutException(f"no server status within {timeout} s of connecting")
        return self

    async def _open_session(self, target: Target) -> None:
        kinds = ("tcp", "ws") if target.transport == "auto" else (target.transport,)
        reasons = []
        for kind in kinds:
            try:
                transport: Transport
                if kind == "tcp":
                    transport = await TcpTransport.open(
                        target.host, target.port, self.connect_timeout
                    )
                else:
                    transport = await WebSocketTransport.open(
                        target.host, target.port, self.connect_timeout, target.path
                    )
                session = Session(
                    transport,
                    request_timeout=self.request_timeout,
                    poll_interval=self.poll_interval,
                    on_status=self._status_received,
                    on_values=self._values_received,
                    on_lost=self._connection_lost,
                    read_rest=min(READ_REST, self.values_interval),
                )
                # `auto`: a TCP server greets at once, a WebSocket server stays silent
                probe = AUTO_PROBE if target.transport == "auto" and kind == "tcp" else None
                await session.start(min(self.connect_timeout, probe or self.connect_timeout))
            except (OSError, TimeoutError, ConnectionError) as exc:
                reasons.append(f"{kind}: {exc or type(exc).__name__}")
                continue
            self._session, self._transport_name = session, kind
            self._watch_session = None
            return
        where = f"{target.host}:{target.port}"
        raise ConnectionError(
            f"cannot connect to the Scrutiny server at {where}: {'; '.join(reasons)}"
        )

    async def _restore_watches(self, session: Session) -> None:
        """Subscribe again after a reconnect or a new device session (the server forgets)."""
        for handle in list(self._handles.values()):
            try:
                await session.subscribe(handle.path, handle.rate)
            except OperationFailure as exc:  # refused: dropped, and said so
                self._handles.pop(handle.path, None)
                if self.on_watch_refused is not None:
                    try:
                        self.on_watch_refused(handle.path, str(exc))
                    except Exception:
                        logger.exception("Scrutiny watch callback failed")
            except Exception as exc:  # noqa: BLE001 - kept: tried again on the next session
                logger.warning("cannot watch %s again after reconnecting: %s", handle.path, exc)

    # -- status --------------------------------------------------------------------------

    def get_server_status(self) -> ServerInfo:
        """Latest complete status; `ConnectionError` when disconnected, `InvalidValueError`
        before the first status arrived."""
        with self._changed:
            if self._state != ServerState.Connected:
                raise ConnectionError(self._error or "not connected to a Scrutiny server")
            if self._info is None:
                raise InvalidValueError("no server status received yet")
            return self._info

    @property
    def last_server_status(self) -> ServerInfo | None:
        """The latest status received, even after the connection was lost (None if none)."""
        return self._info

    def wait_server_status_update(self, timeout: float = 2.5) -> None:
        """Wait for the next status (push or poll reply).

        Raises `TypeError`/`ValueError` for a bad timeout, `TimeoutException` when none
        arrives in time, `ConnectionError` if the connection is lost meanwhile.
        """
        timeout = _check_timeout(timeout)
        with self._changed:
            count = self._status_count
            done = self._changed.wait_for(
                lambda: self._status_count > count or self._state == ServerState.Disconnected,
                timeout,
            )
            if self._state == ServerState.Disconnected:
                raise ConnectionError(self._error or "not connected to a Scrutiny server")
            if not done:
                raise TimeoutException(f"server status did not update within {timeout} s")

    def request_server_status_update(
        self, wait: bool = False, timeout: float | None = None
    ) -> ServerInfo | None:
        """Ask for a status now instead of waiting for the next poll."""
        self._run(self._require_session().send("get_server_status"), self.request_timeout)
        if not wait:
            return None
        self.wait_server_status_update(self.request_timeout if timeout is None else timeout)
        return self.get_server_status()

    def wait_device_ready(self, timeout: float) -> None:
        """Wait until the device is `ConnectedReady`.

        Raises `TypeError`/`ValueError` for a bad timeout, `InvalidValueError` when no status
        was ever received, `ConnectionError` if disconnected, `TimeoutException` on timeout.
        """
        timeout = _check_timeout(timeout)
        deadline = time.monotonic() + timeout
        while self.get_server_status().device_comm_state != DeviceCommState.ConnectedReady:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutException(f"device did not become ready within {timeout} s")
            try:
                self.wait_server_status_update(remaining)
            except TimeoutException:
                raise TimeoutException(f"device did not become ready within {timeout} s") from None

    # -- commands ------------------------------------------------------------------------

    def request_demo_mode(self, enable: bool) -> None:
        """Attach (or detach) the server's built-in demo device (0.16 servers)."""
        if not isinstance(enable, bool):
            raise TypeError(f"enable must be a bool, got {type(enable).__name__}")
        self._command("demo_mode", enable=enable)
        self.request_server_status_update()

    def configure_device_link(
        self, link_type: DeviceLinkType, link_config: LinkConfig | None
    ) -> None:
        """Validate, then send a link configuration; `OperationFailure` has the server's answer."""
        if not isinstance(link_type, DeviceLinkType):
            raise TypeError(f"link_type must be a DeviceLinkType, got {type(link_type).__name__}")
        if link_type not in CONFIGURABLE_LINKS:
            raise ValueError(f"link type {link_type.name} cannot be configured from here")
        expected = CONFIGURABLE_LINKS[link_type]
        if (expected is None and link_config is not None) or (
            expected is not None and type(link_config) is not expected
        ):
            wanted = "None" if expected is None else expected.__name__
            raise TypeError(
                f"{link_type.name} takes a {wanted} config, got {type(link_config).__name__}"
            )
        config = {} if link_config is None else link_config.to_api()
        self._command("set_link_config", link_type=LINK_NAMES[link_type], link_config=config)
        self.request_server_status_update()

    def watch(self, path: str, rate: float | None = None) -> WatchableHandle:
        """Subscribe to a variable, alias or RPV; values arrive on the handle and `on_values`."""
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValueError(f"watchable paths start with '/', got {path!r}")
        if rate is not None:
            rate = _check_timeout(rate, "rate")
        if path in self._handles:
            return self._handles[path]
        info = self._run(self._require_session().subscribe(path, rate), self.request_timeout + 1)
        kind = WATCHABLE_TYPES.get(str(info.get("type")), WatchableType.NA)
        handle = WatchableHandle(
            path, kind, str(info.get("dtype", info.get("datatype", "?"))), rate
        )
        self._handles[path] = handle
        return handle

    @property
    def watched(self) -> tuple[str, ...]:
        """The paths watched now (restored on every new connection or device session)."""
        return tuple(self._handles)

    def unwatch(self, path: str) -> None:
        """Stop watching `path` (no error if it was not watched)."""
        if self._handles.pop(path, None) is not None and self._session is not None:
            self._run(self._session.unsubscribe(path), self.request_timeout + 1)

    # -- watchables, writes and the datalogger (0.16 servers) -----------------------------

    def get_watchable_list(self, timeout: float | None = None) -> list[WatchableEntry]:
        """Every RPV, alias and variable of the loaded firmware description."""
        session = self._require_extended("the watchable list")
        wait = self.request_timeout * 4 if timeout is None else _check_timeout(timeout)
        parts = self._run(
            session.request_parts("get_watchable_list", wait, max_per_response=1000), wait + 1
        )
        try:
            return parse_watchable_list(parts)
        except BadMessage as exc:
            raise OperationFailure(f"unexpected watchable list: {exc}") from exc

    def write(self, path: str, value: float | int | bool, timeout: float | None = None) -> None:
        """Write `value` to `path` (watched first if needed) and wait for the device.

        Raises `WriteNotAllowed` unless the client was made with `allow_writes=True`.
        """
        if not self.allow_writes:
            raise WriteNotAllowed("writes are not allowed in this session (--allow-writes)")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"cannot write {value}")
        if not isinstance(value, int | float | bool):
            raise TypeError(f"value must be a number or a bool, got {type(value).__name__}")
        session = self._require_extended("writing")
        if path not in self._handles:
            self.watch(path)
        wait = self.request_timeout if timeout is None else _check_timeout(timeout)
        self._run(session.write(path, value, wait), wait + 1)

    def get_datalogging_capabilities(self) -> DataloggingCapabilities | None:
        """The device's datalogger (loops, buffer, signals), from the latest status."""
        self._require_extended("the datalogger")
        info = self._info
        device = info.device if info is not None else None
        return device.datalogging_capabilities if device is not None else None

    def start_datalog(self, config: DataloggingConfig) -> DataloggingRequest:
        """Arm an acquisition; the returned request completes when the server says so."""
        if not isinstance(config, DataloggingConfig):
            raise TypeError(f"config must be a DataloggingConfig, got {type(config).__name__}")
        session = self._require_extended("the datalogger")
        reply = self._extended_command("request_datalogging_acquisition", None, **config.to_api())
        token = reply.get("request_token")
        if not isinstance(token, str):
            raise OperationFailure("the server gave no request token for the acquisition")
        request = DataloggingRequest(token, self.read_datalogging_acquisition)
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(self._follow(session, request), self._loop)
        return request

    async def _follow(self, session: Session, request: DataloggingRequest) -> None:
        try:
            done = await session.wait_token(request.request_token, None)
        except ConnectionError as exc:
            request._complete(False, None, f"connection lost mid-acquisition: {exc}")
            return
        reference = done.get("reference_id")
        detail = done.get("detail_msg")
        if done.get("success") is True and isinstance(reference, str):
            request._complete(True, reference, "")
        else:
            request._complete(False, None, detail[:200] if isinstance(detail, str) else "failed")

    def read_datalogging_acquisition(
        self, reference_id: str, timeout: float | None = None
    ) -> DataloggingAcquisition:
        """A stored acquisition, with its data."""
        reply = self._extended_command(
            "read_datalogging_acquisition_content", timeout, reference_id=reference_id
        )
        try:
            return parse_acquisition(reply)
        except BadMessage as exc:
            raise OperationFailure(f"unexpected acquisition content: {exc}") from exc

    def list_stored_datalogging_acquisitions(
        self, firmware_id: str | None = None, count: int = 500
    ) -> list[DataloggingStorageEntry]:
        """Acquisitions stored on the server, newest first (at most `count`, ≤ 10000)."""
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 10_000:
            raise ValueError("count must be an integer in 0..10000")
        fields: dict[str, Any] = {"count": count}
        if firmware_id is not None:
            fields["firmware_id"] = firmware_id
        reply = self._extended_command("list_datalogging_acquisitions", None, **fields)
        try:
            return parse_storage_list(reply)
        except BadMessage as exc:
            raise OperationFailure(f"unexpected acquisition list: {exc}") from exc

    def update_datalogging_acquisition(self, reference_id: str, name: str) -> None:
        """Rename a stored acquisition."""
        self._extended_command(
            "update_datalogging_acquisition", None, reference_id=reference_id, name=name
        )

    def delete_datalogging_acquisition(self, reference_id: str) -> None:
        """Delete a stored acquisition."""
        self._extended_command("delete_datalogging_acquisition", None, reference_id=reference_id)

    def _extended_command(
        self, cmd: str, timeout: float | None, /, **fields: Any
    ) -> dict[str, Any]:
        session = self._require_extended("the datalogger")
        wait = self.request_timeout if timeout is None else _check_timeout(timeout)
        return self._run(session.request(cmd, wait, **fields), wait + 1)

    def _require_extended(self, what: str) -> Session:
        session = self._require_session()
        if self._transport_name != "tcp":
            raise NotSupported(f"{what} is not available on this server (Scrutiny 0.1.0 API)")
        return session

    def _command(self, cmd: str, /, **fields: Any) -> dict[str, Any]:
        session = self._require_session()
        return self._run(session.request(cmd, **fields), self.request_timeout + 1)

    def _require_session(self) -> Session:
        if self._session is None or self._state != ServerState.Connected:
            raise ConnectionError(self._error or "not connected to a Scrutiny server")
        return self._session

    # -- thread plumbing -----------------------------------------------------------------

    def _ensure_loop(self) -> None:
        if self._loop is not None:
            return
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="scrutiny-client", daemon=True)
        thread.start()
        self._loop, self._thread = loop, thread

    def _run(self, coro: Coroutine[Any, Any, T], timeout: float | None) -> T:
        """`coro`'s result, run on the client's loop; waited for at most `timeout` s (None:
        as long as it takes, but not past `disconnect` from another thread, whose stopped
        loop would never finish it)."""
        loop = self._loop
        if loop is None:
            coro.close()
            raise ConnectionError("not connected to a Scrutiny server")
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = LOOP_CHECK if deadline is None else min(LOOP_CHECK, deadline - time.monotonic())
            try:
                return future.result(max(left, 0))
            except concurrent.futures.TimeoutError:
                if deadline is not None and time.monotonic() >= deadline:
                    future.cancel()
                    raise TimeoutException(f"no answer within {timeout} s") from None
                if self._loop is not loop or not loop.is_running():
                    future.cancel()
                    if inspect.getcoroutinestate(coro) == inspect.CORO_CREATED:
                        coro.close()  # a stopped loop never started it: no "never awaited"
                    raise ConnectionError("disconnected from the Scrutiny server") from None

    def _set_state(self, state: ServerState, error: str | None) -> None:
        with self._changed:
            self._state, self._error = state, error
            if state == ServerState.Disconnected:
                self._transport_name = None
            self._changed.notify_all()

    def _emit(self, *, lost: bool = False) -> None:
        if self.on_status is None:
            return
        with self._changed:
            event = StatusEvent(self._state, self._info, self._error, time.monotonic(), lost)
        try:
            self.on_status(event)
        except Exception:
            logger.exception("Scrutiny status callback failed")

    def _status_received(self, info: ServerInfo) -> None:
        with self._changed:
            self._info = info
            self._status_count += 1
            self._changed.notify_all()
        session_id = info.device_session_id
        if session_id and session_id != self._watch_session and self._session is not None:
            self._watch_session = session_id
            if self._handles:
                task = asyncio.get_running_loop().create_task(self._restore_watches(self._session))
                self._background.add(task)
                task.add_done_callback(self._background.discard)
        self._emit()

    def _values_received(self, updates: list[ValueUpdate]) -> None:
        for update in updates:
            handle = self._handles.get(update.path)
            if handle is not None:
                handle._set(update)
        if self.values_interval <= 0:
            self._call_on_values(updates)
            return
        self._gathered.extend(updates)
        if self._delivery is None and self._loop is not None:
            wait = self._delivered_at + self.values_interval - self._loop.time()
            if wait <= 0:
                self._deliver_values()
            else:
                self._delivery = self._loop.call_later(wait, self._deliver_values)

    def _deliver_values(self) -> None:
        """Hand the gathered values to `on_values` in one call."""
        if self._delivery is not None:
            self._delivery.cancel()
            self._delivery = None
        updates, self._gathered = self._gathered, []
        if updates:
            if self._loop is not None and not self._loop.is_closed():
                self._delivered_at = self._loop.time()
            self._call_on_values(updates)

    def _call_on_values(self, updates: list[ValueUpdate]) -> None:
        if self.on_values is not None:
            try:
                self.on_values(updates)
            except Exception:
                logger.exception("Scrutiny values callback failed")

    def _connection_lost(self, reason: str) -> None:
        logger.warning("lost the Scrutiny server: %s", reason)
        self._deliver_values()  # everything received comes before the news of the loss
        self._session = None
        self._set_state(ServerState.Disconnected, f"connection lost: {reason}")
        self._emit(lost=True)
