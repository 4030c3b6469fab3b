"""Downloads from the embedded S3: progress, cache reuse and invalidation, cancel, resume."""

from __future__ import annotations

import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

from perda_tui.clients.dataserver import (
    AuthenticationError,
    DataServerError,
    DownloadCancelledError,
    LogNotFoundError,
    ServerClient,
    ServerUnreachableError,
    transfer,
)
from perda_tui.server.embedded_s3 import EmbeddedS3
from perda_tui.server.runner import RunningDataServer, start_data_server
from tests.faults.proxy import Fault, FaultProxy
from tests.fixtures.dataserver import PASSWORD, SAMPLE_TREE

MIB = 1024 * 1024
ENDURANCE = "REV 11/endurance.csv"


def logged_in(server: RunningDataServer, cache_dir: Path | None) -> ServerClient:
    client = ServerClient(server.url, cache_dir)
    client.login(server.password)
    return client


@pytest.fixture
def client(data_server: RunningDataServer, tmp_path: Path) -> Iterator[ServerClient]:
    with logged_in(data_server, tmp_path / "cache") as server_client:
        yield server_client


def test_download_reports_progress_and_lands_in_the_cache(
    client: ServerClient, tmp_path: Path
) -> None:
    calls: list[tuple[int, int]] = []
    path = client.download(ENDURANCE, progress=lambda done, total: calls.append((done, total)))
    expected = SAMPLE_TREE[ENDURANCE][0]
    assert path == tmp_path / "cache" / "REV 11" / "endurance.csv"
    assert path.read_bytes() == expected
    assert calls[0] == (0, len(expected))
    assert calls[-1] == (len(expected), len(expected))
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert client.cache is not None and client.cache.is_cached(ENDURANCE)


def test_a_cached_log_is_reused_while_it_matches(client: ServerClient) -> None:
    first = client.download(ENDURANCE)
    calls: list[tuple[int, int]] = []
    again = client.download(ENDURANCE, progress=lambda d, t: calls.append((d, t)))
    size = len(SAMPLE_TREE[ENDURANCE][0])
    assert again == first
    assert client.last_transfer is not None
    assert client.last_transfer.from_cache
    assert client.last_transfer.fetched_bytes == 0
    assert calls == [(size, size)]
    assert again.read_bytes() == SAMPLE_TREE[ENDURANCE][0]


def test_a_changed_object_is_downloaded_again(
    fresh_data_server: RunningDataServer, tmp_path: Path
) -> None:
    with logged_in(fresh_data_server, tmp_path) as client:
        assert client.download(ENDURANCE).read_bytes() == SAMPLE_TREE[ENDURANCE][0]
        fresh_data_server.put_log(ENDURANCE, b"PER Log: new v2.0\n")
        path = client.download(ENDURANCE)
        assert path.read_bytes() == b"PER Log: new v2.0\n"
        assert client.last_transfer is not None and not client.last_transfer.from_cache


def test_a_file_edited_locally_is_not_trusted(client: ServerClient) -> None:
    path = client.download(ENDURANCE)
    path.write_bytes(b"truncated")
    assert client.cache is not None and not client.cache.is_cached(ENDURANCE)
    assert client.download(ENDURANCE).read_bytes() == SAMPLE_TREE[ENDURANCE][0]


@pytest.fixture
def big_log(fresh_data_server: RunningDataServer) -> bytes:
    data = os.urandom(48 * MIB)
    fresh_data_server.put_log("REV 11/big.csv", data)
    return data


def cancel_midway(client: ServerClient, key: str) -> None:
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if 0 < done < total:
            cancel.set()

    with pytest.raises(DownloadCancelledError, match="cancelled"):
        client.download(key, progress=progress, cancel=cancel)


def test_cancel_stops_and_leaves_no_complete_looking_file(
    fresh_data_server: RunningDataServer, big_log: bytes, tmp_path: Path
) -> None:
    with logged_in(fresh_data_server, tmp_path) as client:
        cancel_midway(client, "REV 11/big.csv")
        assert client.cache is not None
        assert not (tmp_path / "REV 11" / "big.csv").exists()
        assert not client.cache.is_cached("REV 11/big.csv")
        assert client.cache.partial_paths("REV 11/big.csv")[0].exists()
        stats = client.last_transfer
        assert stats is not None and 0 < stats.fetched_bytes < len(big_log)


