"""Download throughput: `ServerClient.download` versus plain boto3 `download_file`.

Same object (160 MiB of random bytes), same embedded S3 endpoint, same run. Each side
downloads it `ROUNDS` times into a fresh place, alternating; the best round of each counts.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.common import BenchResult

if TYPE_CHECKING:
    from perda_tui.server.runner import RunningDataServer

SIZE = 160 * 1024 * 1024
ROUNDS = 3
KEY = "bench/throughput.csv"
TARGET_RATIO = 0.9


def _boto3_seconds(server: RunningDataServer, destination: Path) -> float:
    import boto3
    from botocore.config import Config

    s3 = boto3.session.Session().client(
        "s3",
        endpoint_url=server.s3_endpoint,
        aws_access_key_id=server.storage.settings.access_key,
        aws_secret_access_key=server.storage.settings.secret_key,
        region_name="us-east-1",
        config=Config(
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )
    started = time.perf_counter()
    s3.download_file(server.bucket, KEY, str(destination))
    elapsed = time.perf_counter() - started
    s3.close()
    return elapsed


def _client_seconds(server: RunningDataServer, cache_dir: Path) -> float:
    from perda_tui.clients.dataserver import ServerClient

    with ServerClient(server.url, cache_dir=cache_dir) as client:
        client.login(server.password)
        started = time.perf_counter()
        client.download(KEY, progress=lambda done, total: None)
        return time.perf_counter() - started


def run() -> list[BenchResult]:
    """Best-of-`ROUNDS` MB/s for both, and their ratio (target >= 0.9)."""
    from perda_tui.server.runner import start_data_server

    data = os.urandom(SIZE)
    mb = SIZE / 1e6
    boto_times: list[float] = []
    client_times: list[float] = []
    with (
        start_data_server(password="bench") as server,
        tempfile.TemporaryDirectory(prefix="perda-bench-") as scratch,
    ):
        server.put_log(KEY, data)
        for round_ in range(ROUNDS):
            target = Path(scratch) / f"boto3-{round_}.csv"
            boto_times.append(_boto3_seconds(server, target))
            target.unlink()
            cache = Path(scratch) / f"cache-{round_}"
            client_times.append(_client_seconds(server, cache))
            if (cache / KEY).read_bytes() != data:
                raise AssertionError("downloaded file differs from the object")
            (cache / KEY).unlink()
    boto_rate = mb / min(boto_times)
    client_rate = mb / min(client_times)
    ratio = client_rate / boto_rate
    note = f"{SIZE // 2**20} MiB object, embedded S3, best of {ROUNDS}"
    return [
        BenchResult("download: ServerClient.download", client_rate, "MB/s", "", True, note),
        BenchResult("download: boto3 download_file", boto_rate, "MB/s", "(reference)", True, note),
        BenchResult(
            "download: ServerClient / boto3",
            ratio,
            "x",
            f">= {TARGET_RATIO}",
            ratio >= TARGET_RATIO,
            "same object, endpoint and run",
        ),
    ]
