"""S3 faults: a proxy sits between both the gateway and the client and a real S3 endpoint."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from perda_tui.clients.dataserver import DataServerError, ServerClient, ServerUnreachableError
from perda_tui.server.runner import RunningDataServer
from tests.faults.conftest import S3_PASSWORD
from tests.faults.proxy import Fault, FaultProxy

KEY = "REV 11/2026-04-01/endurance.csv"
PAYLOAD = os.urandom(6 * 1024 * 1024)
ACCESS_DENIED = (
    b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>InvalidAccessKeyId</Code>"
    b"<Message>The AWS Access Key Id you provided does not exist.</Message></Error>"
)


@dataclass
class ProxiedS3:
    server: RunningDataServer
    proxy: FaultProxy
    client: ServerClient


@pytest.fixture
def setup(tmp_path: Path, s3_proxied: tuple[RunningDataServer, FaultProxy]) -> Iterator[ProxiedS3]:
    server, proxy = s3_proxied
    server.put_log(KEY, PAYLOAD, {"title": "Endurance"})
    with ServerClient(server.url, cache_dir=tmp_path / "cache", timeout=2.0) as client:
        client.login(S3_PASSWORD)
        yield ProxiedS3(server, proxy, client)


def test_connection_reset_mid_download_resumes_from_the_partial(setup: ProxiedS3) -> None:
    setup.proxy.set_fault(Fault.RESET, after_bytes=2 * 1024 * 1024)
    setup.proxy.cut_all()
    with pytest.raises(ServerUnreachableError) as err:
        setup.client.download(KEY)
    assert "resume" in str(err.value)
    assert not setup.client.cache.is_cached(KEY)
    assert not setup.client.cache.path_for(KEY).exists()  # nothing that looks complete

    setup.proxy.set_fault(Fault.PASS)
    path = setup.client.download(KEY)
    assert path.read_bytes() == PAYLOAD
    stats = setup.client.last_transfer
    assert stats is not None
    assert stats.resumed_bytes > 0
    assert stats.fetched_bytes + stats.resumed_bytes == len(PAYLOAD)


def test_object_changed_between_listing_and_download(setup: ProxiedS3) -> None:
    listed = {entry.key: entry for entry in setup.client.list_logs("REV 11/2026-04-01/")}
    assert listed[KEY].size == len(PAYLOAD)
    changed = PAYLOAD[::-1]
    setup.server.put_log(KEY, changed)
    assert setup.client.download(KEY).read_bytes() == changed


def test_object_changed_after_caching_is_downloaded_again(setup: ProxiedS3) -> None:
    setup.client.download(KEY)
    changed = b"PER Log: changed v2.0\n" + PAYLOAD[:1000]
    setup.server.put_log(KEY, changed)
    assert setup.client.download(KEY).read_bytes() == changed
    assert setup.client.last_transfer is not None
    assert not setup.client.last_transfer.from_cache


def test_rejected_credentials_are_fetched_again_once(setup: ProxiedS3) -> None:
    setup.proxy.set_fault(Fault.HTTP_ERROR, status=403, body=ACCESS_DENIED, times=1)
    setup.proxy.cut_all()
    assert setup.client.download(KEY).read_bytes() == PAYLOAD
    assert setup.proxy.plan.fault is Fault.PASS  # the rejection was really served


def test_credentials_rejected_for_good_is_a_clear_error(setup: ProxiedS3) -> None:
    setup.proxy.set_fault(Fault.HTTP_ERROR, status=403, body=ACCESS_DENIED)
    setup.proxy.cut_all()
    with pytest.raises(DataServerError) as err:
        setup.client.download(KEY)
    assert "rejected the credentials" in str(err.value)
    assert "even with freshly fetched ones" in str(err.value)
    assert not setup.client.cache.path_for(KEY).exists()


@pytest.mark.parametrize("damage", ["truncate", "alter", "delete"])
def test_cached_file_damaged_on_disk_is_downloaded_again(setup: ProxiedS3, damage: str) -> None:
    path = setup.client.download(KEY)
    if damage == "truncate":
        with path.open("r+b") as handle:
            handle.truncate(len(PAYLOAD) // 2)
    elif damage == "alter":
        with path.open("r+b") as handle:
            handle.seek(1000)
            handle.write(b"\x00" * 16)
    else:
        path.unlink()
    assert setup.client.download(KEY).read_bytes() == PAYLOAD
    assert setup.client.last_transfer is not None
    assert not setup.client.last_transfer.from_cache
