"""Exceptions of the Scrutiny client (names as in the Scrutiny SDK)."""

from __future__ import annotations

import builtins


class ScrutinyError(Exception):
    """Base of every error raised by the Scrutiny client."""


class ConnectionError(ScrutinyError, builtins.ConnectionError):
    """The server cannot be reached, or the connection to it was lost."""


class TimeoutException(ScrutinyError):
    """A wait or a request did not complete in time."""


class InvalidValueError(ScrutinyError):
    """A value is not available (no status received yet, no value for a watched path)."""


class OperationFailure(ScrutinyError):
    """The server refused or failed a request; the message is the server's answer."""


class NotSupported(OperationFailure):
    """The server does not offer this operation (Scrutiny 0.1.0 servers: no watchable
    list, writes or datalogger through this client)."""


class WriteNotAllowed(ScrutinyError):
    """A write was asked of a client made without `allow_writes=True`."""
