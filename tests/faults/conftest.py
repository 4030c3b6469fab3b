"""Fixtures of the fault suite."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from perda_tui.server import embedded_s3
from perda_tui.server.runner import RunningDataServer, start_data_server
from tests.faults.proxy import Fault, FaultProxy

S3_PASSWORD = "pw"


@pytest.fixture
def s3_proxied(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[RunningDataServer, FaultProxy]]:
    """A data server whose S3 endpoint sits behind a `FaultProxy`: (server, proxy).

    Both the gateway and its clients reach S3 through the proxy; log in with `S3_PASSWORD`.
    """
    with embedded_s3.EmbeddedS3() as s3:
        monkeypatch.setenv("PERDA_S3_ACCESS_KEY", s3.admin.access_key)
        monkeypatch.setenv("PERDA_S3_SECRET_KEY", s3.admin.secret_key)
        port = int(s3.endpoint.rsplit(":", 1)[1])
        with FaultProxy("127.0.0.1", port) as proxy:
            bucket = f"faults-{uuid.uuid4().hex[:12]}"
            with start_data_server(
                password=S3_PASSWORD, s3_endpoint=proxy.url(), bucket=bucket, login_delay=0.01
            ) as server:
                yield server, proxy
                proxy.set_fault(Fault.PASS)
                server.storage.clear()
