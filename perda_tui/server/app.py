"""The gateway: a Starlette app with the data server's HTTP API (see protocols/dataserver.md).

`POST /api/v1/auth/login` sets an HttpOnly session cookie; every other endpoint needs it.
Objects are listed from S3, metadata comes from SQLite, and `POST /api/v1/s3/credentials`
hands out the credentials clients use to download straight from S3.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from perda_tui.server.metadata import MetadataStore
from perda_tui.server.sessions import SessionStore
from perda_tui.server.storage import S3Storage
from perda_tui.server.throttle import Busy, LoginThrottle

SESSION_COOKIE = "perda_session"
MAX_BODY_BYTES = 64 * 1024
MAX_PATH_CHARS = 1024
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GatewayConfig:
    """Everything the gateway needs; the password is only kept in memory."""

    password: str
    storage: S3Storage
    metadata: MetadataStore
    session_ttl: float = 12 * 3600.0
    login_delay: float = 0.25
    max_login_delay: float = 4.0
    #: hand out the S3 endpoint with the host name the client used to reach the gateway
    #: (an embedded S3 bound to all interfaces has no single right address to advertise)
    advertise_request_host: bool = False


def error(status: int, detail: str) -> JSONResponse:
    """An error response; the client shows `detail` to the user."""
    return JSONResponse({"detail": detail}, status_code=status)


async def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, refusing bodies over `MAX_BODY_BYTES`."""
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
        raise HTTPException(413, f"request body larger than {MAX_BODY_BYTES} bytes")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                raise HTTPException(413, f"request body larger than {MAX_BODY_BYTES} bytes")
    except ClientDisconnect as exc:
        client = request.client.host if request.client else "?"
        log.warning("client %s disconnected before sending the whole request body", client)
        raise HTTPException(400, "request body cut short") from exc
    if not body:
        return {}
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HTTPException(400, "request body is not valid JSON") from exc
    except RecursionError as exc:
        raise HTTPException(400, "request body is nested too deeply") from exc
    if not isinstance(doc, dict):
        raise HTTPException(400, "request body must be a JSON object")
    return doc


def string_field(doc: dict[str, Any], name: str) -> str:
    """A string field of the request body ('' when absent), length-checked."""
    value = doc.get(name, "")
    if not isinstance(value, str) or len(value) > MAX_PATH_CHARS or "\x00" in value:
        raise HTTPException(400, f"'{name}' must be a string of at most {MAX_PATH_CHARS} chars")
    return checked_text(value, name)


def checked_text(value: str, name: str) -> str:
    """`value` if it is valid Unicode text (a lone surrogate from JSON is not): else 400."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise HTTPException(400, f"'{name}' is not valid Unicode text") from exc
    return value


Endpoint = Callable[[Request], Awaitable[Response]]


def create_app(config: GatewayConfig) -> Starlette:
    """Build the gateway app. `app.state.sessions` lets the runner end sessions;
    `app.state.throttle` is the failed-login throttle."""
    sessions = SessionStore(config.session_ttl)
    throttle = LoginThrottle(config.login_delay, config.max_login_delay)
    password = config.password.encode()

    def requires_session(endpoint: Endpoint) -> Endpoint:
        async def guarded(request: Request) -> Response:
            if not sessions.valid(request.cookies.get(SESSION_COOKIE)):
                return error(401, "not logged in or session expired")
            return await endpoint(request)

        return guarded

    async def login(request: Request) -> Response:
        client = request.client.host if request.client else "?"
        doc = await json_object(request)  # before taking a turn: a slow body holds none
        given = doc.get("password")
        try:
            async with throttle.attempt(client):
                if not isinstance(given, str) or not hmac.compare_digest(
                    given.encode("utf-8", "surrogatepass"), password
                ):
                    throttle.failed(client)
                    return error(401, "invalid password")
                throttle.succeeded(client)
        except Busy as exc:
            return JSONResponse({"detail": str(exc)}, status_code=429, headers={"Retry-After": "5"})
        response = JSONResponse({"ok": True})
        response.set_cookie(
            SESSION_COOKIE,
            sessions.create(client),
            max_age=max(1, int(config.session_ttl)),
            path="/",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    async def s3_list(request: Request) -> Response:
        prefix = string_field(await json_object(request), "prefix")
        return JSONResponse(await run_in_threadpool(config.storage.list, prefix))

    async def metadata_page(request: Request) -> Response:
        path = string_field(await json_object(request), "path")
        return JSONResponse(await run_in_threadpool(config.metadata.page, path))

    async def metadata_one(request: Request) -> Response:
        key = checked_text(request.path_params["key"], "key")
        doc = await run_in_threadpool(config.metadata.get, key)
        return error(404, f"no metadata for '{key}'") if doc is None else JSONResponse(doc)

    async def credentials(request: Request) -> Response:
        await json_object(request)
        s3 = config.storage.settings
        access_key, secret_key = s3.keys_for_clients()
        endpoint = s3.endpoint
        if config.advertise_request_host and request.url.hostname:
            parts = urlsplit(endpoint)
            host = request.url.hostname
            host = f"[{host}]" if ":" in host else host
            endpoint = parts._replace(netloc=f"{host}:{parts.port}").geturl()
        return JSONResponse(
            {
                "access_key": access_key,
                "secret_key": secret_key,
                "bucket_name": s3.bucket,
                "endpoint": endpoint,
            }
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return error(exc.status_code, str(exc.detail))

    async def internal_error(request: Request, exc: Exception) -> Response:
        return error(500, "internal server error; see the server log")

    app = Starlette(
        routes=[
            Route("/api/v1/auth/login", login, methods=["POST"]),
            Route("/api/v1/s3/list", requires_session(s3_list), methods=["POST"]),
            Route("/api/v1/metadata/page", requires_session(metadata_page), methods=["POST"]),
            Route("/api/v1/metadata/{key:path}", requires_session(metadata_one), methods=["GET"]),
            Route("/api/v1/s3/credentials", requires_session(credentials), methods=["POST"]),
        ],
        exception_handlers={HTTPException: http_error, Exception: internal_error},
    )
    app.state.sessions = sessions
    app.state.throttle = throttle
    return app
