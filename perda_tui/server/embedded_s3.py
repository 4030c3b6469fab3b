"""An S3 endpoint inside this process: moto's S3 behind a signature gate, ephemeral port.

moto keeps its buckets in process-wide memory, so every embedded endpoint in one process
sees the same buckets: callers use a unique bucket name each. Each endpoint makes two
random key pairs: `admin` (everything; the gateway's own) and `reader` (GET/HEAD in
`bucket` only; what clients get). Any other key, unsigned requests and moto's control
API are refused (`s3_guard.SignatureGate`).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from perda_tui.server.s3_guard import S3Key, SignatureGate

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer


class EmbeddedS3:
    """A running moto S3 server; `stop()` shuts it down.

    `bucket` is the one bucket the `reader` pair may read.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, bucket: str | None = None) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        quiet_request_log()
        self.admin = S3Key.generate(read_only=False)
        self.reader = S3Key.generate(read_only=True)
        gate = SignatureGate(
            DomainDispatcherApplication(create_backend_app), [self.admin, self.reader], bucket
        )
        self._server: BaseWSGIServer = make_server(
            host, port, gate, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="perda-embedded-s3", daemon=True
        )
        self._thread.start()
        bound_host, bound_port = str(self._server.server_address[0]), self._server.server_port
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.endpoint = f"http://{shown}:{bound_port}"

    def stop(self) -> None:
        """Stop serving and wait for the server thread."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> EmbeddedS3:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def quiet_request_log() -> None:
    """Keep werkzeug's per-request lines (moto's server) off the terminal unless configured."""
    logger = logging.getLogger("werkzeug")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.WARNING)
