"""A call waiting on the client's loop when another thread disconnects gives up."""

from __future__ import annotations

import asyncio
import inspect
import threading

import pytest

from perda_tui.clients.scrutiny.client import ScrutinyClient


def test_a_call_waiting_on_a_stopped_loop_raises_instead_of_hanging() -> None:
    client = ScrutinyClient()
    client._ensure_loop()  # what connect() starts: the client's loop thread
    started, outcome = threading.Event(), []

    async def forever() -> None:
        started.set()
        await asyncio.Event().wait()

    def call() -> None:
        try:
            client._run(forever(), None)
        except ConnectionError as exc:
            outcome.append(exc)

    caller = threading.Thread(target=call, daemon=True)  # a hang fails, not blocks, the run
    caller.start()
    assert started.wait(10)
    client.disconnect()  # from another thread, as a screen closing does
    caller.join(30)
    assert not caller.is_alive()
    assert outcome and "disconnected" in str(outcome[0])


def test_a_timed_call_still_times_out() -> None:
    from perda_tui.clients.scrutiny.errors import TimeoutException

    client = ScrutinyClient()
    client._ensure_loop()
    try:
        with pytest.raises(TimeoutException):
            client._run(asyncio.sleep(60), 0.05)
    finally:
        client.disconnect()


def test_a_call_left_on_a_stopped_loop_is_closed_not_left_unawaited() -> None:
    client = ScrutinyClient()
    stopped = asyncio.new_event_loop()  # a loop that will never run what it is given
    client._loop = stopped
    coro = asyncio.sleep(0)
    try:
        with pytest.raises(ConnectionError):
            client._run(coro, None)
        assert inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED
    finally:
        client._loop = None
        stopped.close()
