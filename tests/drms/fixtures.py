"""Pytest fixture `drms_server`: a fresh local DRMS server per test (registered in conftest)."""

from collections.abc import Iterator

import pytest

from tests.drms.server import DrmsTestServer


@pytest.fixture
def drms_server() -> Iterator[DrmsTestServer]:
    """A running local DRMS server on 127.0.0.1; `.cgi_url` is its CGI base URL."""
    with DrmsTestServer() as server:
        yield server
