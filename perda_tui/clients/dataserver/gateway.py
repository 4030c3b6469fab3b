"""The gateway's HTTP API over httpx: timeouts, TLS, error mapping and retries."""

from __future__ import annotations

import ssl
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from perda_tui import __version__
from perda_tui.clients.dataserver.errors import (
    AuthenticationError,
    DataServerError,
    ServerError,
    ServerUnreachableError,
    SessionExpiredError,
    TLSError,
)
from perda_tui.clients.deadline import Deadline
from perda_tui.text import without_control

if TYPE_CHECKING:
    import httpx

#: Pauses before retrying an idempotent call that got a 5xx or lost its connection.
RETRY_DELAYS = (0.2, 0.6)
#: Gateway answers are JSON documents; anything bigger is not the protocol.
MAX_ANSWER_BYTES = 32 * 1024 * 1024


def normalise_url(url: str) -> str:
    """Strip spaces and trailing '/'; assume https:// when no scheme is given."""
    url = url.strip().rstrip("/")
    if not url:
        raise ValueError("no data server URL given")
    if "://" not in url:
        url = f"https://{url}"
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"data server URL must start with http:// or https://, not {url!r}")
    return url


def server_message(response: httpx.Response) -> str:
    """The server's explanation: a JSON `detail`/`message`/`error`, else the body text."""
    text = ""
    try:
        doc = response.json()
    except ValueError:
        doc = None
    if isinstance(doc, dict):
        text = next(
            (doc[k] for k in ("detail", "message", "error") if isinstance(doc.get(k), str)), ""
        )
    if not text:
        text = response.text
    text = " ".join(without_control(text, " ").split())
    return (text[:200] + "...") if len(text) > 200 else (text or response.reason_phrase)


def _is_tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class Gateway:
    """One httpx session (cookie jar) with the gateway; every request has timeouts.

    `timeout` bounds each connect and read; `deadline` bounds a whole request (a
    connection per request, so a stuck one can be cut without touching the others).
    """

    def __init__(
        self, url: str, *, verify: bool = True, timeout: float = 10.0, deadline: float = 60.0
    ) -> None:
        import httpx

        self.url = normalise_url(url)
        self.logged_in = False
        self.deadline = deadline
        self._httpx = httpx
        #: connection failures worth another try for idempotent calls (not timeouts, not TLS)
        self._transient = (
            httpx.ConnectError,
            httpx.ReadError,
            httpx.WriteError,
            httpx.RemoteProtocolError,
        )
        self._http = httpx.Client(
            base_url=self.url,
            verify=verify,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            follow_redirects=False,
            headers={"User-Agent": f"perda-tui/{__version__}"},
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    def login(self, password: str) -> None:
        """POST the password; the session cookie is kept by the httpx client."""
        response = self._send("POST", "/api/v1/auth/login", {"password": password})
        if response.status_code in (401, 403):
            raise AuthenticationError(f"login failed: {server_message(response)}")
        self._check(response, "/api/v1/auth/login")
        self.logged_in = True

    def post(self, path: str, body: dict[str, Any]) -> Any:
        """POST an idempotent call and return its JSON answer (retries 5xx)."""
        return self._json(self._call("POST", path, body), path)

    def get_metadata(self, key: str) -> Any | None:
        """`GET /api/v1/metadata/{key}`: the metadata document, None when there is none."""
        path = "/api/v1/metadata/" + quote(key, safe="/")
        response = self._call("GET", path, None)
        return None if response.status_code == 404 else self._json(response, path)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _call(self, method: str, path: str, body: dict[str, Any] | None) -> httpx.Response:
        """Send an idempotent call, retrying 5xx answers and dropped connections."""
        for delay in RETRY_DELAYS:
            try:
                response = self._send(method, path, body)
            except ServerUnreachableError as exc:
                if isinstance(exc, TLSError) or not isinstance(exc.__cause__, self._transient):
                    raise
            else:
                if response.status_code < 500:
                    break
            time.sleep(delay)
        else:
            response = self._send(method, path, body)
        if response.status_code != 404 or method != "GET":
            self._check(response, path)
        return response

    def _send(self, method: str, path: str, body: dict[str, Any] | None) -> httpx.Response:
        httpx = self._httpx
        deadline = Deadline(self.deadline)
        try:
            with (
                deadline,
                self._http.stream(
                    method, path, json=body, extensions={"trace": deadline.trace}
                ) as streamed,
            ):
                content = bytearray()
                for piece in streamed.iter_bytes():
                    content += piece
                    if len(content) > MAX_ANSWER_BYTES:
                        raise ServerError(
                            f"{path}: the answer is larger than {MAX_ANSWER_BYTES:,} bytes",
                            streamed.status_code,
                        )
                    deadline.check()
            return httpx.Response(
                streamed.status_code,
                headers=streamed.headers,
                content=bytes(content),
                request=streamed.request,
            )
        except (httpx.TransportError, TimeoutError) as exc:
            error = self._unreachable(exc, path, deadline)
            # a cut-off answer is not retried: its cause is a timeout, not a dropped link
            raise error from (TimeoutError(str(error)) if deadline.expired else exc)

    def _unreachable(self, exc: Exception, path: str, deadline: Deadline) -> ServerUnreachableError:
        """The error to raise for a failed request (its cause stays `exc`)."""
        if deadline.expired:
            return ServerUnreachableError(
                f"the data server at {self.url} did not finish answering {path} within "
                f"{deadline.seconds:g} s"
            )
        if isinstance(exc, self._httpx.TimeoutException | TimeoutError):
            return ServerUnreachableError(
                f"the data server at {self.url} did not answer in time ({type(exc).__name__})"
            )
        if _is_tls_failure(exc):
            return TLSError(
                f"the TLS certificate of {self.url} could not be verified ({exc}); check "
                "the URL, or use --insecure only on a network you trust"
            )
        return ServerUnreachableError(
            f"cannot reach the data server at {self.url}: {exc or type(exc).__name__}"
        )

    def _check(self, response: httpx.Response, path: str) -> None:
        status = response.status_code
        if status < 300:
            return
        message = server_message(response)
        if status == 401:
            if self.logged_in:
                raise SessionExpiredError(
                    f"the data server ended the session ({message}); log in again"
                )
            raise AuthenticationError(f"not logged in: {message}")
        if status >= 500:
            raise ServerError(f"{path} failed on the server (HTTP {status}): {message}", status)
        raise DataServerError(f"{path} failed (HTTP {status}): {message}")

    def _json(self, response: httpx.Response, path: str) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise ServerError(
                f"{path} answered something that is not JSON", response.status_code
            ) from exc
