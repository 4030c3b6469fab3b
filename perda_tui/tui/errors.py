"""One line saying what went wrong with the data server and what to do about it.

The client module is only consulted if it was imported: an error cannot be one of its
classes otherwise, and opening a local file must not import the client stack.
"""

from __future__ import annotations

import sys

from perda_tui.errors import describe

_CLIENT_MODULE = "perda_tui.clients.dataserver"


def explain(error: BaseException) -> str:
    """One line saying what went wrong with the data server and what to do about it."""
    client = sys.modules.get(_CLIENT_MODULE)
    text = describe(error)
    if client is None:
        return text
    if isinstance(error, client.AuthenticationError):
        return f"Wrong password: the server refused it ({text})."
    if isinstance(error, client.TLSError):
        return f"TLS problem: {text}. Check the certificate (or --insecure for a test server)."
    if isinstance(error, client.ServerUnreachableError):
        return f"Server unreachable: {text}"
    if isinstance(error, client.SessionExpiredError):
        return f"Session expired: {text}"
    if isinstance(error, client.ServerError):
        code = getattr(error, "status_code", None)
        return f"Server error{f' (HTTP {code})' if code else ''}: {text}"
    return text


def is_client_error(error: BaseException, name: str) -> bool:
    """Whether `error` is the data-server client's exception class `name`."""
    client = sys.modules.get(_CLIENT_MODULE)
    return client is not None and isinstance(error, getattr(client, name))


def is_unreachable(error: BaseException) -> bool:
    """True for a network failure (the cache can still be browsed offline)."""
    return is_client_error(error, "ServerUnreachableError")


def is_session_expired(error: BaseException) -> bool:
    """True when the server no longer accepts the session (sign in again)."""
    return is_client_error(error, "SessionExpiredError")
