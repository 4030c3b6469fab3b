"""Link configurations are validated before anything is sent; targets and backoff."""

from __future__ import annotations

import pytest

from perda_tui.clients.scrutiny import (
    Backoff,
    SerialLinkConfig,
    Target,
    UDPLinkConfig,
    parse_target,
)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"host": "127.0.0.1", "port": 0}, ValueError),
        ({"host": "127.0.0.1", "port": 70000}, ValueError),
        ({"host": "bad host!", "port": 80}, ValueError),
        ({"host": "127.0.0.1", "port": "80"}, TypeError),
        ({"host": 5, "port": 80}, TypeError),
    ],
)
def test_udp_config_validation(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        UDPLinkConfig(**kwargs)  # type: ignore[arg-type]


def test_valid_configs_serialise_as_the_server_expects() -> None:
    assert UDPLinkConfig("device.local", 8765).to_api() == {"host": "device.local", "port": 8765}
    serial = SerialLinkConfig("/dev/ttyACM0", 115200, stopbits="2", databits=7, parity="even")
    assert serial.to_api() == {
        "portname": "/dev/ttyACM0",
        "baudrate": 115200,
        "stopbits": "2",
        "databits": 7,
        "parity": "even",
    }


@pytest.mark.parametrize(
    "kwargs",
    [
        {"port": "", "baudrate": 9600},
        {"port": "/dev/ttyS0", "baudrate": 0},
        {"port": "/dev/ttyS0", "baudrate": 9600, "stopbits": "3"},
        {"port": "/dev/ttyS0", "baudrate": 9600, "databits": 9},
        {"port": "/dev/ttyS0", "baudrate": 9600, "parity": "sometimes"},
    ],
)
def test_serial_config_validation(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SerialLinkConfig(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tcp://127.0.0.1:9000", Target("127.0.0.1", 9000, "tcp")),
        ("ws://pi.local:8765/api", Target("pi.local", 8765, "ws", "/api")),
        ("pi.local:1234", Target("pi.local", 1234, "auto")),
        ("pi.local", Target("pi.local", 8765, "auto")),
        (" TCP://[::1]:80 ", Target("::1", 80, "tcp")),
    ],
)
def test_parse_target(text: str, expected: Target) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize("text", ["", "http://x:1", "tcp://:80", "x:99999", "x:port"])
def test_parse_target_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_target(text)


def test_target_url_round_trips() -> None:
    for text in ("tcp://h:1", "ws://h:2/p", "h:3", "tcp://[::1]:4"):
        assert parse_target(parse_target(text).url) == parse_target(text)


def test_backoff_doubles_up_to_a_cap_and_resets() -> None:
    backoff = Backoff(initial=1, maximum=10)
    assert [backoff.next() for _ in range(6)] == [1, 2, 4, 8, 10, 10]
    backoff.reset()
    assert backoff.next() == 1
