"""`HttpJsonClient`: the DRMS JSON CGIs over httpx, one GET per call, as the seed's API.

Every method returns the server's JSON object as a dict, including answers with a DRMS error
status (the typed helpers in `archive` and `export` turn those into exceptions). Arguments are
validated before any request; transport failures become `DrmsError` subclasses.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus, urlencode, urlsplit

from perda_tui import __version__
from perda_tui.clients.deadline import Deadline
from perda_tui.clients.drms.config import ServerConfig, resolve_server
from perda_tui.clients.drms.errors import (
    DrmsConnectionError,
    DrmsHttpError,
    DrmsResponseError,
    DrmsTimeoutError,
)

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger("perda_tui.clients.drms")

EXPORT_METHODS = ("url_quick", "url", "url-tar")
IMAGE_PROTOCOLS = ("jpg", "mpg", "mp4")
EXPORT_PROTOCOLS = ("as-is", "fits", *IMAGE_PROTOCOLS)
PROCESSES = (
    "im_patch",
    "resize",
    "rebin",
    "aia_scale_aialev1",
    "aia_scale_orig",
    "aia_scale_other",
    "Maproj",
    "HmiB2ptr",
)
#: Largest body accepted from a CGI (untrusted input; real answers are far smaller).
MAX_BODY_BYTES = 64 * 1024 * 1024
#: Most JSON objects and arrays an answer may open: each costs ~100 bytes of memory once
#: parsed, so 64 MB of `{},` would take gigabytes (a 100,000-record rs_list is ~100,000).
MAX_JSON_CONTAINERS = 500_000


def split_arg(value: str | Iterable[str]) -> list[str]:
    """A comma/whitespace separated string (or an iterable) as a list of non-empty items."""
    items = re.split(r"[\s,]+", value) if isinstance(value, str) else [str(v) for v in value]
    return [item for item in items if item]


def _snippet(text: str, limit: int = 200) -> str:
    """Readable one-line excerpt of an untrusted body (tags removed, whitespace collapsed)."""
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    body = title.group(1) if title else re.sub(r"<[^>]*>", " ", text)
    line = " ".join(html.unescape(body).split())
    line = "".join(ch for ch in line if ch.isprintable())
    return line[:limit] + ("…" if len(line) > limit else "")


def _read_capped(response: httpx.Response, url: str, deadline: Deadline) -> bytes:
    """The body, refusing more than `MAX_BODY_BYTES` (read in chunks, never all at once)."""
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise DrmsResponseError(
                f"answer larger than {MAX_BODY_BYTES // 2**20} MB refused: {url}", url=url
            )
        chunks.append(chunk)
        deadline.check()
    return b"".join(chunks)


def _check_containers(raw: bytes, url: str, name: str) -> None:
    """Refuse an answer opening more than `MAX_JSON_CONTAINERS` objects and arrays (counted
    in the bytes, before anything is decoded or parsed)."""
    if raw.count(b"{") + raw.count(b"[") > MAX_JSON_CONTAINERS:
        raise DrmsResponseError(
            f"DRMS server {name} answered with more than {MAX_JSON_CONTAINERS:,} JSON objects "
            f"for {url}; refused",
            url=url,
        )


def _parse_json(body: str, url: str, name: str) -> Any:
    """`body` parsed; None when it is not JSON, the client's error when nested too deeply."""
    try:
        return json.loads(body)
    except ValueError:
        return None
    except RecursionError as exc:
        raise DrmsResponseError(
            f"DRMS server {name} answered with JSON nested too deeply for {url}", url=url
        ) from exc


