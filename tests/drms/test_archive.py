"""DrmsArchive typed helpers: series, structure, count, records, email check, error statuses."""

import pandas as pd
import pytest

from perda_tui.clients.drms import (
    KIS,
    DrmsArchive,
    DrmsQueryError,
    DrmsResponseError,
    UnsupportedOperationError,
    custom_server,
    parse_drms_times,
    series_name,
)


@pytest.fixture
def archive(client) -> DrmsArchive:
    return DrmsArchive(client)


def test_series_with_wrapper_has_descriptions(archive) -> None:
    found = archive.series(r"_45s$")
    assert [s.name for s in found] == ["hmi.M_45s", "hmi.V_45s", "hmi.Ic_45s"]
    assert found[1].note == "Dopplergrams with a cadence of 45 seconds."


def test_series_with_show_series_has_primekeys(drms_server) -> None:
    archive = DrmsArchive(custom_server(drms_server.cgi_url))
    found = archive.series("mdi")
    assert [(s.name, s.primekeys) for s in found] == [("mdi.fd_M_96m_lev182", ("T_REC",))]
    assert drms_server.requests[-1].cgi == "show_series"


def test_structure_is_typed_and_cached(archive, drms_server) -> None:
    structure = archive.structure("hmi.M_720s[2024.01.01_TAI]{magnetogram}")
    assert structure.name == "hmi.M_720s"  # as asked; the request itself is lower case
    assert drms_server.requests[-1].params == {"op": "series_struct", "ds": "hmi.m_720s"}
    assert structure.primekeys == ("T_REC",)
    assert structure.keyword("datamean").units == "Gauss"
    assert [k.name for k in structure.numeric_keywords] == [
        "DATAMEAN", "DATARMS", "QUALITY", "CAMERA", "EXPTIME",
    ]  # fmt: skip
    assert structure.segments[0].dims == "4096x4096"
    assert structure.first_record == "hmi.M_720s[2010.05.01_00:00:00_TAI]"
    before = len(drms_server.requests)
    assert archive.structure("HMI.M_720S") is structure
    assert len(drms_server.requests) == before


def test_unknown_series_raises_with_server_message(archive) -> None:
    with pytest.raises(DrmsQueryError, match=r"series not found \[status=1\]") as info:
        archive.structure("hmi.nothing")
    assert info.value.status == 1
    with pytest.raises(DrmsQueryError, match="series not found"):
        archive.count("hmi.nothing[$]")


def test_count_and_records(archive) -> None:
    query = "hmi.M_45s[2024.01.01_00:00_TAI/1h]"
    assert archive.count(query) == 80
    frame = archive.records(query, ["T_REC", "DATAMEAN", "DATARMS", "QUALITY", "TELESCOP"], n=50)
    assert len(frame) == 50
    assert frame["T_REC"].iloc[1] == pd.Timestamp("2024-01-01 00:00:45")
    assert frame["DATAMEAN"].dtype == "float64"
    assert frame["DATARMS"].isna().sum() == 1  # one MISSING value
    assert sorted(set(frame["QUALITY"])) == [0, 0x400]  # "0x00000400" strings parsed
    assert set(frame["TELESCOP"]) == {"HMI"}


def test_records_of_empty_set(archive) -> None:
    frame = archive.records("hmi.M_45s[2024.01.01_00:00:10_TAI]", "T_REC,DATAMEAN")
    assert list(frame.columns) == ["T_REC", "DATAMEAN"] and frame.empty


def test_check_email(archive) -> None:
    assert archive.check_email("alice@example.org").registered
    check = archive.check_email("bob@example.org")
    assert check.status == 4 and "neither been validated" in check.message
    assert archive.check_email("bob").status == -2


def test_kis_supports_no_email_or_export() -> None:
    archive = DrmsArchive(KIS)
    with pytest.raises(UnsupportedOperationError, match="does not support email"):
        archive.check_email("alice@example.org")
    assert KIS.supports("query") and not KIS.supports("export")


def test_parse_drms_times() -> None:
    parsed = parse_drms_times(
        pd.Series(
            [
                "2024.01.01_00:00:45_TAI",
                "2024.01.01_00:01:30.50_TAI",
                "MISSING",
                "2024-01-02T03:04:05Z",
            ]
        )
    )
    assert parsed.iloc[0] == pd.Timestamp("2024-01-01 00:00:45")
    assert parsed.iloc[1] == pd.Timestamp("2024-01-01 00:01:30.5")
    assert pd.isna(parsed.iloc[2])
    assert parsed.iloc[3] == pd.Timestamp("2024-01-02 03:04:05")


def test_series_name() -> None:
    assert series_name(" hmi.M_45s[2024.01.01]{magnetogram}") == "hmi.M_45s"
    with pytest.raises(ValueError, match="not a record-set query"):
        series_name("[oops]")


def test_inconsistent_record_list_is_a_response_error(archive, drms_server) -> None:
    drms_server.ragged_lists = True
    with pytest.raises(DrmsResponseError, match="inconsistent"):
        archive.records("hmi.M_45s[2024.01.01_TAI/1h]", "T_REC,DATAMEAN")
