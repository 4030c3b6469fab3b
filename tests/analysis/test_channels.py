"""The team file: loading, saving, and adding channels to a log."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from perda_tui.analysis.channels import (
    Channel,
    ChannelsFileError,
    add_channels,
    load_team_file,
    parse_definition,
    save_channel,
    team_file,
)
from perda_tui.analysis.expressions import ExpressionError, parse
from tests.analysis.generated import make_log

TEAM = """
[channels]
"power" = "car.speed * motor.torque"
"power.smooth" = "mavg(power, 0.5)"
"slip" = "wheel.rl / wheel.fl - 1"

[gps]
latitude = "Position.Lat"
longitude = ["Position.Lon", "gps.lon"]
colour = "car.speed"
"""


def test_load_add_and_report_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "channels.toml"
    path.write_text(TEAM)
    team = load_team_file(path)
    assert [c.name for c in team.channels] == ["power", "power.smooth", "slip"]
    assert team.gps.latitude == ("Position.Lat",)
    assert team.gps.longitude == ("Position.Lon", "gps.lon")
    assert team.colour == ("car.speed",)
    log = make_log()
    applied = add_channels(log, team.channels)
    assert applied.added == ("power", "power.smooth")  # a channel may read an earlier one
    assert applied.unavailable == {"slip": ("wheel.rl", "wheel.fl")}
    assert log.is_computed("power") and not log.is_computed("car.speed")
    np.testing.assert_allclose(log["power"].values, (log["car.speed"] * log["motor.torque"]).values)
    assert log.search("power")[0].name.startswith("power")


def test_a_channel_cannot_replace_a_recorded_signal() -> None:
    log = make_log()
    applied = add_channels(log, [Channel("temp", parse("car.speed * 2"))])
    assert applied.failed == {"temp": "temp is a recorded signal of this log"}


def test_missing_file_is_empty_and_bad_files_say_where(tmp_path: Path) -> None:
    assert load_team_file(tmp_path / "none.toml").channels == ()
    bad = tmp_path / "bad.toml"
    for text, message in [
        ("[channels]\nx = 3", "channel x must be an expression in quotes"),
        ('[channels]\nx = "car.speed +"', "channel x: expected a number"),
        ("[channels\n", "cannot read"),
        ("[gps]\nlatitude = 3", "gps.latitude must be a name or a list of names"),
    ]:
        bad.write_text(text)
        with pytest.raises(ChannelsFileError, match=message):
            load_team_file(bad)
    bad.write_bytes(b"#" * (2 << 20))
    with pytest.raises(ChannelsFileError, match="larger than"):
        load_team_file(bad)


def test_save_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    path = team_file(tmp_path / "config")
    save_channel(path, parse_definition("power = car.speed * motor.torque"))
    path.write_text(path.read_text() + '\n[gps]\nlatitude = "lat"\n')
    save_channel(path, parse_definition("power = car.speed * 2"))
    save_channel(path, parse_definition("`odd name` = temp + 1"))
    team = load_team_file(path)
    assert {c.name: c.expression.text for c in team.channels} == {
        "power": "car.speed * 2",
        "odd name": "temp + 1",
    }
    assert team.gps.latitude == ("lat",)
    assert path.stat().st_mode & 0o777 == 0o600


def test_definitions() -> None:
    channel = parse_definition(" p = a*b ")
    assert channel.name == "p" and channel.expression.names == ("a", "b")
    for text in ("p", "= a", "p = "):
        with pytest.raises(ExpressionError, match="NAME = EXPRESSION"):
            parse_definition(text)
