"""A local DRMS-compatible server: the JSOC CGIs over real HTTP on 127.0.0.1, for tests.

Answers show_series, showextseries, jsoc_info (series_struct, rs_summary, rs_list),
jsoc_fetch (exp_request, exp_status), checkAddress.sh and the exported files, shaped as the
JSOC CGIs answer (see /work/shared/protocols/drms.md). Every request is recorded. Faults for
tests: `delay` (sleep before answering), `http_error` (answer with that status and an HTML
page), `html_body` (HTML with status 200), `export_failure` (pending exports end in that
status/error), `missing_files`, `hostile_names`, `ragged_lists` (rs_list value lists of
different lengths). Ordering: while `answering` is clear, CGI requests are recorded and then
held until it is set.
"""

from __future__ import annotations

import json
import posixpath
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, unquote_plus, urlsplit

from tests.drms.dataset import MAX_LIST, SERIES, RecordSet, RecordSetError, resolve

CGI_PATH = "/cgi-bin/ajax/"
REGISTERED_EMAILS = frozenset({"team@example.org", "alice@example.org"})
EXPORT_LIMIT = 500
RUNTIME = 0.012
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class RecordedRequest:
    """One GET the server answered: path and decoded query (in order)."""

    path: str
    query: tuple[tuple[str, str], ...]
    raw_query: str

    @property
    def params(self) -> dict[str, str]:
        return dict(self.query)

    @property
    def cgi(self) -> str:
        return self.path.removeprefix(CGI_PATH)


@dataclass
class _Export:
    requestid: str
    recordset: RecordSet
    method: str
    protocol: str
    polls_left: int
    failure: tuple[int, str] | None
    files: list[tuple[str, str]] = field(default_factory=list)


