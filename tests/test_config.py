"""Settings layering (file < env < flags) and safe persistence."""

import argparse
import stat
from pathlib import Path

import pytest

from perda_tui.config import (
    ConfigError,
    config_path,
    load_settings,
    read_file_settings,
    remember,
)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"PERDA_CONFIG_DIR": str(tmp_path / "cfg")}


def test_defaults_without_file(env: dict[str, str], tmp_path: Path) -> None:
    settings = load_settings(env=env)
    assert settings.url == ""
    assert settings.drms_server == "jsoc"
    assert settings.cache_dir == tmp_path / "cfg" / "cache"


def test_file_then_env_then_flags(env: dict[str, str]) -> None:
    remember(env, url="https://file.example", scrutiny_url="tcp://a:1")
    assert load_settings(env=env).url == "https://file.example"
    env["PERDA_URL"] = "https://env.example"
    assert load_settings(env=env).url == "https://env.example"
    flags = argparse.Namespace(url="https://flag.example", scrutiny_url=None)
    settings = load_settings(flags, env=env)
    assert settings.url == "https://flag.example"
    assert settings.scrutiny_url == "tcp://a:1"


def test_remember_is_user_only_and_refuses_passwords(env: dict[str, str]) -> None:
    path = remember(env, url="https://x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(ValueError, match="password"):
        remember(env, password="hunter2")
    assert "hunter2" not in path.read_text()


def test_a_broken_file_is_named_and_blocks_nothing(env: dict[str, str]) -> None:
    path = config_path(env)
    path.parent.mkdir(parents=True)
    path.write_text("url = [unterminated")
    settings = load_settings(argparse.Namespace(url="https://flag.example"), env=env)
    assert settings.url == "https://flag.example"
    assert settings.config_problem.startswith(f"cannot read {path}")
    with pytest.raises(ConfigError, match="cannot read"):
        remember(env, url="https://x")  # never overwrites a file it cannot read
    assert path.read_text() == "url = [unterminated"


def test_a_wrong_type_is_an_error_naming_the_key(env: dict[str, str]) -> None:
    path = config_path(env)
    path.parent.mkdir(parents=True)
    path.write_text('url = 5\ncache_dir = "/tmp/c"\nunknown = 1\n')
    settings = load_settings(env=env)
    assert settings.config_problem == f"{path}: 'url' must be a string"
    assert settings.url == "" and settings.cache_dir == Path("/tmp/c")
    with pytest.raises(ConfigError, match="'url' must be a string"):
        read_file_settings(env)
