"""Fidelity: the real `drms` package accepts the local server, and our client matches it.

drms 0.9.0 (`drms.Client` with a custom `ServerConfig`) lists series, reads a structure,
queries keywords and runs an export with downloads against the local server; our client
sends the same query parameters and gets the same JSON for the same calls.
"""

from pathlib import Path
from urllib.parse import urlsplit

import drms
import pandas as pd
import pytest

from perda_tui.clients.drms import DrmsArchive, ExportJob
from tests.drms.server import DrmsTestServer

EMAIL = "team@example.org"
QUERY = "hmi.M_45s[2024.01.01_00:00_TAI/10m]"


def drms_config(server: DrmsTestServer) -> drms.ServerConfig:
    return drms.ServerConfig(
        name="LOCALTEST",
        cgi_baseurl=server.cgi_url,
        cgi_show_series="show_series",
        cgi_jsoc_info="jsoc_info",
        cgi_jsoc_fetch="jsoc_fetch",
        cgi_check_address="checkAddress.sh",
        cgi_show_series_wrapper="showextseries",
        show_series_wrapper_dbhost="hmidb2",
        http_download_baseurl=server.download_url,
    )


@pytest.fixture
def theirs(drms_server: DrmsTestServer) -> drms.Client:
    return drms.Client(drms_config(drms_server), email=EMAIL)


CALLS = [
    ("show_series", (r"hmi\.v",), {}),
    ("show_series", (), {}),
    ("show_series_wrapper", ("45s",), {"info": True}),
    ("series_struct", ("hmi.m_720s",), {}),
    ("series_struct", ("hmi.unknown",), {}),
    ("rs_summary", (QUERY,), {}),
    ("rs_list", (QUERY,), {"key": "T_REC,DATAMEAN,QUALITY", "seg": "magnetogram", "n": 3}),
    ("rs_list", (QUERY,), {"key": ["**ALL**"], "recinfo": True, "n": -2}),
    ("rs_list", ("hmi.M_45s[2024.01.01_00:00:10_TAI]",), {"key": "T_REC"}),
    ("check_address", (EMAIL,), {}),
    ("check_address", ("nobody@example.org",), {}),
    ("exp_request", (QUERY, EMAIL), {"method": "url_quick"}),
    ("exp_request", (QUERY, EMAIL), {"method": "url-tar", "protocol": "fits", "n": 2}),
    ("exp_status", ("JSOC_20260101_000009",), {}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), CALLS, ids=[c[0] for c in CALLS])
def test_same_json_and_parameters(drms_server, client, theirs, name, args, kwargs) -> None:
    mine = getattr(client, name)(*args, **kwargs)
    mine_request = drms_server.requests[-1]
    reference = getattr(theirs._json, name)(*args, **kwargs)
    reference_request = drms_server.requests[-1]
    if name == "exp_request" and mine.get("requestid"):
        # each request gets the next id; everything else must match
        assert mine.pop("requestid") != reference.pop("requestid")
    assert mine == reference
    assert mine_request.path == reference_request.path
    ours = [(k, v) for k, v in mine_request.query if k != "requestor"]
    assert ours == [(k, v) for k, v in reference_request.query if k != "requester"]


def test_drms_client_series_info_query(theirs, client) -> None:
    archive = DrmsArchive(client)
    assert theirs.series(r"hmi\.m_") == ["hmi.M_45s", "hmi.M_720s"]
    full = theirs.series("hmi", full=True)
    mine = archive.series("hmi")
    assert list(full.name) == [s.name for s in mine]
    assert list(full.note) == [s.note for s in mine]

    info = theirs.info("hmi.M_45s")
    structure = archive.structure("hmi.M_45s")
    assert info.primekeys == list(structure.primekeys)
    assert list(info.keywords.index) == [k.name for k in structure.keywords]
    assert list(info.keywords.is_numeric) == [k.is_numeric for k in structure.keywords]
    assert list(info.segments.index) == [s.name for s in structure.segments]

    keys = "T_REC,DATAMEAN,DATARMS"
    reference = theirs.query(QUERY, key=keys, n=12)
    frame = archive.records(QUERY, keys, n=12)
    pd.testing.assert_series_equal(frame["DATAMEAN"], reference["DATAMEAN"])
    pd.testing.assert_series_equal(frame["DATARMS"], reference["DATARMS"])  # MISSING → NaN
    expected_times = drms.to_datetime(reference["T_REC"])
    assert list(frame["T_REC"]) == list(expected_times)
    assert theirs.check_email(EMAIL) and archive.check_email(EMAIL).registered


def test_drms_export_and_ours_download_the_same_files(
    drms_server, theirs, client, tmp_path: Path
) -> None:
    request = theirs.export(QUERY, method="url", protocol="fits")
    assert request.wait(sleep=0.05, timeout=10)
    (tmp_path / "drms").mkdir()
    reference = request.download(str(tmp_path / "drms"))
    assert reference.download.notna().all()

    job = ExportJob.submit(client, QUERY, EMAIL, method="url", protocol="fits")
    job.wait(first_delay=0.01, timeout=10)
    paths = job.download(tmp_path / "ours")
    assert all(p.parent == tmp_path / "ours" / job.requestid for p in paths)
    assert [p.name for p in paths] == [Path(p).name for p in reference.download]
    for path, item in zip(paths, job.files(), strict=True):
        assert path.read_bytes() == drms_server.files[urlsplit(item.url).path]
    assert [p.stat().st_size for p in paths] == [Path(p).stat().st_size for p in reference.download]
    assert [f.record for f in job.files()] == list(request.urls.record)


def test_quick_export_urls_and_names_match(theirs, client, tmp_path: Path) -> None:
    request = theirs.export(QUERY)
    job = ExportJob.submit(client, QUERY, EMAIL)
    assert job.requestid is None and request.id is None
    assert [f.url for f in job.files()] == list(request.urls.url)
    (tmp_path / "drms").mkdir()
    reference = request.download(str(tmp_path / "drms"))
    ours = job.download(tmp_path / "ours")
    assert [p.name for p in ours] == [Path(p).name for p in reference.download]
