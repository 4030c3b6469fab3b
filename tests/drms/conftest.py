"""Clients pointed at the local DRMS server (the server fixture lives in `fixtures.py`)."""

from collections.abc import Iterator

import pytest

from perda_tui.clients.drms import HttpJsonClient, ServerConfig
from tests.drms.server import DrmsTestServer


def local_jsoc(server: DrmsTestServer) -> ServerConfig:
    """A JSOC-shaped configuration (with the showextseries wrapper) for the local server."""
    return ServerConfig(
        name="LOCAL",
        cgi_baseurl=server.cgi_url,
        cgi_jsoc_fetch="jsoc_fetch",
        cgi_check_address="checkAddress.sh",
        cgi_show_series_wrapper="showextseries",
        show_series_wrapper_dbhost="hmidb2",
        http_download_baseurl=server.download_url,
    )


@pytest.fixture
def client(drms_server: DrmsTestServer) -> Iterator[HttpJsonClient]:
    """Our client on the local server."""
    with HttpJsonClient(local_jsoc(drms_server), timeout=5.0) as http:
        yield http
