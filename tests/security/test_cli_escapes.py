"""`perda-tui ls` and the library's `print_logs` print server text through the sanitiser;
listing entries are bounded before they are kept."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from perda_tui.cli.main import main
from perda_tui.clients.dataserver import ServerClient, UnsafeKeyError
from perda_tui.clients.dataserver.models import LIMITS
from perda_tui.server.runner import RunningDataServer
from perda_tui.text import UNSAFE_CHARACTERS, without_control

CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4K\x07"  # OSC 52: write `rm -rf ~` to the clipboard
CLEAR = "\x1b[2J\x1b[H"
C1_CSI = "\x9b31m"
RLO = "\u202e"  # right-to-left override: "gpj.exe" shows as "exe.jpg"
ZERO_WIDTH = "\u200b\u200d\u2060\ufeff"
HOSTILE = f"Endurance{CLIPBOARD}{CLEAR}{C1_CSI}{RLO}gpj.exe{ZERO_WIDTH}!"

FOLDER = "REV 66/"
KEY = f"{FOLDER}run{RLO}vsc.exe"


@pytest.fixture
def hostile_server(fresh_data_server: RunningDataServer) -> RunningDataServer:
    fresh_data_server.put_log(
        KEY,
        b"PER Log: x v2.0\n",
        {
            "title": HOSTILE,
            "description": HOSTILE * 3,
            "tags": [HOSTILE, "ok"],
            "string_metadata": {HOSTILE: HOSTILE},
            "numeric_metadata": {HOSTILE: 1.5},
        },
    )
    return fresh_data_server


def assert_clean(text: str) -> None:
    assert not UNSAFE_CHARACTERS.search(text.replace("\n", "")), repr(text)
    for bad in ("\x1b", "\x07", "\x9b", RLO, "\u200b", "\ufeff"):
        assert bad not in text


def test_ls_prints_no_escape_bidi_or_zero_width_character(
    hostile_server: RunningDataServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PERDA_PASSWORD", hostile_server.password)
    assert main(["ls", "--url", hostile_server.url, FOLDER]) == 0
    out, err = capsys.readouterr()
    assert_clean(out)
    assert_clean(err)
    assert "Endurance" in out and "gpj.exe" in out and "tags: [Endurance" in out
    assert re.search(r"\[FILE\] run ?vsc\.exe", out)


def test_print_logs_of_the_library_is_sanitised_too(
    hostile_server: RunningDataServer, capsys: pytest.CaptureFixture[str]
) -> None:
    with ServerClient(hostile_server.url) as client:
        client.login(hostile_server.password)
        client.print_logs(FOLDER)
        (entry,) = client.list_logs(FOLDER)
    assert_clean(capsys.readouterr().out)
    assert entry.title == HOSTILE  # kept as sent; every display sanitises it


def test_an_error_line_from_the_cli_is_sanitised(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import perda_tui.cli.locate as locate

    def hostile(_: object) -> int:
        raise RuntimeError(f"server said: {HOSTILE}")

    monkeypatch.setattr(locate, "locate_command", hostile)
    assert main(["locate"]) == 1
    err = capsys.readouterr().err
    assert_clean(err)
    assert err.startswith("perda-tui: server said: Endurance")


def test_the_sanitiser_drops_bidi_and_zero_width_but_keeps_text() -> None:
    assert without_control(f"a{RLO}b{ZERO_WIDTH}c\u2066d\u2069") == "abcd"
    assert without_control("Zürich · 東京 ✓ 😀") == "Zürich · 東京 ✓ 😀"


def test_listing_entries_are_bounded_before_they_are_kept(
    fresh_data_server: RunningDataServer,
) -> None:
    key = "REV 67/huge.csv"
    fresh_data_server.put_log(
        key,
        b"PER Log: x v2.0\n",
        {
            "title": "T" * 100_000,
            "description": "D" * 10_000_000,
            "tags": [f"tag{n}" * 50 for n in range(10_000)],
            "string_metadata": {f"k{n}": "v" * 2_000 for n in range(1_000)},
            "numeric_metadata": {f"n{n}": n for n in range(5_000)},
        },
    )
    with ServerClient(fresh_data_server.url) as client:
        client.login(fresh_data_server.password)
        (entry,) = client.list_logs("REV 67/")
    assert len(entry.title) == LIMITS.title and entry.title.endswith("…")
    assert len(entry.description) == LIMITS.description
    assert len(entry.tags) == LIMITS.tags and all(len(t) <= LIMITS.tag for t in entry.tags)
    assert len(entry.string_metadata) == LIMITS.items
    assert all(len(v) <= LIMITS.item_value for v in entry.string_metadata.values())
    assert len(entry.numeric_metadata) == LIMITS.items


@pytest.mark.parametrize("key", [KEY, "REV 66/a\u200bb.csv", "REV 66/a%E2%80%AEb.csv"])
def test_a_key_with_bidi_or_zero_width_characters_is_never_a_file(
    hostile_server: RunningDataServer, tmp_path: Path, key: str
) -> None:
    with ServerClient(hostile_server.url, tmp_path) as client:
        client.login(hostile_server.password)
        with pytest.raises(UnsafeKeyError, match="bidi or zero-width"):
            client.download(key)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


#: what a log file can carry in a name or unit (C0 controls make it "binary", refused)
IN_LOG = f"{RLO}gpj{ZERO_WIDTH}{C1_CSI}\u2066!"
SPEED = f"car.speed{IN_LOG}"


def hostile_log(folder: Path, name: str) -> Path:
    """A small PER log whose first signal's name and unit hold bidi, zero-width and C1."""
    lines = [
        "PER Log: Wed Apr 01 14:05:09 2026 v2.0",
        f"Value Speed{IN_LOG} (m/s{IN_LOG}) ({SPEED}): 1",
        "Value Torque (Nm) (pcm.motor.torque): 2",
    ]
    lines += [f"{1_000 + row * 2_000},{row % 2 + 1},{(row % 7) - 3}" for row in range(400)]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["health"],
        ["stats", "{log}", SPEED, "pcm.motor.torque"],
        ["plot", "{log}", SPEED, "--width", "60", "--height", "10"],
        ["compare", "{log}", "{other}", "--signal", SPEED, "--metadata", "driver"],
    ],
    ids=["health", "stats", "plot", "compare"],
)
def test_commands_on_a_hostile_log_print_clean_text(
    command: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PERDA_CONFIG_DIR", str(tmp_path / "config"))
    log, other = hostile_log(tmp_path, "a.csv"), hostile_log(tmp_path, "b.csv")
    metadata = {"string_metadata": {"driver": HOSTILE, HOSTILE: HOSTILE}, "tags": [HOSTILE]}
    log.with_suffix(".meta.json").write_text(json.dumps(metadata), encoding="utf-8")
    args = [a.format(log=log, other=other) for a in command]
    if args == ["health"]:
        args.append(str(log))
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert_clean(out)
    assert_clean(err)
    assert "car.speedgpj31m!" in out  # the name is shown, without what would hide or move it
    if command[0] == "compare":
        assert "Endurance" in out and "gpj.exe" in out
