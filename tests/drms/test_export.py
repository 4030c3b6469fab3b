"""Export lifecycle against the local server: pending → done, failures, timeouts, downloads."""

import threading
from pathlib import Path

import pytest

from perda_tui.clients.drms import (
    DownloadCancelledError,
    DrmsDownloadError,
    DrmsExportError,
    ExportJob,
    ExportTimeoutError,
    safe_filename,
)

EMAIL = "team@example.org"
QUERY = "hmi.M_45s[2024.01.01_00:00_TAI/3m]"


def test_pending_then_done_with_backoff(client, drms_server, tmp_path: Path) -> None:
    drms_server.pending_polls = 3
    job = ExportJob.submit(client, QUERY, EMAIL, method="url", protocol="fits")
    assert job.requestid == "JSOC_20260101_000001" and job.status.status == 2
    seen = []
    final = job.wait(first_delay=0.01, factor=2, on_status=seen.append, timeout=10)
    assert [s.status for s in seen] == [1, 1, 1, 0]
    assert final.done and final.describe() == "JSOC_20260101_000001: status 0 (done)"
    assert len(drms_server.requests_to("jsoc_fetch")) == 5
    progress = []
    paths = job.download(tmp_path, progress=progress.append)
    assert [p.name for p in paths] == [
        f"hmi.m_45s.20240101_{t}_TAI.magnetogram.fits"
        for t in ("000000", "000045", "000130", "000215")
    ]
    assert all(p.parent == tmp_path / "JSOC_20260101_000001" for p in paths)
    assert all(p.stat().st_size == drms_server.file_size for p in paths)
    finals = [p for p in progress if p.done_bytes == p.total_bytes]
    assert [(p.index, p.count) for p in finals] == [(0, 4), (1, 4), (2, 4), (3, 4)]
    assert not list(tmp_path.rglob("*.part"))


def test_server_wait_is_respected_but_capped(client, drms_server) -> None:
    drms_server.server_wait = 5
    drms_server.pending_polls = 0
    job = ExportJob.submit(client, QUERY, EMAIL, method="url")
    with pytest.raises(ExportTimeoutError, match="JSOC_20260101_000001: status 2") as info:
        job.wait(first_delay=0.01, max_delay=2, timeout=1)
    assert info.value.requestid == "JSOC_20260101_000001"
    assert len(drms_server.requests_to("jsoc_fetch")) == 1  # gave up before sleeping 2 s


def test_pending_then_failure(client, drms_server) -> None:
    drms_server.export_failure = (25, "Data offline; operator intervention needed")
    job = ExportJob.submit(client, QUERY, EMAIL, method="url")
    with pytest.raises(
        DrmsExportError, match=r"operator intervention needed \[status=25\]"
    ) as info:
        job.wait(first_delay=0.01)
    assert info.value.requestid == "JSOC_20260101_000001"
    assert job.status.status == 25 and job.status.raw["contact"] == "jsoc@sun.stanford.edu"


@pytest.mark.parametrize(
    ("query", "email", "message"),
    [
        (
            "hmi.nope[$]",
            EMAIL,
            r"Cannot export series 'hmi.nope' - it does not exist. \[status=4\]",
        ),
        ("hmi.M_45s[2024.01.01_TAI/1d]", EMAIL, r"max byte limit .*\[status=3\]"),
        (QUERY, "stranger@example.org", r"not registered"),
    ],
)
def test_request_failures(client, query, email, message) -> None:
    with pytest.raises(DrmsExportError, match=message):
        ExportJob.submit(client, query, email, method="url")


def test_unknown_request_id_gives_up_after_retries(client, drms_server) -> None:
    job = ExportJob.from_id(client, "JSOC_20990101_000001")
    assert job.status.pending and job.status.status == 6
    with pytest.raises(DrmsExportError, match=r"Cant locate export request.*\[status=6\]"):
        job.wait(first_delay=0.001, factor=1, retries_notfound=2)
    assert len(drms_server.requests_to("jsoc_fetch")) == 4


