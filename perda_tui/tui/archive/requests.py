"""`Requests`: the archive screen's DRMS calls, one thread worker each, newest answer wins.

Each call belongs to a kind (`series`, `structure`, `records`). Starting a request makes it
the only one of its kind whose answer is shown; `forget()` (the user left the server) drops
every answer still on its way. The check happens on the UI thread when the answer arrives,
so an answer posted just before the user moved on is dropped too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from textual.dom import DOMNode
from textual.message import Message

from perda_tui.clients.drms import DrmsError

T = TypeVar("T")


class Request:
    """One call of `kind`; `what` names it in error messages (e.g. "Reading hmi.M_45s")."""

    def __init__(self, kind: str, what: str) -> None:
        self.kind = kind
        self.what = what


class RequestAnswered(Message):
    """`request` finished; `apply()` shows its result (or its error) on screen."""

    def __init__(self, request: Request, apply: Callable[[], None]) -> None:
        super().__init__()
        self.request = request
        self.apply = apply


class Requests:
    """Runs DRMS calls for `node` in thread workers and applies only the newest answers."""

    def __init__(self, node: DOMNode, on_error: Callable[[str, Exception], None]) -> None:
        self._node = node
        self._on_error = on_error
        self._latest: dict[str, Request] = {}

    def start(
        self, kind: str, what: str, fetch: Callable[[], T], show: Callable[[T], None]
    ) -> None:
        """Call `fetch()` in a thread, then `show(result)` on the UI thread if still wanted.

        A `DrmsError` or `ValueError` goes to `on_error(what, error)` instead.
        """
        request = Request(kind, what)
        self._latest[kind] = request

        def run() -> None:
            apply: Callable[[], None]
            try:
                apply = partial(show, fetch())
            except (DrmsError, ValueError) as exc:
                apply = partial(self._on_error, what, exc)
            self._node.post_message(RequestAnswered(request, apply))

        self._node.run_worker(
            run, name=what, group=kind, thread=True, exclusive=True, exit_on_error=False
        )

    def answer(self, message: RequestAnswered) -> None:
        """Apply `message` if its request is still the newest of its kind; drop it otherwise."""
        request = message.request
        if self._latest.get(request.kind) is request:
            del self._latest[request.kind]
            message.apply()

    def forget(self) -> None:
        """Drop every answer still on its way (their threads finish unseen)."""
        self._latest.clear()
        self._node.workers.cancel_node(self._node)
