"""The embedded S3 of `perda-tui serve` enforces credentials; clients get a read-only pair."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from perda_tui.server.runner import RunningDataServer
from perda_tui.server.s3_guard import MAX_SKEW_SECONDS
from tests.fixtures.dataserver import PASSWORD, SAMPLE_TREE

KEY = "REV 11/endurance.csv"


def s3_client(server: RunningDataServer, access_key: str, secret_key: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=server.s3_endpoint,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
    )


@pytest.fixture
def handed_out(fresh_data_server: RunningDataServer) -> Iterator[dict[str, str]]:
    """The S3 credentials the gateway gives a logged-in client."""
    with httpx.Client(base_url=fresh_data_server.url, timeout=10) as http:
        http.post("/api/v1/auth/login", json={"password": PASSWORD}).raise_for_status()
        yield http.post("/api/v1/s3/credentials", json={}).json()


def error_code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return str(caught.value.response["Error"]["Code"])


def test_a_made_up_key_is_refused(fresh_data_server: RunningDataServer) -> None:
    s3 = s3_client(fresh_data_server, "AKIAMADEUP", "anything")
    bucket = fresh_data_server.bucket
    assert error_code(s3.list_objects_v2, Bucket=bucket) == "InvalidAccessKeyId"
    assert error_code(s3.get_object, Bucket=bucket, Key=KEY) == "InvalidAccessKeyId"
    assert error_code(s3.put_object, Bucket=bucket, Key=KEY, Body=b"x") == "InvalidAccessKeyId"
    assert error_code(s3.delete_object, Bucket=bucket, Key=KEY) == "InvalidAccessKeyId"
    assert error_code(s3.list_buckets) == "InvalidAccessKeyId"
    assert fresh_data_server.storage.list("REV 11/")  # nothing was deleted


def test_the_right_key_with_a_wrong_secret_is_refused(
    fresh_data_server: RunningDataServer, handed_out: dict[str, str]
) -> None:
    s3 = s3_client(fresh_data_server, handed_out["access_key"], "wrong-secret")
    code = error_code(s3.get_object, Bucket=fresh_data_server.bucket, Key=KEY)
    assert code == "SignatureDoesNotMatch"


def test_the_clients_pair_reads_but_cannot_write_or_delete(
    fresh_data_server: RunningDataServer, handed_out: dict[str, str]
) -> None:
    bucket = handed_out["bucket_name"]
    s3 = s3_client(fresh_data_server, handed_out["access_key"], handed_out["secret_key"])
    assert s3.get_object(Bucket=bucket, Key=KEY)["Body"].read() == SAMPLE_TREE[KEY][0]
    assert s3.list_objects_v2(Bucket=bucket, Prefix="REV 11/")["KeyCount"] > 0
    assert error_code(s3.put_object, Bucket=bucket, Key=KEY, Body=b"evil") == "AccessDenied"
    assert error_code(s3.put_object, Bucket=bucket, Key="new.csv", Body=b"x") == "AccessDenied"
    assert error_code(s3.delete_object, Bucket=bucket, Key=KEY) == "AccessDenied"
    delete = {"Objects": [{"Key": KEY}]}
    assert error_code(s3.delete_objects, Bucket=bucket, Delete=delete) == "AccessDenied"
    assert error_code(s3.create_bucket, Bucket="another") == "AccessDenied"
    assert error_code(s3.list_buckets) == "AccessDenied"  # not inside its bucket
    assert fresh_data_server.storage.list("REV 11/")
    own = s3_client(
        fresh_data_server,
        fresh_data_server.storage.settings.access_key,
        fresh_data_server.storage.settings.secret_key,
    )
    assert own.get_object(Bucket=bucket, Key=KEY)["Body"].read() == SAMPLE_TREE[KEY][0]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/moto-api/data.json"),
        ("POST", "/moto-api/reset"),
        ("POST", "/moto-api/reset-auth"),
        ("GET", "/"),
        ("GET", "/{bucket}/REV%2011/endurance.csv"),
        ("DELETE", "/{bucket}/REV%2011/endurance.csv"),
    ],
)
def test_unsigned_requests_and_mocks_control_api_are_refused(
    fresh_data_server: RunningDataServer, method: str, path: str
) -> None:
    url = fresh_data_server.s3_endpoint + path.format(bucket=fresh_data_server.bucket)
    response = httpx.request(method, url, content=b"0", timeout=10)
    assert response.status_code == 403
    assert "AccessDenied" in response.text
    assert fresh_data_server.storage.list("REV 11/")


def signed_get(url: str, access_key: str, secret_key: str, when: datetime) -> httpx.Response:
    """GET `url` signed by hand (SigV4 for S3) as if at `when`."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method="GET", url=url)
    auth = S3SigV4Auth(Credentials(access_key, secret_key), "s3", "us-east-1")
    request.context["timestamp"] = when.strftime("%Y%m%dT%H%M%SZ")
    auth._modify_request_before_signing(request)
    canonical = auth.canonical_request(request)
    signature = auth.signature(auth.string_to_sign(request, canonical), request)
    request.headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={auth.scope(request)}, "
        f"SignedHeaders={auth.signed_headers(auth.headers_to_sign(request))}, "
        f"Signature={signature}"
    )
    return httpx.get(url, headers=dict(request.headers.items()), timeout=10)


def test_a_replayed_old_request_is_refused(
    fresh_data_server: RunningDataServer, handed_out: dict[str, str]
) -> None:
    url = f"{fresh_data_server.s3_endpoint}/{fresh_data_server.bucket}/REV%2011/endurance.csv"
    keys = handed_out["access_key"], handed_out["secret_key"]
    now = datetime.now(UTC)
    fresh = signed_get(url, *keys, now)
    assert fresh.content == SAMPLE_TREE[KEY][0], fresh.text
    old = signed_get(url, *keys, now - timedelta(seconds=MAX_SKEW_SECONDS + 120))
    assert old.status_code == 403
    assert "RequestTimeTooSkewed" in old.text
