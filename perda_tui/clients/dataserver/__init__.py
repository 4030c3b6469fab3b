"""Client of the PER data server: gateway (httpx) for login, listing and metadata; logs
downloaded straight from S3 (boto3) into a validated, resumable cache. No Textual here.
"""

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
