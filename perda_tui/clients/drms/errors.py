"""The DRMS client's exceptions: one small hierarchy, each carrying the server's message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DrmsError(RuntimeError):
    """Base of every failure talking to a DRMS server (as `drms.DrmsError`)."""


class UnsupportedOperationError(ValueError):
    """The chosen server does not offer the CGI an operation needs (raised before any request)."""


class DrmsConnectionError(DrmsError):
    """The server could not be reached (DNS, refused connection, TLS); the message names it."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class DrmsTimeoutError(DrmsConnectionError):
    """The server did not answer within the client's timeout."""


class DrmsHttpError(DrmsError):
    """The server answered with an HTTP error status (4xx/5xx)."""

    def __init__(self, message: str, *, url: str, status_code: int) -> None:
        super().__init__(message)
        self.url = url
        self.status_code = status_code


class DrmsResponseError(DrmsError):
    """The body was not a JSON object (an HTML error page, truncated output, ...)."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class DrmsStatusError(DrmsError):
    """The CGI answered HTTP 200 with a DRMS error status; `.status` and `.error` as sent."""

    def __init__(self, response: Mapping[str, Any], default: str) -> None:
        self.status = response.get("status")
        self.error = str(response.get("error") or default).strip()
        self.requestid = response.get("requestid") or None
        status = "" if self.status is None else f" [status={self.status}]"
        super().__init__(self.error + status)


class DrmsQueryError(DrmsStatusError):
    """show_series, jsoc_info or checkAddress reported an error (e.g. unknown series)."""


class DrmsExportError(DrmsStatusError):
    """An export request failed on the server (too large, bad record set, deleted, ...)."""


class ExportTimeoutError(DrmsError):
    """The export was still pending when the overall time limit ran out."""

    def __init__(self, message: str, *, requestid: str | None, status: int | None) -> None:
        super().__init__(message)
        self.requestid = requestid
        self.status = status


class DrmsDownloadError(DrmsError):
    """One or more exported files could not be downloaded; `.failures` says which and why."""

    def __init__(self, failures: list[tuple[str, str]]) -> None:
        self.failures = failures
        detail = "; ".join(f"{name}: {reason}" for name, reason in failures)
        super().__init__(f"{len(failures)} file(s) failed to download: {detail}")


class DownloadCancelledError(DrmsError):
    """The user cancelled a download; finished files are kept, the partial one removed."""