class DrmsTestServer:
    """Start with `start()` (or as a context manager); `.cgi_url`, `.download_url`."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.answering = threading.Event()
        self.answering.set()
        self.delay = 0.0
        self.http_error: int | None = None
        self.html_body = False
        self.pending_polls = 2
        self.server_wait = 0
        self.export_failure: tuple[int, str] | None = None
        self.missing_files: set[str] = set()
        self.hostile_names = False
        self.ragged_lists = False
        self.file_size = 4 * 2880
        self.files: dict[str, bytes] = {}
        self._exports: dict[str, _Export] = {}
        self._counter = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def download_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def cgi_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{CGI_PATH}"

    def start(self) -> DrmsTestServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> DrmsTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def requests_to(self, cgi: str) -> list[RecordedRequest]:
        """Recorded requests of one CGI (`jsoc_info`, ...)."""
        return [r for r in self.requests if r.cgi == cgi]

    # -- dispatch ----------------------------------------------------------------------------

    def answer(self, path: str, query: list[tuple[str, str]]) -> tuple[int, str, bytes]:
        """(status code, content type, body) for one GET."""
        if path.startswith(CGI_PATH):
            self.answering.wait(timeout=30)
            if self.delay:
                time.sleep(self.delay)
            if self.http_error is not None:
                page = f"<html><head><title>{self.http_error} Internal Server Error</title></head>"
                return self.http_error, "text/html", (page + "<body>oops</body></html>").encode()
            if self.html_body:
                return 200, "text/html", b"<html><body><h1>Service maintenance</h1></body></html>"
            handler = {
                "show_series": self._show_series,
                "showextseries": self._show_series_wrapper,
                "jsoc_info": self._jsoc_info,
                "jsoc_fetch": self._jsoc_fetch,
                "checkAddress.sh": self._check_address,
            }.get(path.removeprefix(CGI_PATH))
            if handler is None:
                return 404, "text/html", b"<html><title>404 Not Found</title></html>"
            body = json.dumps(handler(dict(query)))
            return 200, "application/json", body.encode("latin-1", errors="replace")
        data = self.files.get(path)
        if data is None or path.rsplit("/", 1)[-1] in self.missing_files:
            return 404, "text/html", b"<html><title>404 Not Found</title></html>"
        return 200, "application/octet-stream", data

    # -- CGIs --------------------------------------------------------------------------------

    def _matching(self, pattern: str | None) -> list[Any]:
        regex = re.compile(pattern or "", re.IGNORECASE)
        return [s for s in SERIES.values() if regex.search(s.name)]

    def _show_series(self, q: dict[str, str]) -> dict[str, Any]:
        try:
            found = self._matching(q.get("filter"))
        except re.error as exc:
            return {"status": 1, "error": f"invalid filter: {exc}"}
        names = [{"name": s.name, "primekeys": "T_REC", "note": s.note} for s in found]
        return {"status": 0, "n": len(names), "names": names}

    def _show_series_wrapper(self, q: dict[str, str]) -> dict[str, Any]:
        try:
            found = self._matching(q.get("filter"))
        except re.error as exc:
            return {"status": 1, "error": f"invalid filter: {exc}"}
        if q.get("info") == "1":
            return {"seriesList": [{s.name: {"description": s.note}} for s in found]}
        return {"seriesList": [s.name for s in found]}

    def _jsoc_info(self, q: dict[str, str]) -> dict[str, Any]:
        op, ds = q.get("op"), q.get("ds", "")
        if op == "series_struct":
            series = SERIES.get(ds.strip().lower())
            if series is None:
                return {"status": 1, "error": f"Can't open series {ds}: series not found"}
            return series.structure()
        if op not in ("rs_summary", "rs_list"):
            return {"status": 1, "error": f"jsoc_info: unknown op {op!r}"}
        try:
            rs = resolve(ds)
        except KeyError:
            return {"status": 1, "error": f"Can't open series {ds}: series not found"}
        except RecordSetError as exc:
            return {"status": 1, "error": f"Invalid record set query {ds}: {exc}"}
        if op == "rs_summary":
            return {"count": len(rs), "runtime": RUNTIME, "status": 0}
        return self._rs_list(rs, q)

    def _rs_list(self, rs: RecordSet, q: dict[str, str]) -> dict[str, Any]:
        indexes = rs.indexes
        if q.get("n"):
            n = int(q["n"])
            indexes = indexes[:n] if n > 0 else indexes[n:]
        if len(indexes) > MAX_LIST:
            return {"status": 1, "error": f"Too many records ({len(indexes)}); use n= to limit"}
        if not indexes:
            return {"count": 0, "runtime": RUNTIME, "status": 0}
        series = rs.series
        keys = [k for k in q.get("key", "").split(",") if k]
        if keys == ["**ALL**"]:
            keys = [k["name"] for k in series.structure()["keywords"]]
        answer: dict[str, Any] = {
            "keywords": [
                {"name": k, "values": [series.keyword_value(k, i) for i in indexes]} for k in keys
            ],
            "segments": [],
            "links": [
                {"name": link, "values": ["Invalid_Link"] * len(indexes)}
                for link in q.get("link", "").split(",")
                if link
            ],
        }
        for seg in (s for s in q.get("seg", "").split(",") if s):
            valid = seg.lower() == series.segment.lower()
            answer["segments"].append(
                {
                    "name": seg,
                    "values": [
                        series.segment_path(i, series.segment) if valid else "InvalidSegName"
                        for i in indexes
                    ],
                    "dims": ["4096x4096" if valid else ""] * len(indexes),
                    "cparms": ["compress Rice" if valid else ""] * len(indexes),
                    "bzeros": ["0"] * len(indexes),
                    "bscales": ["0.1" if valid else "1"] * len(indexes),
                }
            )
        if self.ragged_lists and answer["keywords"]:
            answer["keywords"][-1]["values"].pop()
        if q.get("R") == "1":
            answer["recinfo"] = [
                {"name": f"{series.name}[{series.t_rec(i)}]", "online": 1} for i in indexes
            ]
        answer.update(count=len(indexes), runtime=RUNTIME, status=0)
        return answer

    def _check_address(self, q: dict[str, str]) -> dict[str, Any]:
        address = unquote_plus(q.get("address", ""))
        if not _EMAIL.match(address):
            return {"status": -2, "msg": f"'{address}' is not a valid email address."}
        if address.lower() in REGISTERED_EMAILS:
            return {"status": 2, "msg": f"Email address '{address}' is valid and registered."}
        return {
            "status": 4,
            "msg": f"Email address '{address}' has neither been validated nor registered.",
        }

    def _jsoc_fetch(self, q: dict[str, str]) -> dict[str, Any]:
        if q.get("op") == "exp_request":
            return self._exp_request(q)
        if q.get("op") == "exp_status":
            return self._exp_status(q.get("requestid", ""))
        return {"status": 4, "error": f"jsoc_fetch: unknown op {q.get('op')!r}"}

    def _exp_request(self, q: dict[str, str]) -> dict[str, Any]:
        ds, method = q.get("ds", ""), q.get("method", "url_quick")
        protocol = q.get("protocol", "as-is").split(",")[0]
        if q.get("notify", "").lower() not in REGISTERED_EMAILS:
            return {"status": 4, "error": f"Email address '{q.get('notify')}' is not registered.\n"}
        try:
            rs = resolve(ds)
        except KeyError:
            name = re.split(r"[\[{]", ds)[0].strip()
            return {"status": 4, "error": f"Cannot export series '{name}' - it does not exist.\n"}
        except RecordSetError as exc:
            return {"status": 4, "error": f"Bad record set '{ds}': {exc}\n"}
        limit = int((q.get("process=n") or "0").split("|")[0] or 0)
        if limit:
            rs = RecordSet(
                rs.series, rs.indexes[:limit] if limit > 0 else rs.indexes[limit:], rs.segments
            )
        nfiles = len(rs) * len(rs.segments)
        size = nfiles * self.file_size // 1_000_000
        if nfiles > EXPORT_LIMIT:
            return {
                "status": 3, "requestid": "VOID", "method": method, "protocol": protocol,
                "wait": 0, "size": size,
                "error": f"Request exceeds max byte limit of {EXPORT_LIMIT} files",
            }  # fmt: skip
        if nfiles == 0:
            return {"status": 4, "error": f"No records in record set '{ds}'.\n"}
        if method == "url_quick" and protocol == "as-is":
            data = [
                {
                    "record": self._record(rs, i, seg),
                    "filename": self._publish(rs.series.segment_path(i, seg)),
                }
                for i in rs.indexes
                for seg in rs.segments
            ]
            return {
                "status": 0, "requestid": "", "method": method, "protocol": protocol,
                "wait": 0, "count": len(data), "size": size, "dir": "", "data": data,
            }  # fmt: skip
        with self._lock:
            self._counter += 1
            requestid = f"JSOC_20260101_{self._counter:06d}"
        self._exports[requestid] = _Export(
            requestid, rs, method, protocol, self.pending_polls, self.export_failure
        )
        return {
            "status": 2, "requestid": requestid, "method": method, "protocol": protocol,
            "wait": self.server_wait, "rcount": len(rs), "size": size,
        }  # fmt: skip

    def _exp_status(self, requestid: str) -> dict[str, Any]:
        if not re.fullmatch(r"JSOC_\d{8}_\d+(_X_IN)?", requestid):
            return {"status": 4, "error": f"Bad RequestID '{requestid}' provided."}
        export = self._exports.get(requestid)
        if export is None:
            return {"status": 6, "error": f"Cant locate export request: jsoc.export[{requestid}]"}
        head = {"requestid": requestid, "method": export.method, "protocol": export.protocol}
        if export.polls_left > 0:
            export.polls_left -= 1
            return {**head, "status": 1, "wait": self.server_wait, "rcount": len(export.recordset),
                    "size": 0}  # fmt: skip
        if export.failure is not None:
            status, error = export.failure
            return {**head, "status": status, "wait": 0, "error": error,
                    "contact": "jsoc@sun.stanford.edu"}  # fmt: skip
        return {**head, "status": 0, "wait": 0, **self._finish(export)}

    def _finish(self, export: _Export) -> dict[str, Any]:
        rs = export.recordset
        folder = f"/SUM99/D{900000000 + int(export.requestid.rsplit('_', 1)[-1])}/S00000"
        data = []
        for i in rs.indexes:
            for seg in rs.segments:
                stamp = rs.series.time(i).strftime("%Y%m%d_%H%M%S_TAI")
                name = f"{rs.series.name.lower()}.{stamp}.{seg}.fits"
                if self.hostile_names:
                    name = f"../../../{name}"
                self._publish(f"{folder}/{name}")
                data.append({"record": self._record(rs, i, seg), "filename": name})
        answer = {
            "dir": folder,
            "count": len(data),
            "size": len(data) * self.file_size // 1_000_000,
            "data": data,
            "keywords": f"{export.requestid}.keywords.txt",
        }
        if export.method == "url-tar":
            answer["tarfile"] = self._publish(f"{folder}/{export.requestid}.tar")
        return answer

    def _record(self, rs: RecordSet, index: int, segment: str) -> str:
        return f"{rs.series.name.lower()}[{rs.series.t_rec(index)}]{{{segment}}}"

    def _publish(self, path: str) -> str:
        """Make `path` downloadable with deterministic content; returns the path."""
        clean = posixpath.normpath(path)
        if clean not in self.files:
            header = "".join(
                f"{card:<80}"
                for card in (
                    "SIMPLE  = T",
                    "BITPIX  = 16",
                    "NAXIS   = 0",
                    f"COMMENT {clean}",
                    "END",
                )
            )
            block = header.ljust(2880).encode("ascii")
            size = max(self.file_size - 2880, 0)
            pattern = bytes((i * 31 + len(clean)) % 256 for i in range(256))
            body = (pattern * (size // 256 + 1))[:size]
            self.files[clean] = block + body
        return path


def _handler_for(server: DrmsTestServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = 64 * 1024  # headers and body in one send: no Nagle/delayed-ACK stall

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qsl(parts.query, keep_blank_values=True)
            server.requests.append(RecordedRequest(parts.path, tuple(query), parts.query))
            status, ctype, body = server.answer(unquote(parts.path), query)
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (timeout tests, cancels)

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: tests read `server.requests` instead."""

    return Handler
