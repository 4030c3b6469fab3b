"""Cache safety and offline browsing: unsafe keys, the index, entries remembered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from perda_tui.clients.dataserver import LogCache, ServerClient, UnsafeKeyError
from perda_tui.server.runner import RunningDataServer
from tests.fixtures.dataserver import FULL_METADATA, PASSWORD

UNSAFE_KEYS = [
    ("../evil.csv", "'..' path segment"),
    ("REV 11/../../evil.csv", "'..' path segment"),
    ("/etc/cron.d/x", "absolute path"),
    ("C:/Windows/x.csv", "absolute path"),
    ("REV 11\\..\\evil.csv", "backslash"),
    ("REV 11/a\x00.csv", "control characters"),
    ("REV 11/%2e%2e/%2e%2e/evil.csv", "once percent-decoded, it has a '..' path segment"),
    ("..%2fevil.csv", "once percent-decoded"),
    ("REV 11//x.csv", "'//' path segment"),
    ("REV 11/./x.csv", "'.' path segment"),
    ("REV 11/", "folder"),
    ("", "empty"),
    (".perda/index.json", "reserved"),
]


@pytest.mark.parametrize(("key", "reason"), UNSAFE_KEYS)
def test_unsafe_keys_are_refused_with_the_reason(tmp_path: Path, key: str, reason: str) -> None:
    with pytest.raises(UnsafeKeyError) as caught:
        LogCache(tmp_path).path_for(key)
    assert reason in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_symlink_out_of_the_cache_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    os.symlink(outside, cache_dir / "REV 11")
    with pytest.raises(UnsafeKeyError, match="resolves outside"):
        LogCache(cache_dir).path_for("REV 11/x.csv")


def test_a_hostile_key_in_the_bucket_is_never_written(
    fresh_data_server: RunningDataServer, tmp_path: Path
) -> None:
    fresh_data_server.put_log("../escaped.csv", b"gotcha")
    cache_dir = tmp_path / "cache"
    with ServerClient(fresh_data_server.url, cache_dir) as client:
        client.login(PASSWORD)
        assert "../" in [e.key for e in client.list_logs()]
        with pytest.raises(UnsafeKeyError, match=r"refusing log key '\.\./escaped\.csv'"):
            client.download("../escaped.csv")
        assert client.last_transfer is None
    assert not (tmp_path / "escaped.csv").exists()


def test_cached_logs_can_be_browsed_offline(data_server: RunningDataServer, tmp_path: Path) -> None:
    with ServerClient(data_server.url, tmp_path) as client:
        client.login(PASSWORD)
        client.list_logs("REV 11/")
        client.download("REV 11/endurance.csv")
        client.download("REV 11/2026-04-01/accel.csv")  # not listed first: metadata fetched
    cache = LogCache(tmp_path)  # a later session, no server needed
    folder, endurance = cache.cached_entries("REV 11/")
    assert (folder.key, folder.is_folder) == ("REV 11/2026-04-01/", True)
    assert endurance.title == FULL_METADATA["title"]
    assert endurance.tags == FULL_METADATA["tags"]
    (accel,) = cache.cached_entries("REV 11/2026-04-01/")
    assert (accel.name, accel.title, accel.string_metadata) == (
        "accel.csv",
        "Acceleration",
        {"driver": "CD"},
    )
    assert [e.key for e in cache.cached_entries()] == ["REV 11/"]
    assert cache.is_cached("REV 11/endurance.csv")
    assert not cache.is_cached("REV 10/skidpad.csv")


def test_a_corrupt_index_is_rebuilt_from_the_files(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"data")
    (tmp_path / ".perda" / "partial").mkdir(parents=True)
    (tmp_path / ".perda" / "partial" / "x.part").write_bytes(b"half")
    (tmp_path / ".perda" / "index.json").write_text("{broken")
    cache = LogCache(tmp_path)
    assert cache.is_cached("a.csv")
    record = cache.record("a.csv")
    assert record is not None and (record.etag, record.size) == ("", 4)  # ETag checked by MD5
    assert [e.key for e in cache.cached_entries()] == ["a.csv"]
