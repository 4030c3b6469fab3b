"""Listing: S3 listing merged with metadata, folders versus files, pagination, printing."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from perda_tui.clients.dataserver import LogEntry, ServerClient, ServerError, gateway
from perda_tui.clients.dataserver.models import merge_listing
from perda_tui.server.runner import RunningDataServer
from perda_tui.units import human_bytes
from tests.fixtures.dataserver import FULL_METADATA, PASSWORD, SAMPLE_TREE


@pytest.fixture
def client(data_server: RunningDataServer) -> Iterator[ServerClient]:
    with ServerClient(data_server.url) as server_client:
        server_client.login(PASSWORD)
        yield server_client


def test_files_carry_their_metadata(client: ServerClient) -> None:
    folder, endurance = client.list_logs("REV 11/")
    assert folder == LogEntry(key="REV 11/2026-04-01/", name="2026-04-01", is_folder=True)
    assert endurance.key == "REV 11/endurance.csv"
    assert endurance.name == "endurance.csv"
    assert not endurance.is_folder
    assert endurance.size == len(SAMPLE_TREE["REV 11/endurance.csv"][0])
    assert endurance.last_modified and endurance.last_modified.endswith("Z")
    assert endurance.title == FULL_METADATA["title"]
    assert endurance.description == FULL_METADATA["description"]
    assert endurance.tags == FULL_METADATA["tags"]
    assert endurance.string_metadata == FULL_METADATA["string_metadata"]
    assert endurance.numeric_metadata == {"laps": 22.0, "max_speed_kph": 97.5, "energy_kwh": 5.8}


def test_a_file_without_metadata_gets_defaults(client: ServerClient) -> None:
    (skidpad,) = client.list_logs("REV 10/")
    assert skidpad.key == "REV 10/skidpad.csv"
    assert (skidpad.title, skidpad.description, skidpad.tags) == ("", "", [])
    assert skidpad.string_metadata == {} and skidpad.numeric_metadata == {}


def test_root_lists_folders_only(client: ServerClient) -> None:
    entries = client.list_logs()
    assert [(e.name, e.is_folder, e.size) for e in entries] == [
        ("REV 10", True, None),
        ("REV 11", True, None),
    ]


def test_print_logs_prints_like_the_seed(
    client: ServerClient, capsys: pytest.CaptureFixture[str]
) -> None:
    client.print_logs("REV 11/")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == 'Logs under "REV 11/"'
    assert out[1] == "=" * 40
    assert out[2] == "[DIR]  2026-04-01/"
    assert out[3] == "[FILE] endurance.csv"
    assert out[4] == '  title: "Endurance"'
    assert out[5] == "  tags: [endurance, dry]"
    size = human_bytes(len(SAMPLE_TREE["REV 11/endurance.csv"][0]))
    assert size.endswith(" KiB")
    assert out[6] == f"  size: {size}"  # binary units as in the app, never "0.0 MB"
    assert out[7].startswith("  modified: ")
    assert out[8].startswith(
        '  desc: "Full endurance run at the spring test day, dry track, 22 laps'
    )
    assert out[9:14] == [
        "  driver: AB",
        "  track: Pitt Race",
        "  laps: 22.0",
        "  max_speed_kph: 97.5",
        "  energy_kwh: 5.8",
    ]
    assert out[-2:] == ["=" * 40, "1 folder, 1 file"]


def test_more_than_a_thousand_logs_are_all_listed(fresh_data_server: RunningDataServer) -> None:
    keys = [f"big/run-{i:04d}.csv" for i in range(1_010)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda key: fresh_data_server.put_log(key, b"x"), keys))
    fresh_data_server.put_log("big/run-1009.csv", b"xy", {"title": "last one"})
    with ServerClient(fresh_data_server.url) as client:
        client.login(PASSWORD)
        entries = client.list_logs("big/")
    assert [e.key for e in entries] == keys
    assert entries[-1].title == "last one"
    assert entries[-1].size == 2


def test_one_bad_metadata_field_does_not_sink_the_listing() -> None:
    listing = [
        {"key": "a.csv", "name": "a.csv", "isFolder": False, "size": "12", "lastModified": 5},
        {"key": "b.csv", "name": None, "isFolder": "no", "size": -1},
        {"name": "no key"},
        "not an object",
    ]
    metadata = [
        {
            "log_key": "a.csv",
            "title": None,
            "description": "ok",
            "tags": ["x", 1, None],
            "string_metadata": {"driver": "AB", "car": 11, "bad": [1]},
            "numeric_metadata": {"laps": "22", "bad": "fast", "nan": "nan", "flag": True},
        },
        {"log_key": "b.csv", "tags": "not-a-list", "numeric_metadata": []},
        {"log_key": 7},
    ]
    a, b = merge_listing(listing, metadata)
    assert a == LogEntry(
        key="a.csv",
        name="a.csv",
        is_folder=False,
        size=12,
        last_modified=None,
        description="ok",
        tags=["x"],
        string_metadata={"driver": "AB", "car": "11"},
        numeric_metadata={"laps": 22.0},
    )
    assert b == LogEntry(key="b.csv", name="b.csv", is_folder=False, size=None)


def test_a_listing_that_is_not_a_list_is_a_server_error() -> None:
    with pytest.raises(ServerError, match="not a JSON array"):
        merge_listing({"key": "a"}, [])


def test_an_oversized_answer_is_refused(
    client: ServerClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gateway, "MAX_ANSWER_BYTES", 64)
    with pytest.raises(ServerError, match="answer is larger than 64 bytes"):
        client.list_logs("REV 11/")
