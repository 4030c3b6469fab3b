"""HttpJsonClient against the local DRMS server: URLs, parameters, validation and failures."""

import logging

import pytest

from perda_tui.clients.drms import (
    KIS,
    DrmsConnectionError,
    DrmsHttpError,
    DrmsResponseError,
    DrmsTimeoutError,
    HttpJsonClient,
    UnsupportedOperationError,
    custom_server,
)
from tests.drms.server import DrmsTestServer


def last(server: DrmsTestServer) -> tuple[str, list[tuple[str, str]]]:
    request = server.requests[-1]
    return request.cgi, list(request.query)


def test_show_series_without_filter_sends_no_query(client, drms_server) -> None:
    answer = client.show_series()
    assert answer["status"] == 0
    assert [n["name"] for n in answer["names"]][:2] == ["hmi.M_45s", "hmi.M_720s"]
    assert drms_server.requests[-1].raw_query == ""
    assert last(drms_server) == ("show_series", [])


def test_show_series_filter(client, drms_server) -> None:
    answer = client.show_series(r"hmi\.m_")
    assert [n["name"] for n in answer["names"]] == ["hmi.M_45s", "hmi.M_720s"]
    assert last(drms_server) == ("show_series", [("filter", r"hmi\.m_")])


def test_show_series_wrapper_params(client, drms_server) -> None:
    assert client.show_series_wrapper("Ic")["seriesList"] == ["hmi.Ic_45s"]
    assert last(drms_server) == ("showextseries", [("dbhost", "hmidb2"), ("filter", "Ic")])
    answer = client.show_series_wrapper(info=True)
    assert answer["seriesList"][0] == {
        "hmi.M_45s": {"description": "Line-of-sight magnetograms with a cadence of 45 seconds."}
    }
    assert last(drms_server) == ("showextseries", [("dbhost", "hmidb2"), ("info", "1")])


def test_series_struct(client, drms_server) -> None:
    answer = client.series_struct("hmi.V_45s")
    assert answer["primekeys"] == ["T_REC"]
    assert answer["segments"][0]["name"] == "Dopplergram"
    assert last(drms_server) == ("jsoc_info", [("op", "series_struct"), ("ds", "hmi.V_45s")])


def test_rs_summary(client, drms_server) -> None:
    answer = client.rs_summary("hmi.M_45s[2024.01.01_00:00_TAI/1h]")
    assert answer == {"count": 80, "runtime": 0.012, "status": 0}
    assert last(drms_server) == (
        "jsoc_info",
        [("op", "rs_summary"), ("ds", "hmi.M_45s[2024.01.01_00:00_TAI/1h]")],
    )


def test_rs_list_all_parameters(client, drms_server) -> None:
    answer = client.rs_list(
        "hmi.M_45s[2024.01.01_TAI/1d@6h]",
        key="T_REC DATAMEAN,  QUALITY",
        seg=["magnetogram"],
        link="MHARP",
        recinfo=True,
        n=-2,
        uid="abc",
    )
    assert answer["count"] == 2
    assert answer["keywords"][0]["values"] == ["2024.01.01_12:00:00_TAI", "2024.01.01_18:00:00_TAI"]
    assert answer["recinfo"][0] == {"name": "hmi.M_45s[2024.01.01_12:00:00_TAI]", "online": 1}
    assert last(drms_server) == (
        "jsoc_info",
        [
            ("op", "rs_list"),
            ("ds", "hmi.M_45s[2024.01.01_TAI/1d@6h]"),
            ("key", "T_REC,DATAMEAN,QUALITY"),
            ("seg", "magnetogram"),
            ("link", "MHARP"),
            ("R", "1"),
            ("n", "-2"),
            ("userhandle", "abc"),
        ],
    )


def test_rs_list_needs_key_seg_or_link(client, drms_server) -> None:
    with pytest.raises(ValueError, match="At least one key"):
        client.rs_list("hmi.M_45s[$]")
    assert drms_server.requests == []


def test_check_address_double_encodes(client, drms_server) -> None:
    assert client.check_address("team@example.org")["status"] == 2
    assert drms_server.requests[-1].raw_query == "address=team%2540example.org&checkonly=1"
    assert client.check_address("stranger@example.org")["status"] == 4
    assert client.check_address("not an address")["status"] == -2


def test_exp_request_params_and_answer(client, drms_server) -> None:
    answer = client.exp_request(
        "hmi.M_45s[2024.01.01_00:00_TAI/3m]",
        "team@example.org",
        method="url_quick",
        protocol="fits",
        filenamefmt="{seriesname}.{T_REC:A}.{segment}",
        process={"rebin": {"method": "boxcar", "scale": 0.25}},
        n=2,
    )
    assert answer["status"] == 2 and answer["requestid"] == "JSOC_20260101_000001"
    request = drms_server.requests[-1]
    assert "process%3Dn=2%7Crebin" in request.raw_query
    assert list(request.query) == [
        ("op", "exp_request"),
        ("format", "json"),
        ("ds", "hmi.M_45s[2024.01.01_00:00_TAI/3m]"),
        ("notify", "team@example.org"),
        ("method", "url"),  # url_quick with a protocol other than as-is becomes url
        ("protocol", "fits"),
        ("filenamefmt", "{seriesname}.{T_REC:A}.{segment}"),
        ("process=n", "2|rebin,method=boxcar,scale=0.25"),
        ("requestor", "team"),
    ]