class HttpJsonClient:
    """HTTP/JSON access to a DRMS server's CGIs (`jsoc`, `kis`, a URL or a `ServerConfig`)."""

    def __init__(
        self,
        server: str | ServerConfig = "jsoc",
        debug: bool = False,
        *,
        timeout: float = 30.0,
        verify: bool = True,
        deadline: float = 120.0,
    ) -> None:
        import httpx  # lazily: httpx pulls in rich, which the core must not load at import

        self._server = resolve_server(server)
        self.debug = debug
        self._timeout = timeout
        #: seconds a whole CGI answer may take (a per-read timeout never ends a drip)
        self.deadline = deadline
        self._hosts = {
            urlsplit(url).hostname
            for url in (self._server.cgi_baseurl, self._server.http_download_baseurl)
            if url
        }
        self._http = httpx.Client(
            timeout=timeout,
            verify=verify,
            follow_redirects=True,
            headers={"User-Agent": f"perda-tui/{__version__}"},
            event_hooks={"request": [self._same_server]},
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    def __repr__(self) -> str:
        return f"<HttpJsonClient: {self._server.name}>"

    @property
    def server(self) -> ServerConfig:
        """The server configuration in use."""
        return self._server

    @property
    def debug(self) -> bool:
        """When true, every request URL is logged at INFO on `perda_tui.clients.drms`."""
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self._debug = bool(value)

    @property
    def http(self) -> httpx.Client:
        """The underlying httpx client (shared by the export downloads).

        It refuses any request (a redirect included) to a host other than the server's,
        and opens a connection per request so a `Deadline` can cut it.
        """
        return self._http

    def _same_server(self, request: httpx.Request) -> None:
        """httpx request hook: only the server's own hosts, never a redirect elsewhere."""
        import httpx

        if request.url.host not in self._hosts:
            raise httpx.UnsupportedProtocol(
                f"refusing to follow {request.url.host!r}: not the DRMS server "
                f"{self._server.name} ({', '.join(sorted(h for h in self._hosts if h))})",
                request=request,
            )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> HttpJsonClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport ---------------------------------------------------------------------------

    def _request(self, cgi_field: str, params: Mapping[str, str] | None) -> dict[str, Any]:
        import httpx

        url = self._server.url(cgi_field)
        if params:
            url += "?" + urlencode(params)
        logger.log(logging.INFO if self._debug else logging.DEBUG, "DRMS request: %s", url)
        name = self._server.name
        deadline = Deadline(self.deadline)
        try:
            with (
                deadline,
                self._http.stream("GET", url, extensions={"trace": deadline.trace}) as response,
            ):
                raw = _read_capped(response, url, deadline)
        except (httpx.HTTPError, TimeoutError) as exc:
            if deadline.expired:
                raise DrmsTimeoutError(
                    f"DRMS server {name} did not finish answering within {self.deadline:g} s "
                    f"({url})",
                    url=url,
                ) from exc
            raise self._transport_error(exc, url) from exc
        if response.status_code < 400:
            _check_containers(raw, url, name)
        body = raw.decode(self._server.encoding, errors="replace")
        if response.status_code >= 400:
            raise DrmsHttpError(
                f"DRMS server {name} answered HTTP {response.status_code} for {url}: "
                f"{_snippet(body) or response.reason_phrase}",
                url=url,
                status_code=response.status_code,
            )
        data = _parse_json(body, url, name)
        if not isinstance(data, dict):
            raise DrmsResponseError(
                f"DRMS server {name} did not answer with JSON for {url}: {_snippet(body)!r}",
                url=url,
            )
        return data

    def _transport_error(self, exc: Exception, url: str) -> DrmsConnectionError:
        import httpx

        name = self._server.name
        if isinstance(exc, httpx.TimeoutException):
            return DrmsTimeoutError(
                f"DRMS server {name} did not answer within {self._timeout:g} s ({url})", url=url
            )
        return DrmsConnectionError(
            f"cannot reach DRMS server {name} at {self._server.cgi_baseurl}: {exc}", url=url
        )

    # -- the CGIs ----------------------------------------------------------------------------

    def show_series(self, ds_filter: str | None = None) -> dict[str, Any]:
        """List series (`show_series`), optionally those whose name matches a regex."""
        return self._request(
            "cgi_show_series", None if ds_filter is None else {"filter": ds_filter}
        )

    def show_series_wrapper(
        self, ds_filter: str | None = None, info: bool = False
    ) -> dict[str, Any]:
        """List series with the `showextseries` wrapper; `info` adds each description."""
        params = {"dbhost": self._server.show_series_wrapper_dbhost or ""}
        if ds_filter is not None:
            params["filter"] = ds_filter
        if info:
            params["info"] = "1"
        return self._request("cgi_show_series_wrapper", params)

    def series_struct(self, ds: str) -> dict[str, Any]:
        """Structure of one series: prime keys, keywords, segments, links, interval."""
        return self._request("cgi_jsoc_info", {"op": "series_struct", "ds": _need_text("ds", ds)})

    def rs_summary(self, ds: str) -> dict[str, Any]:
        """Number of records in a record set (`count`)."""
        return self._request("cgi_jsoc_info", {"op": "rs_summary", "ds": _need_text("ds", ds)})

    def rs_list(
        self,
        ds: str,
        key: str | Iterable[str] | None = None,
        seg: str | Iterable[str] | None = None,
        link: str | Iterable[str] | None = None,
        recinfo: bool = False,
        n: int | None = None,
        uid: str | None = None,
    ) -> dict[str, Any]:
        """Keyword, segment and link values of a record set; `n` < 0 takes the last |n|."""
        if key is None and seg is None and link is None:
            raise ValueError("At least one key, seg or link must be specified")
        params = {"op": "rs_list", "ds": _need_text("ds", ds)}
        for name, value in (("key", key), ("seg", seg), ("link", link)):
            if value is not None:
                params[name] = ",".join(split_arg(value))
        if recinfo:
            params["R"] = "1"
        if n is not None:
            params["n"] = str(_need_int("n", n))
        if uid is not None:
            params["userhandle"] = uid
        return self._request("cgi_jsoc_info", params)

    def check_address(self, email: str) -> dict[str, Any]:
        """Whether an email is registered for exports: status 2 yes, 4 not registered, -2 bad."""
        params = {"address": quote_plus(_need_text("email", email)), "checkonly": "1"}
        return self._request("cgi_check_address", params)

    def exp_request(
        self,
        ds: str,
        notify: str,
        method: str = "url_quick",
        protocol: str = "as-is",
        protocol_args: Mapping[str, Any] | None = None,
        filenamefmt: str | None = None,
        process: Mapping[str, Mapping[str, Any]] | None = None,
        n: int | None = None,
        requestor: str | bool | None = None,
    ) -> dict[str, Any]:
        """Submit an export; the answer has `status`, `requestid` (and `data` when immediate).

        `url_quick` with a protocol other than `as-is` becomes `url`, as on JSOC. `requestor`
        defaults to the local part of `notify`; `False` leaves it out.
        """
        self._server.require("export")
        params = export_params(
            ds, notify, method, protocol, protocol_args, filenamefmt, process, n, requestor
        )
        return self._request("cgi_jsoc_fetch", params)

    def exp_status(self, requestid: str) -> dict[str, Any]:
        """Status of an export; when done (status 0) the export's index with `dir` and `data`."""
        params = {"op": "exp_status", "requestid": _need_text("requestid", requestid)}
        return self._request("cgi_jsoc_fetch", params)


def export_params(
    ds: str,
    notify: str,
    method: str,
    protocol: str,
    protocol_args: Mapping[str, Any] | None,
    filenamefmt: str | None,
    process: Mapping[str, Mapping[str, Any]] | None,
    n: int | None,
    requestor: str | bool | None,
) -> dict[str, str]:
    """Validated, ordered `jsoc_fetch?op=exp_request` parameters (`ValueError` when invalid)."""
    _need_text("ds", ds)
    if "@" not in _need_text("notify", notify):
        raise ValueError(f"notify must be a registered email address, got {notify!r}")
    method = method.lower()
    if method not in EXPORT_METHODS:
        valid = ", ".join(EXPORT_METHODS)
        raise ValueError(f"Method {method} is not supported, valid methods are: {valid}")
    protocol = protocol.lower()
    if protocol not in EXPORT_PROTOCOLS:
        valid = ", ".join(EXPORT_PROTOCOLS)
        raise ValueError(f"Protocol {protocol} is not supported, valid protocols are: {valid}")
    if method == "url_quick" and protocol != "as-is":
        method = "url"
    if protocol in IMAGE_PROTOCOLS:
        protocol = _image_protocol(protocol, protocol_args or {})
    elif protocol_args is not None:
        raise ValueError(f"protocol_args not supported for protocol {protocol}")
    params = {
        "op": "exp_request",
        "format": "json",
        "ds": ds,
        "notify": notify,
        "method": method,
        "protocol": protocol,
    }
    if filenamefmt is not None:
        params["filenamefmt"] = filenamefmt
    params["process=n"] = str(_need_int("n", n) if n is not None else 0)
    if process is not None:
        params["process=n"] += "|" + _process_string(process)
    if requestor is None:
        params["requestor"] = notify.split("@")[0]
    elif requestor is not False:
        params["requestor"] = str(requestor)
    return params


def _image_protocol(protocol: str, args: Mapping[str, Any]) -> str:
    extra: dict[str, Any] = {"ct": "grey.sao", "scaling": "MINMAX", "size": 1}
    for key, value in args.items():
        if key.lower() == "ct":
            extra["ct"] = value
        elif key == "scaling":
            extra["scaling"] = value
        elif key == "size":
            extra["size"] = int(value)
        elif key in ("min", "max"):
            extra[key] = float(value)
        else:
            raise ValueError(f"Unknown protocol argument: {key}")
    text = f"{protocol},CT={extra['ct']},scaling={extra['scaling']},size={extra['size']}"
    for key in ("min", "max"):
        if key in extra:
            text += f",{key}={extra[key]:g}"
    return text


def _process_string(process: Mapping[str, Mapping[str, Any]]) -> str:
    parts = []
    for name, options in process.items():
        if name not in PROCESSES:
            allowed = ", ".join(PROCESSES)
            raise ValueError(f"{name} is not one of the allowed processing options: {allowed}")
        parts.append(f"{name}," + ",".join(f"{k}={v}" for k, v in options.items()))
    return "|".join(parts)


def _need_text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def _need_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    return value
