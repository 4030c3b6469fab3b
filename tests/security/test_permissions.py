"""Config and cache files and folders are created readable by the user only (0600/0700)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from perda_tui.clients.dataserver import ServerClient
from perda_tui.clients.drms import HttpJsonClient
from perda_tui.clients.drms.export import ExportJob
from perda_tui.config import config_path, remember
from perda_tui.server.runner import RunningDataServer
from tests.drms.conftest import local_jsoc
from tests.drms.server import DrmsTestServer


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """A permissive umask, as on many desktops: only explicit modes keep files private."""
    old = os.umask(0o002)
    yield
    os.umask(old)


def group_or_world_access(root: Path) -> list[str]:
    """Every path under `root` (root included) that anyone but the user can open."""
    paths = [root, *root.rglob("*")]
    return [f"{p} {oct(p.stat().st_mode & 0o777)}" for p in paths if p.stat().st_mode & 0o077]


def test_config_file_and_folder_are_user_only(isolated_config: Path) -> None:
    isolated_config.rmdir()
    remember(url="https://data.example.org")
    assert stat.S_IMODE(config_path().stat().st_mode) == 0o600
    assert stat.S_IMODE(config_path().parent.stat().st_mode) == 0o700


def test_log_cache_is_user_only(data_server: RunningDataServer, tmp_path: Path) -> None:
    cache = tmp_path / "new" / "cache"
    with ServerClient(data_server.url, cache, timeout=5) as client:
        client.login(data_server.password)
        path = client.download("REV 11/2026-04-01/accel.csv")
    assert path.is_relative_to(cache)
    assert client.cache is not None and client.cache.is_cached("REV 11/2026-04-01/accel.csv")
    assert group_or_world_access(tmp_path / "new") == []


def test_drms_downloads_are_user_only(drms_server: DrmsTestServer, tmp_path: Path) -> None:
    cache = tmp_path / "new" / "drms"
    with HttpJsonClient(local_jsoc(drms_server), timeout=5) as client:
        job = ExportJob.submit(client, "hmi.M_45s[2024.01.01_00:00_TAI/3m]", "team@example.org")
        job.wait(first_delay=0.01, timeout=10)
        paths = job.download(cache)
    assert paths and all(p.is_relative_to(cache) for p in paths)
    assert group_or_world_access(tmp_path / "new") == []


def test_remember_never_writes_through_a_planted_temporary_name(isolated_config: Path) -> None:
    """A link waiting at a predictable temporary name must not redirect the config write."""
    victim = isolated_config.parent / "victim.txt"
    victim.write_text("untouched")
    remember(url="https://first.example")
    for name in ("config.toml.tmp", ".config.toml.tmp"):
        (isolated_config / name).symlink_to(victim)
    remember(url="https://second.example")
    assert victim.read_text() == "untouched"
    assert 'url = "https://second.example"' in config_path().read_text()
    assert stat.S_IMODE(config_path().stat().st_mode) == 0o600


def test_atomic_writes_use_unique_temporary_files_and_leave_none(tmp_path: Path) -> None:
    """Two writers of one file never share a temporary file; nothing is left beside it."""
    from concurrent.futures import ThreadPoolExecutor

    from perda_tui.private_files import private_write_atomic

    target = tmp_path / "index.json"
    texts = [f'{{"writer": {i}}}' for i in range(32)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda text: private_write_atomic(target, text), texts))
    assert target.read_text() in texts  # one writer's whole text, never a mix
    assert [p.name for p in tmp_path.iterdir()] == ["index.json"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
