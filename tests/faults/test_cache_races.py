"""Races between processes on one download cache: per-key locks, the index, recovery."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from perda_tui.clients.dataserver import LogCache, ServerClient
from perda_tui.clients.dataserver.locks import CacheLocks, LockBusy
from perda_tui.server.runner import RunningDataServer
from tests.fixtures.dataserver import SAMPLE_TREE

ENDURANCE = "REV 11/endurance.csv"
REPO = Path(__file__).resolve().parents[2]


def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a separate Python process (another process on the same cache)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


TRY_LOCK = """
    import sys
    from pathlib import Path
    from perda_tui.clients.dataserver import LogCache
    from perda_tui.clients.dataserver.locks import LockBusy
    try:
        with LogCache(sys.argv[1]).locks.exclusive(sys.argv[2], timeout=0):
            pass
    except LockBusy:
        sys.exit(3)
"""


def test_a_download_holds_its_key_against_other_processes(
    data_server: RunningDataServer, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "cache"
    started, release = threading.Event(), threading.Event()

    def pause_once(done: int, total: int) -> None:
        if not started.is_set():
            started.set()
            assert release.wait(60)

    with (
        ServerClient(data_server.url, cache_dir) as first,
        ServerClient(data_server.url, cache_dir) as second,
        ThreadPoolExecutor(2) as pool,
    ):
        first.login(data_server.password)
        second.login(data_server.password)
        running = pool.submit(first.download, ENDURANCE, pause_once)
        assert started.wait(60)
        try:
            busy = run_python(TRY_LOCK, str(cache_dir), ENDURANCE)
            assert busy.returncode == 3, busy.stderr
            # the other key is free, and a second client of the key waits instead of sharing
            free = run_python(TRY_LOCK, str(cache_dir), "REV 10/skidpad.csv")
            assert free.returncode == 0, free.stderr
            waiting = pool.submit(second.download, ENDURANCE)
        finally:
            release.set()
        expected = SAMPLE_TREE[ENDURANCE][0]
        assert running.result(60).read_bytes() == expected
        assert waiting.result(60).read_bytes() == expected
    assert run_python(TRY_LOCK, str(cache_dir), ENDURANCE).returncode == 0


def test_shared_readers_exclude_a_writer_but_not_each_other(tmp_path: Path) -> None:
    locks = CacheLocks(tmp_path)
    with locks.shared("a.csv"), locks.shared("a.csv"):
        with pytest.raises(LockBusy), locks.exclusive("a.csv", timeout=0):
            pass
        with locks.exclusive("b.csv", timeout=0):
            pass
    with (
        locks.exclusive("a.csv", timeout=0),
        pytest.raises(LockBusy),
        locks.shared("a.csv", timeout=0),
    ):
        pass


def test_a_cancel_ends_the_wait_for_a_busy_key(tmp_path: Path) -> None:
    from perda_tui.clients.dataserver import DownloadCancelledError

    locks = CacheLocks(tmp_path)
    cancel = threading.Event()
    cancel.set()
    with (
        locks.exclusive("a.csv"),
        pytest.raises(DownloadCancelledError),
        locks.exclusive("a.csv", cancel=cancel),
    ):
        pass


STORE_MANY = """
    import sys
    from pathlib import Path
    from perda_tui.clients.dataserver import LogCache
    cache = LogCache(sys.argv[1])
    for i in range(30):
        key = f"{sys.argv[2]}/{i}.csv"
        path = cache.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * i)
        cache.store(key, f"etag{i}", i, None)
"""


def test_four_processes_writing_the_index_lose_no_record(tmp_path: Path) -> None:
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(STORE_MANY), str(tmp_path), f"p{n}"],
            cwd=REPO,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    index = json.loads((tmp_path / ".perda" / "index.json").read_text())
    assert len(index) == 120
    cache = LogCache(tmp_path)
    assert all(cache.is_cached(f"p{n}/{i}.csv") for n in range(4) for i in range(30))


def test_a_corrupt_index_is_rebuilt_from_the_files_not_forgotten(
    data_server: RunningDataServer, tmp_path: Path
) -> None:
    with ServerClient(data_server.url, tmp_path) as client:
        client.login(data_server.password)
        client.download(ENDURANCE)
        (tmp_path / ".perda" / "index.json").write_text('{"REV 11/endu')
    with ServerClient(data_server.url, tmp_path) as client:
        assert client.cache is not None
        assert [e.key for e in client.cache.cached_entries("REV 11/")] == [ENDURANCE]
        client.login(data_server.password)
        path = client.download(ENDURANCE)
        assert client.last_transfer is not None and client.last_transfer.from_cache
        assert client.last_transfer.fetched_bytes == 0
        assert path.read_bytes() == SAMPLE_TREE[ENDURANCE][0]
    # the index is whole again, ETag included
    index = json.loads((tmp_path / ".perda" / "index.json").read_text())
    assert index[ENDURANCE]["etag"].strip('"')


def test_a_rescanned_file_that_differs_is_downloaded_again(
    data_server: RunningDataServer, tmp_path: Path
) -> None:
    with ServerClient(data_server.url, tmp_path) as client:
        client.login(data_server.password)
        path = client.download(ENDURANCE)
        path.write_bytes(bytes(path.stat().st_size))  # zeros, same size
        (tmp_path / ".perda" / "index.json").write_text("[")
    with ServerClient(data_server.url, tmp_path) as client:
        client.login(data_server.password)
        assert client.download(ENDURANCE).read_bytes() == SAMPLE_TREE[ENDURANCE][0]
        assert client.last_transfer is not None and not client.last_transfer.from_cache
