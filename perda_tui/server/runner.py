"""Start the reference data server in this process: S3 (embedded or given), SQLite, gateway.

Used by `perda-tui serve`, the demo, the tests and the benchmarks:

    with start_data_server("logs/", password="pw") as server:
        ServerClient(server.url).login(server.password)
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perda_tui.server.app import GatewayConfig, create_app
from perda_tui.server.metadata import MetadataStore
from perda_tui.server.storage import S3Settings, S3Storage

if TYPE_CHECKING:
    from perda_tui.server.embedded_s3 import EmbeddedS3

META_SUFFIX = ".meta.json"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
log = logging.getLogger(__name__)


class RunningDataServer:
    """A data server serving on `url` until `stop()` (or the end of a `with` block)."""

    def __init__(
        self,
        *,
        password: str,
        host: str,
        port: int,
        storage: S3Storage,
        metadata: MetadataStore,
        embedded: EmbeddedS3 | None = None,
        session_ttl: float,
        login_delay: float,
        log_level: str,
        tls: tuple[str, str] | None = None,
    ) -> None:
        import uvicorn

        self.password = password
        self.storage = storage
        self.metadata = metadata
        self._embedded = embedded
        self.app = create_app(
            GatewayConfig(
                password=password,
                storage=storage,
                metadata=metadata,
                session_ttl=session_ttl,
                login_delay=login_delay,
                advertise_request_host=embedded is not None and host not in LOOPBACK,
            )
        )
        self._socket = socket.create_server((host, port))
        bound_host, bound_port = self._socket.getsockname()[:2]
        shown_host = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.url = f"{'https' if tls else 'http'}://{shown_host}:{bound_port}"
        config = uvicorn.Config(
            self.app,
            log_level=log_level,
            access_log=log_level in ("info", "debug"),
            lifespan="off",
            timeout_graceful_shutdown=1,
            ssl_certfile=tls[0] if tls else None,
            ssl_keyfile=tls[1] if tls else None,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._stopped = False
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                self._socket.close()
                raise RuntimeError(f"the data server could not start on {self.url}")
            self._thread.join(0.01)

    @property
    def s3_endpoint(self) -> str:
        """The S3 endpoint clients download from."""
        return self.storage.settings.endpoint

    @property
    def bucket(self) -> str:
        """The bucket holding the logs."""
        return self.storage.settings.bucket

    def put_log(self, key: str, data: bytes, metadata: dict[str, Any] | None = None) -> None:
        """Store one log object, and its metadata if given."""
        self.storage.put(key, data)
        if metadata is not None:
            self.metadata.put(key, metadata)

    def delete_log(self, key: str) -> None:
        """Remove one log object and its metadata."""
        self.storage.delete(key)
        self.metadata.delete(key)

    def expire_sessions(self) -> None:
        """End every client session now (their next call gets 401)."""
        self.app.state.sessions.clear()

    def stop(self) -> None:
        """Stop the gateway and, when embedded, the S3 endpoint and its bucket."""
        if self._stopped:
            return
        self._stopped = True
        self._server.should_exit = True
        self._thread.join(5)
        self._release()

    def _release(self) -> None:
        self._socket.close()
        if self._embedded is not None:
            self.storage.clear()
            self._embedded.stop()
        self.storage.close()
        self.metadata.close()

    def __enter__(self) -> RunningDataServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def iter_log_files(logs_dir: Path) -> Iterator[tuple[str, Path, Path | None]]:
    """(key, file, metadata file or None) for every log under `logs_dir`, hidden files skipped."""
    for path in sorted(logs_dir.rglob("*")):
        relative = path.relative_to(logs_dir)
        if not path.is_file() or path.name.endswith(META_SUFFIX):
            continue
        if any(part.startswith(".") for part in relative.parts):
            continue
        candidates = (
            path.with_name(path.name + META_SUFFIX),
            path.with_name(path.stem + META_SUFFIX),
        )
        meta = next((c for c in candidates if c.is_file()), None)
        yield relative.as_posix(), path, meta


def upload_logs(server: RunningDataServer, logs_dir: Path) -> int:
    """Upload a folder of logs with their `NAME.meta.json`; returns how many were stored."""
    count = 0
    for key, path, meta_path in iter_log_files(logs_dir):
        server.storage.upload_file(key, str(path))
        if meta_path is not None:
            try:
                doc = json.loads(meta_path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                log.warning("ignoring unreadable metadata %s: %s", meta_path, exc)
            else:
                if isinstance(doc, dict):
                    server.metadata.put(key, doc)
        count += 1
    return count


def start_data_server(
    logs_dir: str | Path | None = None,
    *,
    password: str,
    host: str = "127.0.0.1",
    port: int = 0,
    s3_endpoint: str | None = None,
    bucket: str | None = None,
    db: str | Path | None = None,
    session_ttl: float = 12 * 3600.0,
    login_delay: float = 0.25,
    log_level: str = "warning",
    tls: tuple[str, str] | None = None,
) -> RunningDataServer:
    """Start S3 (embedded moto unless `s3_endpoint`), the metadata DB and the gateway.

    With `s3_endpoint`, the server's credentials come from `PERDA_S3_ACCESS_KEY`/
    `PERDA_S3_SECRET_KEY` (or `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`); clients receive
    `PERDA_S3_READ_ACCESS_KEY`/`PERDA_S3_READ_SECRET_KEY` (a read-only pair) when both are
    set, else the server's own.
    `db=None` keeps metadata in memory. `logs_dir` is uploaded before this returns.
    `tls=(certfile, keyfile)` serves the gateway over HTTPS.
    """
    if not password:
        raise ValueError("the data server needs a password")
    if logs_dir is not None and not Path(logs_dir).is_dir():
        raise ValueError(f"logs folder {logs_dir} does not exist")
    embedded = None
    if s3_endpoint:
        if not bucket:
            raise ValueError("--bucket is required with --s3-endpoint")
        env = os.environ
        settings = S3Settings(
            endpoint=s3_endpoint,
            bucket=bucket,
            access_key=env.get("PERDA_S3_ACCESS_KEY") or env.get("AWS_ACCESS_KEY_ID", ""),
            secret_key=env.get("PERDA_S3_SECRET_KEY") or env.get("AWS_SECRET_ACCESS_KEY", ""),
            region=env.get("AWS_DEFAULT_REGION", "us-east-1"),
            client_keys=(
                (env["PERDA_S3_READ_ACCESS_KEY"], env["PERDA_S3_READ_SECRET_KEY"])
                if env.get("PERDA_S3_READ_ACCESS_KEY") and env.get("PERDA_S3_READ_SECRET_KEY")
                else None
            ),
        )
    else:
        from perda_tui.server import embedded_s3

        bucket = bucket or f"perda-logs-{secrets.token_hex(4)}"
        # clients download from it directly, so it binds where the gateway does; loopback
        # stays loopback. Either way it accepts only its own two key pairs.
        embedded = embedded_s3.EmbeddedS3(
            host="127.0.0.1" if host in LOOPBACK else host, bucket=bucket
        )
        settings = S3Settings(
            endpoint=embedded.endpoint,
            bucket=bucket,
            access_key=embedded.admin.access_key,
            secret_key=embedded.admin.secret_key,
            client_keys=(embedded.reader.access_key, embedded.reader.secret_key),
        )
    storage = S3Storage(settings)
    try:
        storage.ensure_bucket()
        server = RunningDataServer(
            password=password,
            host=host,
            port=port,
            storage=storage,
            metadata=MetadataStore(db if db is not None else ":memory:"),
            embedded=embedded,
            session_ttl=session_ttl,
            login_delay=login_delay,
            log_level=log_level,
            tls=tls,
        )
    except BaseException:
        storage.close()
        if embedded is not None:
            embedded.stop()
        raise
    if logs_dir is not None:
        try:
            upload_logs(server, Path(logs_dir))
        except BaseException:
            server.stop()
            raise
    return server
