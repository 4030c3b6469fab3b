"""An S3 endpoint inside this process: moto's threaded server on 127.0.0.1, ephemeral port.

moto keeps its buckets in process-wide memory, so every embedded endpoint in one process
sees the same buckets: callers use a unique bucket name each.
"""

from __future__ import annotations

import logging

#: moto accepts any credentials; these are what the gateway hands out for it.
ACCESS_KEY = "perda-embedded"
SECRET_KEY = "perda-embedded-secret"


class EmbeddedS3:
    """A running moto S3 server; `stop()` shuts it down."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        from moto.server import ThreadedMotoServer

        quiet_request_log()
        self._server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        self._server.start()
        bound_host, bound_port = self._server.get_host_and_port()
        self.endpoint = f"http://{bound_host}:{bound_port}"

    def stop(self) -> None:
        """Stop serving and wait for the server thread."""
        self._server.stop()

    def __enter__(self) -> EmbeddedS3:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def quiet_request_log() -> None:
    """Keep werkzeug's per-request lines (moto's server) off the terminal unless configured."""
    logger = logging.getLogger("werkzeug")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.WARNING)
