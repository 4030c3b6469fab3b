"""The reference data server's security basics, checked over real sockets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perda_tui.server.app import MAX_BODY_BYTES
from perda_tui.server.runner import RunningDataServer
from tests.fixtures.dataserver import PASSWORD, SAMPLE_TREE, record_login_waits

PROTECTED = [
    "/api/v1/s3/list",
    "/api/v1/metadata/page",
    "/api/v1/s3/credentials",
]


def logged_in(server: RunningDataServer) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=5)
    client.post("/api/v1/auth/login", json={"password": PASSWORD}).raise_for_status()
    return client


def test_session_cookie_is_httponly_and_samesite(data_server: RunningDataServer) -> None:
    response = httpx.post(f"{data_server.url}/api/v1/auth/login", json={"password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=" in cookie
    assert PASSWORD not in response.text


@pytest.mark.parametrize("path", PROTECTED)
def test_every_endpoint_but_login_needs_the_session(
    data_server: RunningDataServer, path: str
) -> None:
    response = httpx.post(f"{data_server.url}{path}", json={"prefix": "", "path": ""})
    assert response.status_code == 401
    assert "access_key" not in response.text


def test_metadata_by_key_needs_the_session(data_server: RunningDataServer) -> None:
    response = httpx.get(f"{data_server.url}/api/v1/metadata/REV%2011/endurance.csv")
    assert response.status_code == 401


def test_forged_cookie_is_refused(data_server: RunningDataServer) -> None:
    client = httpx.Client(base_url=data_server.url, cookies={"perda_session": "forged"})
    assert client.post("/api/v1/s3/credentials", json={}).status_code == 401


def test_failed_logins_slow_down_up_to_a_cap(
    fresh_data_server: RunningDataServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guessing gets slower with every failure (base 0.05 s doubling, at most 4 s)."""
    waits = record_login_waits(fresh_data_server, monkeypatch)
    client = httpx.Client(base_url=fresh_data_server.url, timeout=30)
    for _ in range(10):
        assert client.post("/api/v1/auth/login", json={"password": "wrong"}).status_code == 401
    assert waits[:4] == [0.0, 0.05, 0.1, 0.2]
    assert waits == sorted(waits) and waits[-1] == 4.0


def test_oversized_body_is_refused(data_server: RunningDataServer) -> None:
    client = logged_in(data_server)
    body = json.dumps({"prefix": "x" * (MAX_BODY_BYTES + 10)})
    response = client.post(
        "/api/v1/s3/list", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize("prefix", ["../", "/etc/", "..", "REV 11/../../", "%2e%2e/", "\\..\\"])
def test_listing_never_reveals_keys_outside_the_bucket(
    data_server: RunningDataServer, prefix: str
) -> None:
    client = logged_in(data_server)
    response = client.post("/api/v1/s3/list", json={"prefix": prefix})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        for key in (item["key"] for item in response.json()):
            assert key.startswith(prefix)
            assert any(sample.startswith(key) for sample in SAMPLE_TREE), key


@pytest.fixture(scope="module")
def session(data_server: RunningDataServer) -> Iterator[httpx.Client]:
    """One logged-in client for the property-based runs (failed logins would slow it down)."""
    client = logged_in(data_server)
    yield client
    client.close()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
BODIES = st.one_of(
    st.fixed_dictionaries({"prefix": JSON_VALUES}),
    st.fixed_dictionaries({"path": JSON_VALUES}),
    st.fixed_dictionaries({"password": JSON_VALUES}),
    JSON_VALUES,
).map(lambda doc: json.dumps(doc).encode()) | st.binary(max_size=200)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from([*PROTECTED, "/api/v1/auth/login"]),
    body=BODIES,
)
def test_no_request_body_makes_the_server_fail(
    session: httpx.Client, path: str, body: bytes
) -> None:
    """Property-based run over every POST endpoint: bad input is 4xx, never 5xx."""
    response = session.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code < 500, response.text
    if path == "/api/v1/auth/login" and response.status_code != 200:
        session.post("/api/v1/auth/login", json={"password": PASSWORD})


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(key=st.text(min_size=1, max_size=60))
def test_no_metadata_key_makes_the_server_fail(session: httpx.Client, key: str) -> None:
    response = session.get("/api/v1/metadata/" + quote(key, safe="/"))
    assert response.status_code < 500, response.text