def test_a_cancelled_download_resumes_where_it_stopped(
    fresh_data_server: RunningDataServer, big_log: bytes, tmp_path: Path
) -> None:
    with logged_in(fresh_data_server, tmp_path) as client:
        cancel_midway(client, "REV 11/big.csv")
    with logged_in(fresh_data_server, tmp_path) as client:
        path = client.download("REV 11/big.csv")
        stats = client.last_transfer
    assert path.read_bytes() == big_log
    assert stats is not None
    assert stats.resumed_bytes > 0
    assert stats.fetched_bytes == len(big_log) - stats.resumed_bytes


def test_a_partial_of_an_object_that_changed_is_thrown_away(
    fresh_data_server: RunningDataServer, big_log: bytes, tmp_path: Path
) -> None:
    with logged_in(fresh_data_server, tmp_path) as client:
        cancel_midway(client, "REV 11/big.csv")
        replacement = os.urandom(9 * MIB)
        fresh_data_server.put_log("REV 11/big.csv", replacement)
        assert client.download("REV 11/big.csv").read_bytes() == replacement
        assert client.last_transfer is not None
        assert client.last_transfer.resumed_bytes == 0


def test_two_threads_downloading_one_key_both_get_it_whole(
    fresh_data_server: RunningDataServer, big_log: bytes, tmp_path: Path
) -> None:
    with logged_in(fresh_data_server, tmp_path) as client, ThreadPoolExecutor(2) as pool:
        paths = list(pool.map(client.download, ["REV 11/big.csv"] * 2))
    assert paths[0] == paths[1]
    assert paths[0].read_bytes() == big_log


def test_a_cancel_set_before_starting_fetches_nothing(client: ServerClient) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DownloadCancelledError):
        client.download(ENDURANCE, cancel=cancel)
    assert client.last_transfer is None


def test_a_missing_key_says_so(client: ServerClient) -> None:
    with pytest.raises(LogNotFoundError, match=r"no log 'REV 11/nope\.csv'"):
        client.download("REV 11/nope.csv")


@pytest.fixture
def proxied(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[RunningDataServer, FaultProxy]]:
    """A data server whose S3 endpoint (as handed to clients) is a fault proxy."""
    with EmbeddedS3() as s3:
        monkeypatch.setenv("PERDA_S3_ACCESS_KEY", s3.admin.access_key)
        monkeypatch.setenv("PERDA_S3_SECRET_KEY", s3.admin.secret_key)
        host, port = s3.endpoint.removeprefix("http://").split(":")
        with FaultProxy(host, int(port)) as proxy:
            server = start_data_server(
                password=PASSWORD, s3_endpoint=proxy.url(), bucket=f"px-{secrets.token_hex(4)}"
            )
            with server:
                yield server, proxy
                proxy.set_fault(Fault.PASS)
                server.storage.clear()


def test_a_link_that_keeps_dropping_fails_clearly_then_resumes(
    proxied: tuple[RunningDataServer, FaultProxy], tmp_path: Path
) -> None:
    server, proxy = proxied
    data = os.urandom(20 * MIB)
    server.put_log("drop.csv", data)
    with logged_in(server, tmp_path) as client:
        proxy.set_fault(Fault.RESET, after_bytes=3 * MIB)
        with pytest.raises(ServerUnreachableError, match=f"cannot reach S3 at {proxy.url()}"):
            client.download("drop.csv")
        assert not (tmp_path / "drop.csv").exists()
        proxy.set_fault(Fault.PASS)
        assert client.download("drop.csv").read_bytes() == data
        stats = client.last_transfer
    assert stats is not None
    assert stats.resumed_bytes >= MIB
    assert stats.fetched_bytes == len(data) - stats.resumed_bytes


