"""The team's math channels: `channels.toml`, and adding them to a log.

```toml
[channels]
"pack.power_kw" = "ams.pack.voltage * ams.pack.current / 1000"
"wheel.slip" = "pcm.wheelSpeeds.rearLeft / max(pcm.wheelSpeeds.frontLeft, 1) - 1"

[gps]            # optional: GPS and track-map names for this team's logs
latitude = ["gps.lat"]
longitude = ["gps.lon"]
colour = "gps.speed"
```

The file lives in the config folder (`team_file`) unless a command names another one.
Every log gets every channel whose inputs it has; the others are reported as
unavailable with the names they miss.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from perda_tui.analysis.expressions import Expression, ExpressionError, evaluate, missing, parse
from perda_tui.analysis.geo import LATITUDE_NAMES, LONGITUDE_NAMES, GpsNames

if TYPE_CHECKING:
    from perda_tui.logs import Log

#: File name of the team's channels in the config folder.
CHANNELS_FILE = "channels.toml"
#: A team file larger than this is refused (it is a hand-written list).
MAX_FILE_BYTES = 1 << 20
#: Most channels one file may define.
MAX_CHANNELS = 500
#: Signals the track map is coloured by when the team file names none (first found).
COLOUR_NAMES: tuple[str, ...] = ("gps.speed", "vehicle.speed", "speed")


class ChannelsFileError(ValueError):
    """The team file cannot be read or holds something that is not a channel."""


@dataclass(frozen=True)
class Channel:
    """A named math channel."""

    name: str
    expression: Expression


@dataclass(frozen=True)
class TeamFile:
    """What `channels.toml` says: channels, and names for GPS and the track map's colour."""

    channels: tuple[Channel, ...] = ()
    gps: GpsNames = field(default_factory=GpsNames)
    colour: tuple[str, ...] = COLOUR_NAMES


@dataclass(frozen=True)
class Applied:
    """What adding channels to a log did: names added, unavailable ones with the inputs
    they miss, and ones that failed to evaluate with the reason."""

    added: tuple[str, ...] = ()
    unavailable: dict[str, tuple[str, ...]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def team_file(config_folder: Path) -> Path:
    """Where the team's channels live in `config_folder`."""
    return config_folder / CHANNELS_FILE


def parse_definition(text: str) -> Channel:
    """`NAME = EXPRESSION` (the prompt's and `--channel`'s form) as a `Channel`."""
    name, sep, expression = text.partition("=")
    name = name.strip().strip("`")
    if not sep or not name or not expression.strip():
        raise ExpressionError(f"not a channel: {text.strip()[:60]!r} (use NAME = EXPRESSION)")
    if "\n" in name or len(name) > 200:
        raise ExpressionError("a channel name is one line of at most 200 characters")
    return Channel(name, parse(expression))


def _names(value: object, key: str, path: Path, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return default
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ChannelsFileError(f"{path}: {key} must be a name or a list of names")
    return tuple(items)


def load_team_file(path: Path) -> TeamFile:
    """Read `path` (a missing file is an empty one); `ChannelsFileError` saying which line
    or channel is wrong."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ChannelsFileError(f"{path} is larger than {MAX_FILE_BYTES // 1024} KiB")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return TeamFile()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ChannelsFileError(f"cannot read {path}: {exc}") from exc
    table = data.get("channels", {})
    if not isinstance(table, dict) or len(table) > MAX_CHANNELS:
        raise ChannelsFileError(f"{path}: [channels] must be a table of at most {MAX_CHANNELS}")
    channels = []
    for name, text in table.items():
        if not isinstance(text, str):
            raise ChannelsFileError(f"{path}: channel {name} must be an expression in quotes")
        try:
            channels.append(Channel(name, parse(text)))
        except ExpressionError as exc:
            raise ChannelsFileError(f"{path}: channel {name}: {exc}") from None
    gps = data.get("gps", {})
    if not isinstance(gps, dict):
        raise ChannelsFileError(f"{path}: [gps] must be a table")
    return TeamFile(
        tuple(channels),
        GpsNames(
            _names(gps.get("latitude"), "gps.latitude", path, LATITUDE_NAMES),
            _names(gps.get("longitude"), "gps.longitude", path, LONGITUDE_NAMES),
        ),
        _names(gps.get("colour"), "gps.colour", path, COLOUR_NAMES),
    )


def save_channel(path: Path, channel: Channel) -> None:
    """Add or replace `channel` in the team file at `path` (written atomically; the rest
    of the file is kept)."""
    import tomli_w

    from perda_tui.private_files import private_mkdir, private_write_atomic

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ChannelsFileError(f"cannot read {path}: {exc}") from exc
    table = data.setdefault("channels", {})
    if not isinstance(table, dict):
        raise ChannelsFileError(f"{path}: [channels] is not a table")
    table[channel.name] = channel.expression.text
    private_mkdir(path.parent)
    private_write_atomic(path, tomli_w.dumps(data))


def add_channels(log: Log, channels: tuple[Channel, ...] | list[Channel]) -> Applied:
    """Evaluate each channel over `log` and add it (`Log.add_computed`), in order, so a
    channel may read the ones before it. A channel named like a recorded signal fails."""
    added: list[str] = []
    unavailable: dict[str, tuple[str, ...]] = {}
    failed: dict[str, str] = {}
    for channel in channels:
        absent = missing(channel.expression, log)
        if absent:
            unavailable[channel.name] = tuple(absent)
            continue
        try:
            signal = evaluate(channel.expression, log, channel.name)
            log.add_computed(signal, channel.expression.text)
        except ValueError as exc:  # ExpressionError, or a recorded signal of that name
            failed[channel.name] = str(exc)
            continue
        added.append(channel.name)
    return Applied(tuple(added), unavailable, failed)
