"""The gateway over real sockets: auth, listing, metadata, credentials, limits."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from perda_tui.server.runner import RunningDataServer
from tests.fixtures.dataserver import (
    FULL_METADATA,
    PASSWORD,
    SAMPLE_TREE,
    record_login_waits,
    start_test_server,
)


@pytest.fixture
def http(data_server: RunningDataServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=data_server.url, timeout=10) as client:
        yield client


@pytest.fixture
def session(http: httpx.Client) -> httpx.Client:
    assert http.post("/api/v1/auth/login", json={"password": PASSWORD}).status_code == 200
    return http


def test_login_sets_an_httponly_samesite_cookie(http: httpx.Client) -> None:
    response = http.post("/api/v1/auth/login", json={"password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "perda_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=strict" in cookie


def test_wrong_password_is_refused_with_a_message(http: httpx.Client) -> None:
    response = http.post("/api/v1/auth/login", json={"password": "nope"})
    assert response.status_code == 401
    assert response.json() == {"detail": "invalid password"}
    assert "set-cookie" not in response.headers


def test_repeated_failed_logins_are_slowed_down(
    fresh_data_server: RunningDataServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fixture's base delay (0.05 s) doubles with each failure; success resets it."""
    waits = record_login_waits(fresh_data_server, monkeypatch)
    with httpx.Client(base_url=fresh_data_server.url, timeout=10) as http:
        for _ in range(4):
            assert http.post("/api/v1/auth/login", json={"password": "x"}).status_code == 401
        assert http.post("/api/v1/auth/login", json={"password": PASSWORD}).status_code == 200
        assert http.post("/api/v1/auth/login", json={"password": PASSWORD}).status_code == 200
    assert waits == [0.0, 0.05, 0.1, 0.2, 0.4, 0.0]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/s3/list", {"prefix": ""}),
        ("POST", "/api/v1/metadata/page", {"path": ""}),
        ("GET", "/api/v1/metadata/REV 11/endurance.csv", None),
        ("POST", "/api/v1/s3/credentials", {}),
    ],
)
def test_every_endpoint_but_login_needs_the_session(
    http: httpx.Client, method: str, path: str, body: dict | None
) -> None:
    response = http.request(method, path, json=body)
    assert response.status_code == 401
    assert response.json()["detail"] == "not logged in or session expired"


def test_listing_puts_folders_first_and_describes_files(session: httpx.Client) -> None:
    listing = session.post("/api/v1/s3/list", json={"prefix": "REV 11/"}).json()
    assert listing[0] == {"key": "REV 11/2026-04-01/", "name": "2026-04-01", "isFolder": True}
    entry = listing[1]
    assert entry["key"] == "REV 11/endurance.csv"
    assert entry["name"] == "endurance.csv"
    assert entry["isFolder"] is False
    assert entry["size"] == len(SAMPLE_TREE["REV 11/endurance.csv"][0])
    assert time.strptime(entry["lastModified"], "%Y-%m-%dT%H:%M:%SZ")
    root = session.post("/api/v1/s3/list", json={"prefix": ""}).json()
    assert [e["key"] for e in root] == ["REV 10/", "REV 11/"]


def test_metadata_page_has_direct_children_only(session: httpx.Client) -> None:
    page = session.post("/api/v1/metadata/page", json={"path": "REV 11/"}).json()
    assert page == [{"log_key": "REV 11/endurance.csv", **FULL_METADATA}]
    deeper = session.post("/api/v1/metadata/page", json={"path": "REV 11/2026-04-01/"}).json()
    assert [d["log_key"] for d in deeper] == [
        "REV 11/2026-04-01/accel.csv",
        "REV 11/2026-04-01/autocross.csv",
    ]
    assert deeper[1]["tags"] == []


def test_metadata_of_one_key(session: httpx.Client) -> None:
    doc = session.get("/api/v1/metadata/REV 11/endurance.csv").json()
    assert doc["title"] == "Endurance"
    missing = session.get("/api/v1/metadata/REV 10/skidpad.csv")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no metadata for 'REV 10/skidpad.csv'"


def test_credentials_point_at_the_bucket(
    session: httpx.Client, data_server: RunningDataServer
) -> None:
    creds = session.post("/api/v1/s3/credentials", json={}).json()
    assert creds["bucket_name"] == data_server.bucket
    assert creds["endpoint"] == data_server.s3_endpoint
    assert creds["access_key"] and creds["secret_key"]


def test_oversized_and_malformed_bodies_are_refused(session: httpx.Client) -> None:
    big = session.post("/api/v1/s3/list", content=b"{" + b" " * 70_000 + b"}")
    assert big.status_code == 413
    assert session.post("/api/v1/s3/list", content=b"not json").status_code == 400
    wrong = session.post("/api/v1/s3/list", json={"prefix": 5})
    assert wrong.status_code == 400
    assert "'prefix' must be a string" in wrong.json()["detail"]


def test_expired_sessions_get_401(fresh_data_server: RunningDataServer) -> None:
    with httpx.Client(base_url=fresh_data_server.url, timeout=10) as http:
        http.post("/api/v1/auth/login", json={"password": PASSWORD})
        assert http.post("/api/v1/s3/list", json={"prefix": ""}).status_code == 200
        fresh_data_server.expire_sessions()
        assert http.post("/api/v1/s3/list", json={"prefix": ""}).status_code == 401


def test_broken_metadata_database_gives_500_without_details(tmp_path: Path) -> None:
    db = tmp_path / "metadata.sqlite"
    with start_test_server(db=db) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        with sqlite3.connect(db) as other:
            other.execute("DROP TABLE log_metadata")
        http.post("/api/v1/auth/login", json={"password": PASSWORD})
        response = http.post("/api/v1/metadata/page", json={"path": ""})
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error; see the server log"}
