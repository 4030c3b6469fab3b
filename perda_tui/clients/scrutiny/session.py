"""One live connection to a Scrutiny server, run inside the client's asyncio loop.

The session reads messages, matches replies to requests by integer `reqid`, polls the
status every `poll_interval` seconds without a push (servers push on events only), fetches
device and SFD details when a 0.16 server sends them separately, and turns value pushes
into `(path, value, timestamp)` tuples, handed to `on_values` once per read of the
transport (all the values its messages brought). It reports through three callbacks.

With `read_rest` > 0 the session reads at most every `read_rest` seconds while no reply
is awaited (the socket is left alone meanwhile, see `Transport.rest`): a stream of value
pushes then costs one wake-up per rest, not one per push. A request ends the rest at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable
from typing import Any

from perda_tui.clients.scrutiny.errors import ConnectionError, OperationFailure, TimeoutException
from perda_tui.clients.scrutiny.models import DeviceInfo, ServerInfo, SFDInfo, ValueUpdate
from perda_tui.clients.scrutiny.parse import (
    BadMessage,
    checked_number,
    field,
    parse_device_info,
    parse_sfd,
    parse_status,
    parse_value_updates,
)
from perda_tui.clients.scrutiny.transports import Transport

logger = logging.getLogger(__name__)
REQID_LIMIT = 2**32 - 2
#: Parts of one multi-part reply (`get_watchable_list`) kept at most.
MAX_PARTS = 1000
#: Async completions (`inform_*` with a `request_token`) kept for a waiter that is not
#: registered yet (it may arrive before the reply giving the token is handled).
MAX_UNCLAIMED = 64
#: Commands answered asynchronously, matched by `request_token`.
TOKEN_INFORMS = ("inform_write_completion", "inform_datalogging_acquisition_complete")


class Session:
    """Protocol logic over one open transport. Create, then `await start(timeout)`."""

    def __init__(
        self,
        transport: Transport,
        *,
        request_timeout: float,
        poll_interval: float,
        on_status: Callable[[ServerInfo], None],
        on_values: Callable[[list[ValueUpdate]], None],
        on_lost: Callable[[str], None],
        read_rest: float = 0.0,
    ) -> None:
        self.transport = transport
        self.read_rest = read_rest
        self.request_timeout = request_timeout
        self.poll_interval = poll_interval
        self._on_status = on_status
        self._on_values = on_values
        self._on_lost = on_lost
        self._next_reqid = 0
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._parts: dict[int, list[dict[str, Any]]] = {}  # reqid -> parts so far
        self._token_waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._unclaimed: dict[str, dict[str, Any]] = {}  # token -> completion, oldest first
        self._welcome = asyncio.Event()
        self._status_seen = asyncio.Event()
        self._latest_status: dict[str, Any] | None = None
        self._status_ready = asyncio.Event()
        self._time_zero: float | None = None
        self._paths: dict[str, str] = {}  # server watchable id -> path
        self._device_cache: tuple[str, DeviceInfo | None] | None = None
        self._sfd_cache: tuple[str, SFDInfo | None] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._wake: asyncio.Future[None] | None = None  # done: the read loop's rest ends
        self._read_values: list[ValueUpdate] = []  # from the messages of the current read
        self._established = False
        self._closed = False

    async def start(self, timeout: float) -> None:
        """Begin reading, ask for a status, and wait for the server's greeting if it sends one.

        Raises `ConnectionError` if the server closes or stays silent (wrong protocol).
        """
        reader = asyncio.create_task(self._read_loop(), name="scrutiny-read")
        self._tasks.append(reader)
        await self.send("get_server_status")
        if self.transport.greets:
            welcome = asyncio.create_task(self._welcome.wait())
            done, _ = await asyncio.wait(
                {reader, welcome}, timeout=timeout, return_when="FIRST_COMPLETED"
            )
            welcome.cancel()
            if welcome not in done:
                await self.close()
                why = (
                    "closed the connection" if reader in done else f"sent no welcome in {timeout} s"
                )
                raise ConnectionError(f"the server {why}: not a Scrutiny TCP server?")
        self._established = True
        self._tasks.append(asyncio.create_task(self._poll_loop(), name="scrutiny-poll"))
        self._tasks.append(asyncio.create_task(self._status_loop(), name="scrutiny-status"))

    async def close(self) -> None:
        """Stop the tasks and close the transport; pending requests fail."""
        self._closed = True
        current = asyncio.current_task()
        for task in self._tasks:
            if task is not current:
                task.cancel()
        self._fail_pending("disconnected from the server")
        await self.transport.close()

    # -- requests ------------------------------------------------------------------------

    async def send(self, cmd: str, **fields: Any) -> int:
        """Send a request without waiting for its reply; returns its reqid."""
        reqid = self._next_reqid
        self._next_reqid = 0 if reqid >= REQID_LIMIT else reqid + 1
        await self.transport.send({"cmd": cmd, "reqid": reqid, **fields})
        return reqid

    async def request(
        self, cmd: str, timeout: float | None = None, /, **fields: Any
    ) -> dict[str, Any]:
        """Send a request and return its reply; `OperationFailure` carries a server error."""
        if self._closed:
            raise ConnectionError("not connected to a Scrutiny server")
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        reqid = self._next_reqid
        self._pending[reqid] = future
        self._end_rest()
        try:
            await self.send(cmd, **fields)
            reply = await asyncio.wait_for(future, timeout or self.request_timeout)
        except TimeoutError:
            raise TimeoutException(
                f"no answer to {cmd} within {timeout or self.request_timeout} s"
            ) from None
        finally:
            self._pending.pop(reqid, None)
        if reply.get("cmd") == "error":
            message = reply.get("msg")
            raise OperationFailure(
                f"{cmd} refused: {message if isinstance(message, str) else 'error'}"
            )
        return reply

    async def request_parts(
        self, cmd: str, timeout: float | None = None, /, **fields: Any
    ) -> list[dict[str, Any]]:
        """Send a request answered in parts (each with `done`); returns every part.

        `timeout` bounds the whole exchange; more than `MAX_PARTS` parts is an error.
        """
        reqid = self._next_reqid
        self._parts[reqid] = []
        try:
            last = await self.request(cmd, timeout, **fields)
            return [*self._parts.get(reqid, []), last]
        finally:
            self._parts.pop(reqid, None)

    async def wait_token(self, token: str, timeout: float | None) -> dict[str, Any]:
        """The `inform_*` completion carrying `request_token == token` (see `TOKEN_INFORMS`);
        `timeout` None waits until it comes or the connection ends."""
        if token in self._unclaimed:
            return self._unclaimed.pop(token)
        if self._closed:
            raise ConnectionError("not connected to a Scrutiny server")
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._token_waiters[token] = future
        self._end_rest()
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise TimeoutException(f"no completion within {timeout} s") from None
        finally:
            self._token_waiters.pop(token, None)

    async def subscribe(self, path: str, rate: float | None) -> dict[str, Any]:
        """Watch `path`; returns the server's description of it (type, dtype, id)."""
        fields: dict[str, Any] = {"watchables": [path]}
        if rate is not None:
            fields["rate"] = rate
        reply = await self.request("subscribe_watchable", **fields)
        try:
            info = field(field(reply, "subscribed", dict), path, dict)
            server_id = field(info, "id", str)
        except BadMessage as exc:
            raise OperationFailure(f"unexpected answer when watching {path}: {exc}") from exc
        self._paths[server_id] = path
        return info

    async def write(self, path: str, value: float | int | bool, timeout: float) -> None:
        """Write `value` to the watched `path` and wait for the device to confirm it."""
        ids = [sid for sid, watched in self._paths.items() if watched == path]
        if not ids:
            raise OperationFailure(f"{path} is not watched: watch it before writing")
        update = {"batch_index": 0, "watchable": ids[0], "value": value}
        reply = await self.request("write_watchable", updates=[update])
        try:
            token = field(reply, "request_token", str)
        except BadMessage as exc:
            raise OperationFailure(f"unexpected answer to a write: {exc}") from exc
        done = await self.wait_token(token, timeout)
        if done.get("success") is not True:
            reason = done.get("failure_reason")
            why = reason[:200] if isinstance(reason, str) and reason else "no reason given"
            raise OperationFailure(f"write to {path} failed: {why}")

    async def unsubscribe(self, path: str) -> None:
        """Stop watching `path`."""
        await self.request("unsubscribe_watchable", watchables=[path])
        self._paths = {sid: p for sid, p in self._paths.items() if p != path}

    # -- receiving -----------------------------------------------------------------------

    async def _read_loop(self) -> None:
        try:
            while True:
                for message in await self.transport.receive():
                    try:
                        self._dispatch(message)
                    except Exception:  # one odd message never ends the session
                        logger.exception("dropping a Scrutiny message that could not be handled")
                self._hand_over_values()
                if self.read_rest and self._established and not self._awaited():
                    self._wake = asyncio.get_running_loop().create_future()
                    await self.transport.rest(self.read_rest, self._wake)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any transport failure ends the session
            reason = str(exc) or type(exc).__name__
            self._closed = True
            self._fail_pending(reason)
            if self._established:
                for task in self._tasks[1:]:
                    task.cancel()
                await self.transport.close()
                self._on_lost(reason)

    def _end_rest(self) -> None:
        """A reply is awaited: the read loop reads again at once."""
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)

    def _awaited(self) -> bool:
        """True while a reply or a completion is awaited (the read loop must not rest)."""
        return bool(self._pending or self._token_waiters)

    def _dispatch(self, message: dict[str, Any]) -> None:
        cmd, reqid = message.get("cmd"), message.get("reqid")
        if isinstance(reqid, int) and not isinstance(reqid, bool) and reqid in self._pending:
            parts = self._parts.get(reqid)
            if parts is not None and message.get("done") is False and cmd != "error":
                if len(parts) >= MAX_PARTS:
                    message = {"cmd": "error", "msg": f"more than {MAX_PARTS} parts"}
                else:
                    parts.append(message)
                    return
            future = self._pending.pop(reqid)
            if not future.done():
                future.set_result(message)
        try:
            if cmd == "inform_server_status":
                self._latest_status = message
                self._status_ready.set()
                self._status_seen.set()
            elif cmd == "watchable_update":
                self._handle_values(message)
            elif cmd == "welcome":
                self._welcome.set()
                stamp = checked_number(
                    message.get("server_time_zero_timestamp"), "server_time_zero_timestamp"
                )
                if math.isfinite(stamp):
                    self._time_zero = stamp
            elif cmd in TOKEN_INFORMS:
                self._completion(message)
            elif cmd == "error" and reqid is None:
                logger.warning("Scrutiny server error: %.200s", message.get("msg"))
        except BadMessage as exc:
            logger.warning("dropping a malformed %.40s message: %s", cmd, exc)

    def _completion(self, message: dict[str, Any]) -> None:
        token = field(message, "request_token", str)
        waiter = self._token_waiters.pop(token, None)
        if waiter is not None:
            if not waiter.done():
                waiter.set_result(message)
            return
        self._unclaimed[token] = message
        while len(self._unclaimed) > MAX_UNCLAIMED:
            del self._unclaimed[next(iter(self._unclaimed))]

    def _handle_values(self, message: dict[str, Any]) -> None:
        now = time.time()
        updates = []
        for server_id, value, stamp in parse_value_updates(message):
            path = self._paths.get(server_id)
            if path is None:
                continue
            when = (
                now if stamp is None or self._time_zero is None else self._time_zero + stamp * 1e-6
            )
            updates.append(ValueUpdate(path=path, value=value, timestamp=when))
        self._read_values.extend(updates)

    def _hand_over_values(self) -> None:
        """Give `on_values` the values of the read just handled, in one call."""
        updates, self._read_values = self._read_values, []
        if updates:
            try:
                self._on_values(updates)
            except Exception:
                logger.exception("Scrutiny values callback failed")

    def _fail_pending(self, reason: str) -> None:
        for future in [*self._pending.values(), *self._token_waiters.values()]:
            if not future.done():
                future.set_exception(ConnectionError(reason))
        self._pending.clear()
        self._token_waiters.clear()

    # -- status --------------------------------------------------------------------------

    async def _poll_loop(self) -> None:
        """Ask for the status when none arrived for `poll_interval` seconds."""
        while True:
            self._status_seen.clear()
            try:
                await asyncio.wait_for(self._status_seen.wait(), self.poll_interval)
            except TimeoutError:
                await self.send("get_server_status")

    async def _status_loop(self) -> None:
        """Turn the latest status message into a complete `ServerInfo` (newest wins)."""
        while True:
            await self._status_ready.wait()
            self._status_ready.clear()
            message, self._latest_status = self._latest_status, None
            if message is None:
                continue
            try:
                info = await self._complete_status(message)
            except BadMessage as exc:
                logger.warning("dropping a malformed server status: %s", exc)
                continue
            except (ConnectionError, asyncio.CancelledError):
                raise
            except Exception:  # never fatal: this loop is the screen's only news
                logger.exception("dropping a server status that could not be read")
                continue
            self._on_status(info)

    async def _complete_status(self, message: dict[str, Any]) -> ServerInfo:
        status = parse_status(message)
        device = status.device if status.device_inline else await self._device(status.session_id)
        sfd = status.sfd if status.sfd_inline else await self._sfd(status.sfd_firmware_id)
        return ServerInfo(
            device_comm_state=status.comm_state,
            device_session_id=status.session_id,
            device=device,
            datalogging=status.datalogging,
            sfd=sfd,
            device_link=status.link,
        )

    async def _device(self, session_id: str | None) -> DeviceInfo | None:
        """Device details for a session (0.16 sends them only on request), cached."""
        if session_id is None:
            return None
        if self._device_cache and self._device_cache[0] == session_id:
            return self._device_cache[1]
        try:
            reply = await self.request("get_device_info")
            raw = reply.get("device_info")
            device = parse_device_info(raw) if reply.get("available") and raw is not None else None
        except (BadMessage, OperationFailure, TimeoutException) as exc:
            logger.warning("cannot get the device details: %s", exc)
            return None
        if device is not None:
            self._device_cache = (session_id, device)
        return device

    async def _sfd(self, firmware_id: str | None) -> SFDInfo | None:
        """Details of the loaded firmware description (0.16 sends only its id), cached."""
        if firmware_id is None:
            return None
        if self._sfd_cache and self._sfd_cache[0] == firmware_id:
            return self._sfd_cache[1]
        fallback = SFDInfo(firmware_id=firmware_id, metadata=None)
        try:
            sfd = parse_sfd((await self.request("get_loaded_sfd")).get("sfd"))
        except (BadMessage, OperationFailure, TimeoutException) as exc:
            logger.warning("cannot get the loaded SFD details: %s", exc)
            return fallback
        if sfd is None or sfd.firmware_id != firmware_id:
            return fallback
        self._sfd_cache = (firmware_id, sfd)
        return sfd


async def close_quietly(session: Session | None) -> None:
    """Close a session, ignoring errors (used on disconnect and before reconnecting)."""
    if session is not None:
        with contextlib.suppress(Exception):
            await session.close()
