"""Client of the PER data server: gateway (httpx) for login, listing and metadata; logs
downloaded straight from S3 (boto3) into a validated, resumable cache. No Textual here.

Names are loaded on first access (PEP 562), so importing a light submodule (`locks`, used
when a parsed log is reopened) does not import the HTTP client, httpx and ssl with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from perda_tui.lazy import lazy_names

if TYPE_CHECKING:
    from perda_tui.clients.dataserver.cache import LogCache
    from perda_tui.clients.dataserver.client import ServerClient
    from perda_tui.clients.dataserver.errors import (
        AuthenticationError,
        DataServerError,
        DownloadCancelledError,
        LogNotFoundError,
        ServerError,
        ServerUnreachableError,
        SessionExpiredError,
        TLSError,
        UnsafeKeyError,
    )
    from perda_tui.clients.dataserver.models import LogEntry, S3Credentials
    from perda_tui.clients.dataserver.transfer import TransferStats

_HOMES = {
    "AuthenticationError": "errors",
    "DataServerError": "errors",
    "DownloadCancelledError": "errors",
    "LogCache": "cache",
    "LogEntry": "models",
    "LogNotFoundError": "errors",
    "S3Credentials": "models",
    "ServerClient": "client",
    "ServerError": "errors",
    "ServerUnreachableError": "errors",
    "SessionExpiredError": "errors",
    "TLSError": "errors",
    "TransferStats": "transfer",
    "UnsafeKeyError": "errors",
}

__all__ = [
    "AuthenticationError",
    "DataServerError",
    "DownloadCancelledError",
    "LogCache",
    "LogEntry",
    "LogNotFoundError",
    "S3Credentials",
    "ServerClient",
    "ServerError",
    "ServerUnreachableError",
    "SessionExpiredError",
    "TLSError",
    "TransferStats",
    "UnsafeKeyError",
]


__getattr__, __dir__ = lazy_names(__name__, _HOMES)
