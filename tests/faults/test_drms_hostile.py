"""A hostile DRMS server: redirects off the server, endless files, nested and bloated JSON,
answers dripped a byte at a time. The client refuses each with its own error, in bounded
time and memory."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from perda_tui.clients.drms import DrmsArchive, HttpJsonClient
from perda_tui.clients.drms.client import MAX_JSON_CONTAINERS
from perda_tui.clients.drms.errors import (
    DrmsDownloadError,
    DrmsResponseError,
    DrmsTimeoutError,
)
from perda_tui.clients.drms.export import ExportJob

Handler = Callable[[BaseHTTPRequestHandler], None]


class HostilePeer:
    """An HTTP server on 127.0.0.1 answering each path with a handler (404 otherwise);
    `hits` counts the requests per path."""

    def __init__(self, routes: dict[str, Handler]) -> None:
        peer = self
        self.hits: dict[str, int] = {}

        class Handle(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                peer.hits[path] = peer.hits.get(path, 0) + 1
                route = routes.get(path)
                if route is None:
                    self.send_error(404)
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    route(self)  # (the client may hang up, as it should)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def peers() -> Iterator[list[HostilePeer]]:
    started: list[HostilePeer] = []
    yield started
    for peer in started:
        peer.stop()


def answer(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    return send


def done_export(size_mb: float | None, filename: str = "a.fits") -> bytes:
    doc = {
        "status": 0,
        "requestid": "JSOC_1",
        "method": "url",
        "protocol": "as-is",
        "dir": "/SUM1/D1",
        "data": [{"record": "hmi.m_45s[2024.01.01_00:00:00_TAI]", "filename": filename}],
    }
    if size_mb is not None:
        doc["size"] = size_mb
    return json.dumps(doc).encode()


def export_job(client: HttpJsonClient, size_mb: float | None) -> ExportJob:
    return ExportJob(client, json.loads(done_export(size_mb)))


def test_a_file_redirected_to_another_host_is_not_followed(
    peers: list[HostilePeer], tmp_path: Path
) -> None:
    elsewhere = HostilePeer({"/SUM1/D1/a.fits": answer(b"SIMPLE  = T  evil")})
    peers.append(elsewhere)
    # "localhost" is another host name than "127.0.0.1", though the same machine
    target = f"http://localhost:{elsewhere.port}/SUM1/D1/a.fits"
    server = HostilePeer({"/SUM1/D1/a.fits": answer(b"", 302, {"Location": target})})
    peers.append(server)
    with HttpJsonClient(f"http://127.0.0.1:{server.port}/cgi-bin/") as client:
        job = export_job(client, 1)
        with pytest.raises(DrmsDownloadError, match="not the DRMS server"):
            job.download(tmp_path)
    assert elsewhere.hits == {}
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_redirect_on_the_same_host_is_followed(peers: list[HostilePeer], tmp_path: Path) -> None:
    server = HostilePeer(
        {
            "/SUM1/D1/a.fits": answer(b"", 302, {"Location": "/moved/a.fits"}),
            "/moved/a.fits": answer(b"SIMPLE  = T"),
        }
    )
    peers.append(server)
    with HttpJsonClient(f"http://127.0.0.1:{server.port}/cgi-bin/") as client:
        (path,) = export_job(client, 1).download(tmp_path)
    assert path.read_bytes() == b"SIMPLE  = T"


def endless(handler: BaseHTTPRequestHandler) -> None:
    """A chunked body that never ends (until the client hangs up)."""
    handler.send_response(200)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    piece = b"\0" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    while True:
        handler.wfile.write(chunk)


def test_an_endless_file_stops_at_the_declared_size(
    peers: list[HostilePeer], tmp_path: Path
) -> None:
    server = HostilePeer({"/SUM1/D1/a.fits": endless})
    peers.append(server)
    with HttpJsonClient(f"http://127.0.0.1:{server.port}/cgi-bin/") as client:
        job = export_job(client, 0.5)
        limit = job.byte_limit()
        assert limit < 20 * 2**20
        with pytest.raises(DrmsDownloadError, match="declared size"):
            job.download(tmp_path)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # the partial is gone


def test_a_file_declaring_more_than_the_export_is_refused_before_reading(
    peers: list[HostilePeer], tmp_path: Path
) -> None:
    big = 64 * 2**20
    server = HostilePeer({"/SUM1/D1/a.fits": answer(b"x", headers={"Content-Length": str(big)})})
    peers.append(server)
    with (
        HttpJsonClient(f"http://127.0.0.1:{server.port}/cgi-bin/") as client,
        pytest.raises(DrmsDownloadError, match="declares"),
    ):
        export_job(client, 0.5).download(tmp_path)


def series_server(body: bytes) -> HostilePeer:
    return HostilePeer({"/cgi-bin/show_series": answer(body)})


def test_deeply_nested_json_is_the_clients_own_error(peers: list[HostilePeer]) -> None:
    peers.append(series_server(b"[" * 200_000 + b"]" * 200_000))
    with (
        HttpJsonClient(f"http://127.0.0.1:{peers[0].port}/cgi-bin/") as client,
        pytest.raises(DrmsResponseError, match="nested too deeply"),
    ):
        DrmsArchive(client).series()


def test_64_mb_of_empty_objects_is_refused_before_parsing(peers: list[HostilePeer]) -> None:
    body = b'{"status": 0, "names": [' + b"{}," * (21 * 2**20) + b"{}]}"
    assert len(body) > 63 * 2**20
    peers.append(series_server(body))
    with (
        HttpJsonClient(f"http://127.0.0.1:{peers[0].port}/cgi-bin/") as client,
        pytest.raises(DrmsResponseError, match=f"more than {MAX_JSON_CONTAINERS:,}"),
    ):
        client.show_series()


def test_many_series_below_the_bound_still_parse(peers: list[HostilePeer]) -> None:
    names = [{"name": f"s.{n}", "note": "", "primekeys": []} for n in range(5_000)]
    peers.append(series_server(json.dumps({"status": 0, "names": names}).encode()))
    with HttpJsonClient(f"http://127.0.0.1:{peers[0].port}/cgi-bin/") as client:
        assert len(DrmsArchive(client).series()) == 5_000


def drip(handler: BaseHTTPRequestHandler) -> None:
    body = json.dumps({"status": 0, "names": []}).encode()
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    for byte in body:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.2)


def test_a_dripped_answer_ends_at_the_deadline(peers: list[HostilePeer]) -> None:
    peers.append(HostilePeer({"/cgi-bin/show_series": drip}))
    url = f"http://127.0.0.1:{peers[0].port}/cgi-bin/"
    with (
        HttpJsonClient(url, timeout=5.0, deadline=1.0) as client,
        pytest.raises(DrmsTimeoutError, match="within 1 s"),
    ):
        client.show_series()