def test_quick_export_names_files_after_records(client, tmp_path: Path) -> None:
    job = ExportJob.submit(client, QUERY, EMAIL)
    assert job.status.done and job.requestid is None
    assert job.files()[0].url.endswith("/S00000/magnetogram.fits")
    paths = job.download(tmp_path)
    assert [p.name for p in paths] == [
        f"hmi.m_45s.20240101_{t}_TAI.magnetogram.fits"
        for t in ("000000", "000045", "000130", "000215")
    ]
    assert paths[0].parent.name == f"url_quick_{job.created:%Y%m%d_%H%M%S}"


def test_each_quick_export_gets_its_own_folder(client, tmp_path: Path) -> None:
    first, second = ExportJob.submit(client, QUERY, EMAIL), ExportJob.submit(client, QUERY, EMAIL)
    second.created = first.created  # the same second: the name is still not shared
    one, two = first.download(tmp_path), second.download(tmp_path)
    assert one[0].parent != two[0].parent
    assert two[0].parent.name == f"url_quick_{first.created:%Y%m%d_%H%M%S}_2"
    assert [p.name for p in one] == [p.name for p in two]


def test_existing_files_are_replaced_only_with_overwrite(client, tmp_path: Path) -> None:
    job = ExportJob.submit(client, QUERY, EMAIL, method="url")
    job.wait(first_delay=0.01)
    assert job.existing(tmp_path) == []
    kept = job.folder(tmp_path) / job.files()[0].filename
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"keep me")
    assert job.existing(tmp_path) == [kept]
    paths = job.download(tmp_path)
    assert kept.read_bytes() == b"keep me" and paths[0].name == kept.name + ".1"
    paths = job.download(tmp_path, overwrite=True)
    assert paths[0] == kept and kept.read_bytes() != b"keep me"


def test_tar_export_downloads_one_file(client, tmp_path: Path) -> None:
    job = ExportJob.submit(client, QUERY, EMAIL, method="url-tar", protocol="fits")
    job.wait(first_delay=0.01)
    assert [p.name for p in job.download(tmp_path)] == ["JSOC_20260101_000001.tar"]


def test_missing_file_is_an_error_not_none(client, drms_server, tmp_path: Path) -> None:
    drms_server.missing_files = {"hmi.m_45s.20240101_000045_TAI.magnetogram.fits"}
    job = ExportJob.submit(client, QUERY, EMAIL, method="url")
    job.wait(first_delay=0.01)
    with pytest.raises(DrmsDownloadError, match=r"1 file.*000045.*404") as info:
        job.download(tmp_path)
    assert [name for name, _ in info.value.failures] == [
        "hmi.m_45s.20240101_000045_TAI.magnetogram.fits"
    ]
    assert len(list((tmp_path / job.requestid).iterdir())) == 3  # the others are kept


def test_hostile_file_names_stay_in_the_cache(client, drms_server, tmp_path: Path) -> None:
    drms_server.hostile_names = True
    job = ExportJob.submit(client, QUERY, EMAIL, method="url")
    job.wait(first_delay=0.01)
    assert job.files()[0].filename.startswith("../../../")
    cache = tmp_path / "cache"
    paths = job.download(cache)
    assert len(paths) == 4
    assert all(p.resolve().is_relative_to(cache.resolve()) for p in paths)
    assert list(tmp_path.iterdir()) == [cache]


def test_cancel_stops_download_and_removes_partial(client, drms_server, tmp_path: Path) -> None:
    drms_server.file_size = 4_000_000
    job = ExportJob.submit(client, QUERY, EMAIL, method="url")
    job.wait(first_delay=0.01)
    cancel = threading.Event()
    with pytest.raises(DownloadCancelledError):
        job.download(tmp_path, progress=lambda p: cancel.set(), cancel=cancel)
    assert list((tmp_path / job.requestid).iterdir()) == []


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..", "file"),
        ("C:\\Windows\\evil.fits", "evil.fits"),
        (".hidden", "hidden"),
        ("a b;c.fits", "a_b_c.fits"),
    ],
)
def test_safe_filename(name, safe) -> None:
    assert safe_filename(name) == safe
