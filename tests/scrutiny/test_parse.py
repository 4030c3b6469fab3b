"""Wire JSON of both server generations → immutable models (captured messages)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest

from perda_tui.clients.scrutiny import (
    DataloggerState,
    DataloggingInfo,
    DeviceCommState,
    DeviceLinkType,
    MemoryRegion,
    RawLinkConfig,
    SerialLinkConfig,
    UDPLinkConfig,
)
from perda_tui.clients.scrutiny.parse import (
    BadMessage,
    parse_device_info,
    parse_sfd,
    parse_status,
    parse_value_updates,
)

STATUS_016 = json.loads(
    '{"cmd":"inform_server_status","reqid":113,"device_status":"connected_ready",'
    '"device_session_id":"0a4ed724ac074aa9924cc3ec02e5f85c",'
    '"loaded_sfd_firmware_id":"deadbeefc001d00d0ff1cebaadf00d00",'
    '"datalogging_status":{"datalogging_state":"standby","completion_ratio":null},'
    '"device_comm_link":{"link_type":"dummy","link_operational":true,"link_config":{},"demo_mode":true}}'
)
STATUS_010 = json.loads(
    '{"cmd":"inform_server_status","reqid":101,"device_status":"connected_ready",'
    '"device_session_id":"d1a46892207f4b79a7a1adeaf42ebd51","device_info":{'
    '"device_id":"000102030405060708090a0b0c0d0e0f","display_name":"EmulatedDevice",'
    '"max_tx_data_size":128,"max_rx_data_size":128,"max_bitrate_bps":100000,"rx_timeout_us":50000,'
    '"heartbeat_timeout_us":3000000,"address_size_bits":32,"protocol_major":1,"protocol_minor":0,'
    '"supported_feature_map":{"memory_write":true,"datalogging":true,"user_command":true,"_64bits":false},'
    '"forbidden_memory_regions":[],"readonly_memory_regions":[]},"loaded_sfd":null,'
    '"device_datalogging_status":{"datalogger_state":"standby","completion_ratio":null},'
    '"device_comm_link":{"link_type":"thread_safe_dummy","link_config":{}}}'
)


def test_016_status_names_its_details_for_separate_fetching() -> None:
    status = parse_status(STATUS_016)
    assert status.comm_state == DeviceCommState.ConnectedReady
    assert status.session_id == "0a4ed724ac074aa9924cc3ec02e5f85c"
    assert not status.device_inline and not status.sfd_inline
    assert status.sfd_firmware_id == "deadbeefc001d00d0ff1cebaadf00d00"
    assert status.datalogging.state == DataloggerState.Standby
    assert status.link.type == DeviceLinkType._Dummy
    assert status.link.operational is True and status.link.demo_mode is True


def test_010_status_carries_the_device_inline() -> None:
    status = parse_status(STATUS_010)
    assert status.device_inline and status.sfd_inline and status.sfd is None
    device = status.device
    assert device is not None
    assert device.display_name == "EmulatedDevice"
    assert device.heartbeat_timeout == pytest.approx(3.0)  # µs on the wire, seconds here
    assert device.supported_features.sixtyfour_bits is False
    assert device.forbidden_memory_regions == ()
    assert status.link.type == DeviceLinkType._DummyThreadSafe
    assert status.link.operational is None


def test_models_are_immutable() -> None:
    status = parse_status(STATUS_010)
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.device.display_name = "other"  # type: ignore[misc,union-attr]


def test_unknown_enum_strings_become_na_and_the_status_is_kept() -> None:
    message = dict(STATUS_016, device_status="hyperspace")
    message["datalogging_status"] = {"datalogging_state": "dreaming", "completion_ratio": 1}
    message["device_comm_link"] = {"link_type": "pigeon", "link_config": {"wings": 2}}
    status = parse_status(message)
    assert status.comm_state == DeviceCommState.NA
    assert status.datalogging.state == DataloggerState.NA
    assert status.datalogging.completion_ratio == 1.0  # 0.16 sends ints 0/1
    assert status.link.type == DeviceLinkType.NA and status.link.config is None


def test_session_id_only_kept_when_ready() -> None:
    message = dict(STATUS_016, device_status="connecting")
    assert parse_status(message).session_id is None


@pytest.mark.parametrize(
    "change",
    [
        {"device_comm_link": "udp"},
        {"device_session_id": 12},
    ],
)
def test_malformed_status_raises_bad_message(change: dict[str, object]) -> None:
    with pytest.raises(BadMessage):
        parse_status(dict(STATUS_016, **change))


@pytest.mark.parametrize("ratio", ["half", 10**400, True])
def test_bad_completion_ratio_is_dropped_and_the_state_kept(
    ratio: object, caplog: pytest.LogCaptureFixture
) -> None:
    raw = {"datalogging_state": "acquiring", "completion_ratio": ratio}
    status = parse_status(dict(STATUS_016, datalogging_status=raw))
    assert status.datalogging == DataloggingInfo(DataloggerState.Acquiring, None)
    assert "completion ratio" in caplog.text


def test_memory_regions_use_inclusive_end() -> None:
    raw = dict(
        STATUS_010["device_info"],
        forbidden_memory_regions=[{"start": 0, "end": 4095, "size": 4096}],
    )
    region = parse_device_info(raw).forbidden_memory_regions[0]
    assert region == MemoryRegion(start=0, size=4096) and region.end == 4095


@pytest.mark.parametrize(
    "change",
    [
        {"address_size_bits": 12},
        {"forbidden_memory_regions": [{"start": 10, "end": 5}]},
        {"max_tx_data_size": True},
        {"supported_feature_map": {"memory_write": True}},
    ],
)
def test_invalid_device_info_is_rejected(change: dict[str, object]) -> None:
    with pytest.raises(BadMessage):
        parse_device_info(dict(STATUS_010["device_info"], **change))


def test_sfd_metadata_with_generation_time() -> None:
    sfd = parse_sfd(
        {
            "firmware_id": "abc",
            "metadata": {
                "project_name": "Demo",
                "author": 3,
                "generation_info": {"time": 1795312329, "scrutiny_version": "0.16.0"},
            },
        }
    )
    assert sfd is not None and sfd.metadata is not None
    assert sfd.metadata.project_name == "Demo" and sfd.metadata.author is None
    assert sfd.metadata.generation_info is not None
    assert sfd.metadata.generation_info.timestamp == datetime.fromtimestamp(1795312329, UTC)


def test_link_configs_become_models() -> None:
    udp = dict(
        STATUS_016,
        device_comm_link={"link_type": "udp", "link_config": {"host": "10.0.0.2", "port": 8765}},
    )
    assert parse_status(udp).link.config == UDPLinkConfig("10.0.0.2", 8765)
    serial = {
        "portname": "/dev/ttyUSB0",
        "baudrate": 115200,
        "stopbits": "1",
        "databits": 8,
        "parity": "none",
    }
    message = dict(STATUS_016, device_comm_link={"link_type": "serial", "link_config": serial})
    assert parse_status(message).link.config == SerialLinkConfig("/dev/ttyUSB0", 115200)
    rtt = dict(
        STATUS_016,
        device_comm_link={
            "link_type": "rtt",
            "link_config": {"target_device": "X", "buffer_index": 0},
        },
    )
    assert parse_status(rtt).link.config == RawLinkConfig(
        (("target_device", "X"), ("buffer_index", "0"))
    )


def test_value_updates_of_both_generations() -> None:
    new = {
        "updates": [
            {"id": "0", "v": 0.5, "t": 33988238.674},
            {"id": "1", "v": None, "t": 1, "r": "forbidden"},
        ]
    }
    assert parse_value_updates(new) == [("0", 0.5, 33988238.674), ("1", None, 1.0)]
    old = {"updates": [{"id": "9f3a", "value": 7}]}
    assert parse_value_updates(old) == [("9f3a", 7, None)]
    with pytest.raises(BadMessage):
        parse_value_updates({"updates": "none"})
    bad = [{"id": "0", "v": [1, 2]}, {"id": "1", "v": 10**400}, {"id": 2, "v": 1}]
    bad += [{"id": "3", "v": 1, "t": 10**400}, {"id": "4", "v": 1, "t": float("inf")}]
    assert parse_value_updates({"updates": [*bad, {"id": "5", "v": 1}]}) == [("5", 1, None)]
