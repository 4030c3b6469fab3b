"""The gateway under hostile load: lockout, concurrent guessing, input that made 500s, sessions."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from perda_tui.server.runner import RunningDataServer
from perda_tui.server.sessions import SessionStore
from perda_tui.server.throttle import LoginThrottle
from tests.fixtures.dataserver import PASSWORD, record_login_waits

LOGIN = "/api/v1/auth/login"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# 1. lockout -------------------------------------------------------------------------


def test_a_thousand_failures_do_not_lock_out_the_right_password(
    fresh_data_server: RunningDataServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits = record_login_waits(fresh_data_server, monkeypatch)
    throttle = fresh_data_server.app.state.throttle
    with httpx.Client(base_url=fresh_data_server.url, timeout=30) as http:
        for _ in range(10):  # over HTTP, then as if a thousand more had come the same way
            assert http.post(LOGIN, json={"password": "wrong"}).status_code == 401
        for _ in range(1_100):
            throttle.failed("127.0.0.1")
        assert http.post(LOGIN, json={"password": "wrong"}).status_code == 401
        assert http.post(LOGIN, json={"password": PASSWORD}).status_code == 200
    assert waits[-2:] == [throttle.cap, throttle.cap]


def test_failures_decay_and_the_table_of_addresses_is_bounded() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(0.25, 4.0, clock=clock, decay=60.0, max_clients=1_000)
    for _ in range(5_000):
        throttle.failed("10.0.0.1")
    assert throttle.delay("10.0.0.1") == 4.0
    clock.now += 60.0 * 29
    assert 0 < throttle.delay("10.0.0.1") < 4.0
    clock.now += 60.0 * 10
    assert throttle.delay("10.0.0.1") == 0.0
    for n in range(20_000):
        throttle.failed(f"2001:db8::{n:x}")
    assert throttle.tracked() == 1_000
    assert throttle.failures("2001:db8::4e1f") == 1  # the most recent are kept


# 2. concurrent guessing --------------------------------------------------------------


def test_concurrent_connections_get_no_more_checks_than_one(
    fresh_data_server: RunningDataServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """50 connections guessing at once: checks of one address happen one at a time,
    the queue is bounded (429 beyond it), and nothing fails."""
    throttle = fresh_data_server.app.state.throttle
    active = 0
    most = 0
    entered = threading.Event()
    release = threading.Event()

    async def held_sleep(seconds: float) -> None:
        nonlocal active, most
        active += 1
        most = max(most, active)
        entered.set()
        while not release.is_set():  # held until every request was sent
            await asyncio.sleep(0.01)
        active -= 1

    monkeypatch.setattr(throttle, "sleep", held_sleep)
    barrier = threading.Barrier(50)

    def guess(_: int) -> int:
        with httpx.Client(base_url=fresh_data_server.url, timeout=60) as http:
            barrier.wait()
            return http.post(LOGIN, json={"password": "wrong"}).status_code

    with ThreadPoolExecutor(50) as pool:
        futures = [pool.submit(guess, n) for n in range(50)]
        assert entered.wait(60)
        # the queue fills to its bound; everyone else is turned away at once
        refused = [f for f in futures if f.done()]
        deadline = time.monotonic() + 60
        while len(refused) < 50 - throttle.max_waiting and time.monotonic() < deadline:
            refused = [f for f in futures if f.done()]
            time.sleep(0.01)
        release.set()
        codes = [future.result() for future in futures]
    assert most == 1
    assert codes.count(429) == 50 - throttle.max_waiting
    assert codes.count(401) == throttle.max_waiting


# 4. input that made 500s -------------------------------------------------------------


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("path", [LOGIN, "/api/v1/s3/list", "/api/v1/metadata/page"])
def test_deeply_nested_json_is_a_400(data_server: RunningDataServer, path: str) -> None:
    with httpx.Client(base_url=data_server.url, timeout=30) as http:
        if path != LOGIN:
            http.post(LOGIN, json={"password": PASSWORD}).raise_for_status()
        for body in (nested(30_000), b'{"prefix":' + nested(25_000) + b"}"):
            response = http.post(path, content=body, headers={"content-type": "application/json"})
            assert response.status_code == 400, response.text
            assert "traceback" not in response.text.lower()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/s3/list", b'{"prefix": "REV \\ud800/"}'),
        ("/api/v1/metadata/page", b'{"path": "\\udfff"}'),
        (LOGIN, b'{"password": "\\ud800"}'),
    ],
)
def test_a_lone_surrogate_is_a_400_not_a_500(
    data_server: RunningDataServer, path: str, body: bytes
) -> None:
    with httpx.Client(base_url=data_server.url, timeout=30) as http:
        http.post(LOGIN, json={"password": PASSWORD}).raise_for_status()
        response = http.post(path, content=body, headers={"content-type": "application/json"})
        assert response.status_code in (400, 401), response.text
        assert response.status_code == 401 or "Unicode" in response.json()["detail"]


def test_a_client_leaving_mid_body_logs_one_line(
    data_server: RunningDataServer,
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
) -> None:
    host, port = data_server.url.removeprefix("http://").rsplit(":", 1)
    caplog.set_level(logging.INFO)
    uvicorn_log = logging.getLogger("uvicorn")  # does not propagate: its tracebacks too
    uvicorn_log.addHandler(caplog.handler)
    request.addfinalizer(lambda: uvicorn_log.removeHandler(caplog.handler))
    for _ in range(3):
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(
                b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                b'{"password": "'
            )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        lines = [r for r in caplog.records if "disconnected before" in r.getMessage()]
        if len(lines) == 3:
            break
        time.sleep(0.02)
    assert len(lines) == 3
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]


# 5. sessions -------------------------------------------------------------------------


def test_sessions_are_bounded_per_address_and_in_total() -> None:
    store = SessionStore(3600.0, per_client=100, total=1_000)
    first = [store.create("10.0.0.1") for _ in range(150)]
    assert sum(map(store.valid, first)) == 100
    assert not store.valid(first[0]) and store.valid(first[-1])
    for n in range(2_000):
        store.create(f"10.1.{n // 256}.{n % 256}")
    assert len(store) == 1_000


def test_expired_sessions_go_without_a_scan() -> None:
    clock = FakeClock()
    store = SessionStore(10.0, clock, per_client=10**6, total=10**6)
    old = [store.create("a") for _ in range(1_000)]
    clock.now += 11
    fresh = store.create("a")
    assert len(store) == 1
    assert store.valid(fresh) and not any(map(store.valid, old))


def test_many_logins_from_one_address_keep_a_bounded_number_of_sessions(
    fresh_data_server: RunningDataServer,
) -> None:
    sessions = fresh_data_server.app.state.sessions
    with httpx.Client(base_url=fresh_data_server.url, timeout=30) as http:
        for _ in range(sessions.per_client + 20):
            http.cookies.clear()
            http.post(LOGIN, json={"password": PASSWORD}).raise_for_status()
        assert http.post("/api/v1/s3/list", json={"prefix": ""}).status_code == 200
    assert len(sessions) == sessions.per_client