def test_exp_request_image_protocol_and_requestor(client, drms_server) -> None:
    client.exp_request(
        "hmi.M_45s[$]",
        "team@example.org",
        protocol="jpg",
        protocol_args={"ct": "heat.sao", "min": -100, "max": 100},
        requestor=False,
    )
    params = drms_server.requests[-1].params
    assert params["protocol"] == "jpg,CT=heat.sao,scaling=MINMAX,size=1,min=-100,max=100"
    assert "requestor" not in params
    client.exp_request("hmi.M_45s[$]", "team@example.org", requestor="perda")
    assert drms_server.requests[-1].params["requestor"] == "perda"


def test_exp_status(client, drms_server) -> None:
    requestid = client.exp_request("hmi.M_45s[$]", "team@example.org", method="url")["requestid"]
    assert client.exp_status(requestid)["status"] == 1
    assert last(drms_server) == ("jsoc_fetch", [("op", "exp_status"), ("requestid", requestid)])
    assert client.exp_status("JSOC_20990101_000999")["status"] == 6
    assert client.exp_status("nonsense")["error"] == "Bad RequestID 'nonsense' provided."


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "ftp"}, "Method ftp is not supported"),
        ({"protocol": "png"}, "Protocol png is not supported"),
        ({"protocol": "fits", "protocol_args": {"ct": "x"}}, "protocol_args not supported"),
        ({"protocol": "jpg", "protocol_args": {"colour": "x"}}, "Unknown protocol argument"),
        ({"process": {"rm -rf": {}}}, "not one of the allowed processing options"),
        ({"n": "10"}, "n must be an integer"),
    ],
)
def test_exp_request_validation(client, drms_server, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        client.exp_request("hmi.M_45s[$]", "team@example.org", **kwargs)
    assert drms_server.requests == []


def test_empty_arguments_rejected(client, drms_server) -> None:
    with pytest.raises(ValueError, match="ds must be"):
        client.series_struct("  ")
    with pytest.raises(ValueError, match="notify must be"):
        client.exp_request("hmi.M_45s[$]", "team")
    assert drms_server.requests == []


def test_cgi_missing_on_server_is_value_error() -> None:
    with HttpJsonClient(KIS) as kis:
        for call in (
            lambda: kis.check_address("team@example.org"),
            lambda: kis.exp_request("hmi.M_45s[$]", "team@example.org"),
            lambda: kis.exp_status("JSOC_20260101_000001"),
            lambda: kis.show_series_wrapper(),
        ):
            with pytest.raises(UnsupportedOperationError, match="KIS"):
                call()
    assert issubclass(UnsupportedOperationError, ValueError)


def test_server_ids_and_urls() -> None:
    assert HttpJsonClient("KIS").server is KIS
    with pytest.raises(ValueError, match="unknown DRMS server 'nowhere'"):
        HttpJsonClient("nowhere")
    with pytest.raises(ValueError, match="not an http"):
        custom_server("ftp://example.org/cgi-bin/")
    local = custom_server("http://127.0.0.1:9/cgi-bin/ajax")
    assert local.url("cgi_jsoc_info") == "http://127.0.0.1:9/cgi-bin/ajax/jsoc_info"
    assert local.http_download_baseurl == "http://127.0.0.1:9/"


def test_http_500_carries_server_message(client, drms_server) -> None:
    drms_server.http_error = 500
    with pytest.raises(DrmsHttpError, match=r"HTTP 500.*500 Internal Server Error") as info:
        client.rs_summary("hmi.M_45s[$]")
    assert info.value.status_code == 500
    assert "op=rs_summary" in info.value.url


def test_html_body_is_response_error(client, drms_server) -> None:
    drms_server.html_body = True
    with pytest.raises(DrmsResponseError, match="Service maintenance"):
        client.show_series()


def test_timeout(drms_server) -> None:
    from tests.drms.conftest import local_jsoc

    drms_server.delay = 1.0
    with (
        HttpJsonClient(local_jsoc(drms_server), timeout=0.2) as slow,
        pytest.raises(DrmsTimeoutError, match=r"did not answer within 0\.2 s"),
    ):
        slow.show_series()


def test_unreachable_names_the_server() -> None:
    with DrmsTestServer() as gone:
        url = gone.cgi_url
    with (
        HttpJsonClient(custom_server(url, name="offline"), timeout=2.0) as http,
        pytest.raises(DrmsConnectionError, match=f"cannot reach DRMS server offline at {url}"),
    ):
        http.show_series()


def test_error_status_is_returned_as_json(client) -> None:
    answer = client.series_struct("hmi.nothing")
    assert answer == {"status": 1, "error": "Can't open series hmi.nothing: series not found"}


def test_debug_logs_request_urls(client, drms_server, caplog) -> None:
    client.debug = True
    with caplog.at_level(logging.INFO, logger="perda_tui.clients.drms"):
        client.rs_summary("hmi.M_45s[$]")
    assert f"DRMS request: {drms_server.cgi_url}jsoc_info?op=rs_summary" in caplog.text
    assert HttpJsonClient("jsoc", debug=True).debug is True


def test_oversized_answer_is_refused(client, drms_server, monkeypatch) -> None:
    from perda_tui.clients.drms import client as client_module

    monkeypatch.setattr(client_module, "MAX_BODY_BYTES", 1000)  # the real cap is 64 MB
    with pytest.raises(DrmsResponseError, match="answer larger than"):
        client.series_struct("hmi.M_45s")
    assert client.rs_summary("hmi.M_45s[$]")["count"] == 1  # small answers still pass
