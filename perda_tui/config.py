"""Layered settings: TOML file in the user config dir < environment < command-line flags.

Passwords are never stored here. The file and its directory are created user-only.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

import platformdirs

from perda_tui.private_files import private_mkdir, private_write_atomic

APP_NAME = "perda-tui"

#: Environment variable for each setting (flags override these, these override the file).
ENV_VARS = {
    "url": "PERDA_URL",
    "cache_dir": "PERDA_CACHE_DIR",
    "scrutiny_url": "SCRUTINY_URL",
    "drms_server": "DRMS_SERVER",
    "export_dir": "PERDA_EXPORT_DIR",
}
#: Moves the config file and default cache elsewhere (tests, portable installs).
CONFIG_DIR_ENV = "PERDA_CONFIG_DIR"


class ConfigError(ValueError):
    """The config file exists but cannot be read as perda-tui settings."""


@dataclass(frozen=True)
class Settings:
    """Effective settings after merging file, environment and flags."""

    url: str = ""
    cache_dir: Path = Path()
    scrutiny_url: str = ""
    drms_server: str = "jsoc"
    insecure: bool = False
    export_dir: Path = Path()
    """Where exports (CSV windows, archive files) are written unless the user picks a path."""
    allow_writes: bool = False
    """Device writes allowed from the start (`--allow-writes`; a flag only, never stored)."""
    config_problem: str = ""
    """What is wrong with the config file ("" when nothing): its other settings still apply."""


def config_dir(env: Mapping[str, str] = os.environ) -> Path:
    """Directory holding `config.toml`."""
    if env.get(CONFIG_DIR_ENV):
        return Path(env[CONFIG_DIR_ENV])
    return Path(platformdirs.user_config_dir(APP_NAME))


def config_path(env: Mapping[str, str] = os.environ) -> Path:
    """Path of the TOML config file."""
    return config_dir(env) / "config.toml"


def default_cache_dir(env: Mapping[str, str] = os.environ) -> Path:
    """Where downloaded logs are cached unless configured otherwise."""
    if env.get(CONFIG_DIR_ENV):
        return Path(env[CONFIG_DIR_ENV]) / "cache"
    return Path(platformdirs.user_cache_dir(APP_NAME))


def default_export_dir(env: Mapping[str, str] = os.environ) -> Path:
    """Where exports go unless configured otherwise: the user's documents folder."""
    if env.get(CONFIG_DIR_ENV):
        return Path(env[CONFIG_DIR_ENV]) / "exports"
    return Path(platformdirs.user_documents_dir()) / APP_NAME


def read_file_settings(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The string settings stored in the config file (unknown keys are ignored).

    `ConfigError` when the file cannot be read or a known key is not a string.
    """
    values, problem = file_settings(env)
    if problem:
        raise ConfigError(problem)
    return values


def file_settings(env: Mapping[str, str] = os.environ) -> tuple[dict[str, str], str]:
    """(the usable settings of the config file, what is wrong with it or "").

    An unreadable file gives no settings; a known key with a wrong type is left out and
    named (`url = 5`: "'url' must be a string").
    """
    path = config_path(env)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, ""
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, f"cannot read {path}: {exc}"
    values = {key: value for key, value in data.items() if key in ENV_VARS}
    wrong = sorted(key for key, value in values.items() if not isinstance(value, str))
    if wrong:
        names = ", ".join(f"'{key}'" for key in wrong)
        problem = f"{path}: {names} must be {'a string' if len(wrong) == 1 else 'strings'}"
        return {k: v for k, v in values.items() if k not in wrong}, problem
    return values, ""


def load_settings(
    flags: argparse.Namespace | None = None, env: Mapping[str, str] = os.environ
) -> Settings:
    """Merge file < environment < flags (flags that are None are not set).

    A broken config file does not stop anything: its usable keys are kept and the
    problem is in `Settings.config_problem` (the CLI names it once on stderr).
    """
    stored, problem = file_settings(env)
    values: dict[str, object] = dict(stored)
    values.update({key: env[var] for key, var in ENV_VARS.items() if env.get(var)})
    if flags is not None:
        known = {f.name for f in fields(Settings)}
        values.update(
            {key: value for key, value in vars(flags).items() if key in known and value is not None}
        )
    text = {key: str(value) for key, value in values.items() if key != "insecure"}

    def folder(key: str, default: Path) -> Path:
        return Path(text[key]).expanduser() if text.get(key) else default

    return Settings(
        url=text.get("url", Settings.url),
        cache_dir=folder("cache_dir", default_cache_dir(env)),
        scrutiny_url=text.get("scrutiny_url", Settings.scrutiny_url),
        drms_server=text.get("drms_server", Settings.drms_server),
        insecure=bool(values.get("insecure", Settings.insecure)),
        export_dir=folder("export_dir", default_export_dir(env)),
        allow_writes=flags is not None and getattr(flags, "allow_writes", None) is True,
        config_problem=problem,
    )


def remember(env: Mapping[str, str] = os.environ, **values: str) -> Path:
    """Store string settings (e.g. `url=`) in the config file, atomically and user-only.

    Only the keys of `ENV_VARS` can be stored; a password can never land here.
    """
    import tomli_w

    unknown = set(values) - set(ENV_VARS)
    if unknown:
        raise ValueError(f"not a storable setting: {', '.join(sorted(unknown))}")
    path = config_path(env)
    private_mkdir(path.parent)
    merged = read_file_settings(env) | values
    private_write_atomic(path, tomli_w.dumps(merged))
    return path
