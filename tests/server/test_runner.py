"""Starting the server: uploading a logs folder, `perda-tui serve`, refusing without password."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from perda_tui.server.embedded_s3 import EmbeddedS3
from perda_tui.server.runner import start_data_server


def write_tree(root: Path) -> None:
    (root / "REV 11" / "2026-04-01").mkdir(parents=True)
    (root / "REV 11" / "2026-04-01" / "run.csv").write_bytes(b"PER Log: x v2.0\n")
    (root / "REV 11" / "2026-04-01" / "run.meta.json").write_text(
        json.dumps({"title": "Run", "tags": ["dry", 3], "numeric_metadata": {"laps": "x"}})
    )
    (root / "REV 11" / "bad.csv").write_bytes(b"data")
    (root / "REV 11" / "bad.csv.meta.json").write_text("{not json")
    (root / ".hidden.csv").write_bytes(b"secret")


@contextmanager
def login(url: str, password: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=10) as http:
        assert http.post("/api/v1/auth/login", json={"password": password}).status_code == 200
        yield http


def test_logs_folder_is_uploaded_with_its_metadata(tmp_path: Path) -> None:
    write_tree(tmp_path)
    with start_data_server(tmp_path, password="pw") as server, login(server.url, "pw") as http:
        listing = http.post("/api/v1/s3/list", json={"prefix": "REV 11/"}).json()
        assert [e["key"] for e in listing] == ["REV 11/2026-04-01/", "REV 11/bad.csv"]
        root = http.post("/api/v1/s3/list", json={"prefix": ""}).json()
        assert [e["key"] for e in root] == ["REV 11/"]
        page = http.post("/api/v1/metadata/page", json={"path": "REV 11/2026-04-01/"}).json()
        assert page == [
            {
                "log_key": "REV 11/2026-04-01/run.csv",
                "title": "Run",
                "description": "",
                "tags": ["dry"],
                "string_metadata": {},
                "numeric_metadata": {},
            }
        ]
        assert http.get("/api/v1/metadata/REV 11/bad.csv").status_code == 404


def test_metadata_survives_a_restart_with_a_database_file(tmp_path: Path) -> None:
    db = tmp_path / "meta.sqlite"
    with start_data_server(password="pw", db=db) as server:
        server.put_log("a.csv", b"1", {"title": "Kept"})
    with start_data_server(password="pw", db=db) as server, login(server.url, "pw") as http:
        assert http.get("/api/v1/metadata/a.csv").json()["title"] == "Kept"


def test_a_server_needs_a_password() -> None:
    with pytest.raises(ValueError, match="needs a password"):
        start_data_server(password="")


def test_a_missing_logs_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        start_data_server(tmp_path / "nope", password="pw")


def run_cli(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "perda_tui", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_serve_refuses_to_start_without_a_password() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PERDA_SERVER_PASSWORD"}
    process = run_cli("serve", "--port", "0", env=env)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "set PERDA_SERVER_PASSWORD" in err


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_serves_a_logs_folder_until_interrupted(tmp_path: Path, stop: signal.Signals) -> None:
    write_tree(tmp_path)
    env = {**os.environ, "PERDA_SERVER_PASSWORD": "garage", "PYTHONFAULTHANDLER": "1"}
    process = run_cli("serve", "--port", "0", "--logs", str(tmp_path), env=env)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.match(r"data server on (http://127\.0\.0\.1:\d+) ", first)
        assert match, first
        with login(match.group(1), "garage") as http:
            listing = http.post("/api/v1/s3/list", json={"prefix": "REV 11/"}).json()
        assert len(listing) == 2
        process.send_signal(stop)
        # communicate() drains stderr too: a full pipe must never be what keeps it alive
        try:
            _, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)  # PYTHONFAULTHANDLER: every thread's stack
            _, err = process.communicate()
            pytest.fail(f"serve did not stop within 60 s of {stop.name}:\n{err[-6000:]}")
        assert process.returncode == 0, err[-2000:]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_an_external_endpoint_hands_out_the_read_only_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with EmbeddedS3(bucket="ext-bucket") as s3:
        monkeypatch.setenv("PERDA_S3_ACCESS_KEY", s3.admin.access_key)
        monkeypatch.setenv("PERDA_S3_SECRET_KEY", s3.admin.secret_key)
        monkeypatch.setenv("PERDA_S3_READ_ACCESS_KEY", s3.reader.access_key)
        monkeypatch.setenv("PERDA_S3_READ_SECRET_KEY", s3.reader.secret_key)
        server = start_data_server(password="pw", s3_endpoint=s3.endpoint, bucket="ext-bucket")
        with server, login(server.url, "pw") as http:
            server.put_log("a.csv", b"1")
            creds = http.post("/api/v1/s3/credentials", json={}).json()
            server.storage.clear()
    assert creds == {
        "access_key": s3.reader.access_key,
        "secret_key": s3.reader.secret_key,
        "bucket_name": "ext-bucket",
        "endpoint": s3.endpoint,
    }


def test_a_server_on_another_address_advertises_s3_by_the_name_clients_use() -> None:
    with start_data_server(password="pw", host="127.0.0.2") as server:
        assert server.url.startswith("http://127.0.0.2:")
        s3_port = server.s3_endpoint.rsplit(":", 1)[1]
        with login(server.url, "pw") as http:
            direct = http.post("/api/v1/s3/credentials", json={}).json()
            named = http.post(
                "/api/v1/s3/credentials", json={}, headers={"Host": "garage.local:8000"}
            ).json()
    assert direct["endpoint"] == f"http://127.0.0.2:{s3_port}"
    assert named["endpoint"] == f"http://garage.local:{s3_port}"
