"""`perda-tui cache` and `cache prune` on a real download cache filled from the data server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from perda_tui.cli.cache import CacheCommandError, parse_size
from perda_tui.cli.main import main
from perda_tui.clients.dataserver import LogCache, ServerClient
from perda_tui.parsed_cache import cache_bytes, open_log, parsed_store
from perda_tui.server.runner import RunningDataServer
from tests.fixtures.dataserver import PASSWORD

KEYS = ["REV 10/skidpad.csv", "REV 11/endurance.csv", "REV 11/2026-04-01/accel.csv"]
DAY = 86_400


@pytest.fixture
def filled_cache(data_server: RunningDataServer, tmp_path: Path) -> Path:
    """Three downloaded logs, each opened once (so each has a parsed form); the first was
    opened three days ago, the second two days ago, the last just now."""
    cache_dir = tmp_path / "cache"
    with ServerClient(data_server.url, cache_dir) as client:
        client.login(PASSWORD)
        for age, key in zip((3, 2, 0), KEYS, strict=True):
            path = client.download(key)
            open_log(path, cache_dir)
            opened = store_folder(cache_dir, path) / "opened"
            then = opened.stat().st_mtime - age * DAY
            os.utime(opened, (then, then))
    return cache_dir


def store_folder(cache_dir: Path, path: Path) -> Path:
    return parsed_store(cache_dir).folder_for(path)


def run(cache_dir: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    assert main(["--cache-dir", str(cache_dir), "cache", *argv]) == 0
    return capsys.readouterr().out.splitlines()


def test_list_shows_each_log_with_its_sizes_oldest_first(
    filled_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = run(filled_cache, capsys)
    assert [line.split("  ")[-1].strip() for line in lines[1:-1]] == KEYS
    cache = LogCache(filled_cache)
    store = parsed_store(filled_cache)
    for key, line in zip(KEYS, lines[1:-1], strict=True):
        path = cache.path_for(key)
        parsed = sum(p.stat().st_size for p in store.folder_for(path).iterdir())
        assert line.split()[2:6] == [*_bytes(path.stat().st_size), *_bytes(parsed)]
    assert lines[-1].startswith("3 logs · ")
    assert lines[-1].endswith(f"in {filled_cache.resolve()}")


def _bytes(count: int) -> list[str]:
    from perda_tui.units import human_bytes

    return human_bytes(count).split()


def test_prune_older_than_removes_only_stale_logs(
    filled_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = run(filled_cache, capsys, "prune", "--older-than", "1")
    assert lines[:2] == [line for line in lines if line.startswith("removed ")]
    assert [line.split(" (")[0] for line in lines[:2]] == [f"removed {k}" for k in KEYS[:2]]
    cache = LogCache(filled_cache)
    assert [cache.is_cached(k) for k in KEYS] == [False, False, True]
    assert not cache.path_for(KEYS[0]).exists()
    assert not store_folder(filled_cache, cache.path_for(KEYS[0])).exists()
    assert store_folder(filled_cache, cache.path_for(KEYS[2])).exists()


def test_prune_max_size_removes_least_recently_opened_until_it_fits(
    filled_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = LogCache(filled_cache)
    newest = cache.path_for(KEYS[2])
    keep = newest.stat().st_size + sum(
        p.stat().st_size for p in store_folder(filled_cache, newest).iterdir()
    )
    run(filled_cache, capsys, "prune", "--max-size", str(keep))
    assert [cache.is_cached(k) for k in KEYS] == [False, False, True]
    downloads = cache_bytes(filled_cache) - cache_bytes(filled_cache / ".perda")
    assert downloads == newest.stat().st_size


def test_prune_keeps_a_log_being_opened_by_another_process(
    filled_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = LogCache(filled_cache)
    oldest = cache.path_for(KEYS[0])
    folder = store_folder(filled_cache, oldest)
    holder = subprocess.Popen(  # holds the entry's lock shared, as an open in progress does
        [
            sys.executable,
            "-c",
            "import sys; from perda_tui.parsed_cache import parsed_store\n"
            f"store = parsed_store({str(filled_cache)!r})\n"
            f"with store.locks.hold('parsed/{folder.name}', exclusive=False):\n"
            "    print('held', flush=True); sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        lines = run(filled_cache, capsys, "prune", "--max-size", "0")
    finally:
        holder.communicate("\n", timeout=60)
    assert f"kept {KEYS[0]}: in use by another process" in lines
    assert lines[-1].endswith("; 1 in use kept")
    assert cache.is_cached(KEYS[0]) and folder.exists()
    assert [cache.is_cached(k) for k in KEYS[1:]] == [False, False]
    run(filled_cache, capsys, "prune", "--max-size", "0")
    assert not cache.is_cached(KEYS[0]) and not folder.exists()


def test_prune_of_a_local_file_removes_only_its_parsed_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from perda_tui.samples.writer import write_sample_log

    log = write_sample_log(tmp_path / "local.csv", 5_000, signals=4)
    cache_dir = tmp_path / "cache"
    open_log(log, cache_dir)
    lines = run(cache_dir, capsys)
    assert lines[1].split()[2] == "local" and lines[1].endswith(str(log))
    lines = run(cache_dir, capsys, "prune", "--older-than", "0")
    assert lines[0].startswith(f"removed the parsed form of {log} (")
    assert log.exists()
    assert parsed_store(cache_dir).entries() == []


@pytest.mark.parametrize(
    ("text", "size"),
    [("1024", 1024), ("500M", 500 << 20), ("2G", 2 << 30), ("1.5GiB", 3 << 29), ("10kb", 10240)],
)
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "-1G", "2X", "G", "1e9"])
def test_bad_sizes_are_refused(text: str) -> None:
    with pytest.raises(CacheCommandError):
        parse_size(text)


def test_prune_without_a_limit_says_what_it_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--cache-dir", str(tmp_path), "cache", "prune"]) == 1
    assert "prune needs --older-than DAYS, --max-size SIZE or both" in capsys.readouterr().err


def test_a_parsed_form_whose_file_is_gone_is_listed_as_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from perda_tui.samples.writer import write_sample_log

    log = write_sample_log(tmp_path / "gone.csv", 2_000, signals=2)
    cache_dir = tmp_path / "cache"
    open_log(log, cache_dir)
    log.unlink()
    lines = run(cache_dir, capsys)
    assert lines[1].split()[2] == "gone"