def test_a_dropped_connection_is_resumed_within_the_same_download(
    proxied: tuple[RunningDataServer, FaultProxy], tmp_path: Path
) -> None:
    server, proxy = proxied
    data = os.urandom(20 * MIB)
    server.put_log("flaky.csv", data)
    with logged_in(server, tmp_path) as client:
        proxy.set_fault(Fault.RESET, after_bytes=8 * MIB)
        assert client.download("flaky.csv").read_bytes() == data


def test_no_cache_means_a_temporary_file_removed_after_load(
    data_server: RunningDataServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with logged_in(data_server, None) as client:
        path = client.download(ENDURANCE)
        assert path.parent == tmp_path and path.name.startswith("perda_")
        assert path.read_bytes() == SAMPLE_TREE[ENDURANCE][0]
        path.unlink()
        log = client.load(ENDURANCE)
    assert "ams.pack.voltage" in log
    assert list(tmp_path.iterdir()) == []


def test_load_parses_the_cached_file(client: ServerClient) -> None:
    log = client.load("REV 10/skidpad.csv")
    assert "pcm.wheelSpeeds.frontRight" in log
    assert client.cache is not None and client.cache.is_cached("REV 10/skidpad.csv")


def test_rejected_s3_credentials_are_fetched_again_once(
    client: ServerClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """S3 refusing credentials cannot be provoked on moto: the refusal is injected."""
    real_head = transfer.S3Reader.head
    readers: list[transfer.S3Reader] = []
    rejections = {"left": 1}

    def head(self: transfer.S3Reader, key: str) -> transfer.ObjectInfo:
        readers.append(self)
        if rejections["left"]:
            rejections["left"] -= 1
            raise transfer.CredentialsRejected("S3 rejected the credentials (ExpiredToken)")
        return real_head(self, key)

    monkeypatch.setattr(transfer.S3Reader, "head", head)
    assert client.download(ENDURANCE).read_bytes() == SAMPLE_TREE[ENDURANCE][0]
    assert (
        len({id(reader) for reader in readers}) == 2
    )  # a new reader, with newly fetched credentials

    rejections["left"] = 2
    with pytest.raises(DataServerError, match="even with freshly fetched ones") as caught:
        client.download("REV 10/skidpad.csv")
    assert not isinstance(caught.value, AuthenticationError)  # not a wrong password


def test_a_full_disk_is_reported_before_downloading(
    client: ServerClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk cannot be provoked safely on a shared machine: the free space is faked."""
    monkeypatch.setattr(shutil, "disk_usage", lambda path: SimpleNamespace(free=10))
    with pytest.raises(OSError, match=r"not enough disk space for 'REV 11/endurance\.csv'"):
        client.download(ENDURANCE)
    assert client.last_transfer is not None and client.last_transfer.fetched_bytes == 0


def test_an_object_replaced_during_the_download_restarts_it(
    fresh_data_server: RunningDataServer,
    big_log: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The object is replaced on the real server right after the size/ETag check."""
    replacement = os.urandom(20 * MIB)
    real_head = transfer.S3Reader.head
    heads: list[transfer.ObjectInfo] = []

    def head_then_replace(self: transfer.S3Reader, key: str) -> transfer.ObjectInfo:
        heads.append(real_head(self, key))
        if len(heads) == 1:
            fresh_data_server.put_log(key, replacement)
        return heads[-1]

    monkeypatch.setattr(transfer.S3Reader, "head", head_then_replace)
    with logged_in(fresh_data_server, tmp_path) as client:
        path = client.download("REV 11/big.csv")
    assert [info.size for info in heads] == [len(big_log), len(replacement)]
    assert path.read_bytes() == replacement


def test_a_log_deleted_on_the_server_is_reported_even_if_cached(
    fresh_data_server: RunningDataServer, tmp_path: Path
) -> None:
    with logged_in(fresh_data_server, tmp_path) as client:
        client.download(ENDURANCE)
        fresh_data_server.delete_log(ENDURANCE)
        with pytest.raises(LogNotFoundError):
            client.download(ENDURANCE)
        assert [e.key for e in client.list_logs("REV 11/")] == ["REV 11/2026-04-01/"]
