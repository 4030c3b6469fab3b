"""What can go wrong talking to the data server, as the user needs to tell it apart.

Everything network-related is a `DataServerError`, itself the builtin `ConnectionError`
that the seed client documents.
"""

from __future__ import annotations


class DataServerError(ConnectionError):
    """Base of every data-server failure."""


class AuthenticationError(DataServerError):
    """The server refused the password, or a call was made before logging in."""


class ServerUnreachableError(DataServerError):
    """DNS failure, refused connection, timeout or a connection cut mid-way."""


class TLSError(ServerUnreachableError):
    """The server's TLS certificate could not be verified."""


class ServerError(DataServerError):
    """The server answered 5xx or something that is not the protocol."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class SessionExpiredError(DataServerError):
    """A call after login got 401: log in again."""


class LogNotFoundError(DataServerError):
    """The requested key is not in the bucket (any more)."""


class DownloadCancelledError(Exception):
    """The caller's cancel event was set; a partial download is kept for resuming."""


class UnsafeKeyError(ValueError):
    """A key that would resolve outside the cache folder (or is not a file key)."""
