"""The quantity formatters shared by the command line and the app."""

import pytest

from perda_tui.tui.common.text import duration as tui_duration
from perda_tui.units import duration, human_bytes, parse_duration


@pytest.mark.parametrize(
    ("seconds", "decimals", "text"),
    [
        (0, 0, "0:00"),
        (59.4, 0, "0:59"),
        (3110, 0, "51:50"),
        (3723, 0, "1:02:03"),
        (125.5, 1, "2:05.5"),
        (59.96, 1, "1:00.0"),
        (-5, 0, "-0:05"),
    ],
)
def test_duration(seconds: float, decimals: int, text: str) -> None:
    assert duration(seconds, decimals=decimals) == text


def test_the_app_and_the_cli_share_one_duration_formatter() -> None:
    assert tui_duration is duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90.0), ("2:00", 120.0), ("3:30.5", 210.5), ("1:02:03", 3723.0), (" .5 ", 0.5)],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "2:", "a", "1:2:3:4", "-5"])
def test_parse_duration_refuses_other_text(text: str) -> None:
    with pytest.raises(ValueError, match="not a time"):
        parse_duration(text)


def test_human_bytes_is_binary() -> None:
    assert human_bytes(7 * 1024) == "7 KiB"
    assert human_bytes(int(6.8 * 1024**2)) == "6.8 MiB"
