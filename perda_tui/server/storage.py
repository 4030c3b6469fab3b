"""Log objects in an S3 bucket: folder-style listing (paginated) and uploads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any


@dataclass(frozen=True)
class S3Settings:
    """Where the objects live and the credentials used to reach them."""

    endpoint: str
    bucket: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"
    #: (access key, secret key) handed to clients instead of the server's own, e.g. a
    #: read-only pair; None hands out the server's credentials
    client_keys: tuple[str, str] | None = None

    def keys_for_clients(self) -> tuple[str, str]:
        """The credentials the gateway gives to clients."""
        return self.client_keys or (self.access_key, self.secret_key)


class S3Storage:
    """A bucket seen as folders of logs."""

    def __init__(self, settings: S3Settings) -> None:
        import boto3
        from botocore.config import Config

        self.settings = settings
        self._s3 = boto3.session.Session().client(
            "s3",
            endpoint_url=settings.endpoint or None,
            aws_access_key_id=settings.access_key,
            aws_secret_access_key=settings.secret_key,
            region_name=settings.region,
            config=Config(
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                s3={"addressing_style": "path"},
            ),
        )

    def ensure_bucket(self) -> None:
        """Create the bucket unless it exists."""
        from botocore.exceptions import ClientError

        try:
            self._s3.head_bucket(Bucket=self.settings.bucket)
        except ClientError:
            self._s3.create_bucket(Bucket=self.settings.bucket)

    def put(self, key: str, data: bytes) -> None:
        """Store (or replace) one object."""
        self._s3.put_object(Bucket=self.settings.bucket, Key=key, Body=data)

    def upload_file(self, key: str, path: str) -> None:
        """Store one local file (multipart for large files)."""
        self._s3.upload_file(path, self.settings.bucket, key)

    def delete(self, key: str) -> None:
        """Remove one object."""
        self._s3.delete_object(Bucket=self.settings.bucket, Key=key)

    def list(self, prefix: str) -> list[dict[str, Any]]:
        """Direct children of `prefix` in the gateway's shape: folders first, then files."""
        folders: list[dict[str, Any]] = []
        files: list[dict[str, Any]] = []
        paginator = self._s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.settings.bucket, Prefix=prefix, Delimiter="/"):
            for common in page.get("CommonPrefixes", []):
                key = common["Prefix"]
                folders.append(
                    {"key": key, "name": key[len(prefix) :].rstrip("/"), "isFolder": True}
                )
            for obj in page.get("Contents", []):
                key = obj["Key"]
                if key == prefix:  # a folder marker object
                    continue
                modified = obj["LastModified"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                files.append(
                    {
                        "key": key,
                        "name": key[len(prefix) :],
                        "isFolder": False,
                        "size": obj["Size"],
                        "lastModified": modified,
                    }
                )
        return folders + files

    def clear(self) -> None:
        """Delete every object and the bucket itself (embedded storage shutdown)."""
        paginator = self._s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.settings.bucket):
            keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
            if keys:
                self._s3.delete_objects(Bucket=self.settings.bucket, Delete={"Objects": keys})
        self._s3.delete_bucket(Bucket=self.settings.bucket)

    def close(self) -> None:
        """Release the connection pool."""
        self._s3.close()
