"""A WSGI gate in front of the embedded S3: only SigV4-signed S3 requests by known keys pass.

moto's server accepts any credentials and also serves its control API (`/moto-api/`:
reset, data dump, auth switch) and every other AWS service. moto can check signatures
itself (`INITIAL_NO_AUTH_ACTION_COUNT` and IAM users), but that switch is process-wide,
leaves the control API open and needs IAM users created through moto's own API. This gate
sits in the same WSGI server (no extra hop, so downloads keep their speed) and lets
through only S3 requests signed by one of its `S3Key`s, within 15 minutes of now. A
read-only key may only GET or HEAD inside its bucket.

The signature is recomputed with botocore's `S3SigV4Auth` from the request line and the
signed headers, as AWS does; the payload hash is the signed `x-amz-content-sha256` header
(the body itself is not hashed, as moto's own check does not either).
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

MAX_SKEW_SECONDS = 15 * 60
READ_METHODS = frozenset({"GET", "HEAD"})
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/s3/"
    r"aws4_request,\s*SignedHeaders=(?P<signed>[a-z0-9;-]+),\s*Signature=(?P<signature>[0-9a-f]{64})$"
)
_REQUIRED_SIGNED = frozenset({"host", "x-amz-date", "x-amz-content-sha256"})

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class S3Key:
    """One access key pair the gate accepts; `read_only` allows GET/HEAD in `bucket` only."""

    access_key: str
    secret_key: str
    read_only: bool = False

    @classmethod
    def generate(cls, *, read_only: bool) -> S3Key:
        """A fresh random pair (20-character access key, 40-character secret)."""
        access = "PERDA" + secrets.token_hex(8).upper()[:15]
        return cls(access, secrets.token_urlsafe(30), read_only)


class Denied(Exception):
    """A request the gate refuses: S3 error `code`, HTTP 403."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class SignatureGate:
    """WSGI middleware passing only correctly signed S3 requests to `app`."""

    def __init__(
        self,
        app: WsgiApp,
        keys: Iterable[S3Key],
        bucket: str | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.app = app
        self.keys = {key.access_key: key for key in keys}
        self.bucket = bucket
        self.clock = clock

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        try:
            self.check(environ)
        except Denied as denied:
            body = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{denied.code}</Code>'
                f"<Message>{escape(str(denied))}</Message></Error>"
            ).encode()
            start_response(
                "403 Forbidden",
                [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))],
            )
            return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]
        return self.app(environ, start_response)

    def check(self, environ: Environ) -> None:
        """Raise `Denied` unless the request is S3, signed by a known key, and allowed."""
        raw = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "")
        path, _, query = raw.partition("?")
        if not path.startswith("/") or path.startswith(("/moto-api", "/latest/")):
            raise Denied("AccessDenied", "only S3 requests are served here")
        headers = _headers(environ)
        match = _AUTHORIZATION.match(headers.get("authorization", ""))
        if match is None:
            raise Denied("AccessDenied", "requests must be signed with AWS Signature V4 for S3")
        key = self.keys.get(match["key"])
        if key is None:
            raise Denied("InvalidAccessKeyId", "the access key is not known to this server")
        signed = match["signed"].split(";")
        if not set(signed) >= _REQUIRED_SIGNED or any(name not in headers for name in signed):
            raise Denied("AccessDenied", "host, x-amz-date and x-amz-content-sha256 must be signed")
        self._check_time(headers["x-amz-date"], match["date"])
        expected = _signature(environ["REQUEST_METHOD"], path, query, headers, signed, key, match)
        if not hmac.compare_digest(expected, match["signature"]):
            raise Denied("SignatureDoesNotMatch", "the request signature does not match")
        if key.read_only:
            bucket = path.lstrip("/").split("/", 1)[0]
            if environ["REQUEST_METHOD"] not in READ_METHODS or bucket != self.bucket:
                raise Denied("AccessDenied", "this key may only read the logs bucket")

    def _check_time(self, stamp: str, credential_date: str) -> None:
        try:
            when = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError as exc:
            raise Denied("AccessDenied", "x-amz-date is not a valid time") from exc
        if stamp[:8] != credential_date:
            raise Denied("AccessDenied", "x-amz-date does not match the credential scope")
        if abs((self.clock() - when).total_seconds()) > MAX_SKEW_SECONDS:
            raise Denied("RequestTimeTooSkewed", "the request time is too far from ours")


def _headers(environ: Environ) -> dict[str, str]:
    """Request headers by lower-case name (WSGI keeps Content-Type/-Length apart)."""
    headers = {
        name[5:].replace("_", "-").lower(): str(value)
        for name, value in environ.items()
        if name.startswith("HTTP_")
    }
    for name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(name):
            headers[name.replace("_", "-").lower()] = str(environ[name])
    return headers


def _signature(
    method: str,
    path: str,
    query: str,
    headers: dict[str, str],
    signed: list[str],
    key: S3Key,
    match: re.Match[str],
) -> str:
    """The SigV4 signature AWS would compute for this request with `key`'s secret."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(
        method=method,
        url=f"{path}?{query}" if query else path,
        headers={name: headers[name] for name in signed},
    )
    request.context["timestamp"] = headers["x-amz-date"]
    auth = S3SigV4Auth(Credentials(key.access_key, key.secret_key), "s3", match["region"])
    canonical = auth.canonical_request(request)
    return str(auth.signature(auth.string_to_sign(request, canonical), request))
