"""`LogEntry` and `S3Credentials`, built from untrusted JSON one field at a time.

A field with a wrong type falls back to its default instead of failing the whole
listing (the seed's pydantic models reject everything for one null title). Every field
is bounded before it is kept (`LIMITS`): a 10 MB description costs 4,000 characters, not
a frozen browser. Printed entries go through the text sanitiser (`perda_tui.text`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from perda_tui.clients.dataserver.errors import ServerError
from perda_tui.text import truncated, without_control
from perda_tui.units import human_bytes, plural

DELIMITER = "=" * 40
#: S3 keys are at most 1,024 bytes; a longer one is not a real object
MAX_KEY_CHARS = 1024


@dataclass(frozen=True)
class Limits:
    """How much of each metadata field an entry keeps (longer text ends with `…`)."""

    title: int = 300
    description: int = 4_000
    tags: int = 50
    tag: int = 100
    items: int = 100
    item_key: int = 100
    item_value: int = 1_000


LIMITS = Limits()


@dataclass(frozen=True)
class LogEntry:
    """One S3 object (file or folder) with the metadata the server has for it."""

    key: str
    name: str
    is_folder: bool
    size: int | None = None
    last_modified: str | None = None
    title: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    string_metadata: dict[str, str] = field(default_factory=dict)
    numeric_metadata: dict[str, float] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.key, self.is_folder, self.size, self.last_modified))

    def __str__(self) -> str:
        """The seed's `print_logs` lines, server text sanitised (no escapes, bidi, ...)."""
        safe = _shown
        if self.is_folder:
            return f"[DIR]  {safe(self.name)}/"
        parts = [f"[FILE] {safe(self.name)}"]
        if self.title:
            parts.append(f'  title: "{safe(self.title)}"')
        if self.tags:
            parts.append(f"  tags: [{', '.join(map(safe, self.tags))}]")
        if self.size is not None:
            parts.append(f"  size: {human_bytes(self.size)}")
        if self.last_modified:
            parts.append(f"  modified: {safe(self.last_modified)}")
        if self.description:
            desc = safe(self.description)
            desc = desc[:80] + ("..." if len(desc) > 80 else "")
            parts.append(f'  desc: "{desc}"')
        parts.extend(f"  {safe(k)}: {safe(v)}" for k, v in self.string_metadata.items())
        parts.extend(f"  {safe(k)}: {v}" for k, v in self.numeric_metadata.items())
        return "\n".join(parts)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (what the cache index stores)."""
        return asdict(self)


@dataclass(frozen=True)
class S3Credentials:
    """Read-only S3 credentials handed out by the gateway."""

    access_key: str
    secret_key: str = field(repr=False)
    bucket_name: str
    endpoint: str

    @classmethod
    def from_json(cls, doc: object) -> S3Credentials:
        """Validate the gateway's answer; `ServerError` when it is not usable."""
        if not isinstance(doc, dict):
            raise ServerError("credentials answer is not a JSON object", 200)
        values = {name: doc.get(name) for name in ("access_key", "secret_key", "bucket_name")}
        strings = {
            name: value for name, value in values.items() if isinstance(value, str) and value
        }
        bad = [name for name in values if name not in strings]
        endpoint = doc.get("endpoint") or ""
        if not isinstance(endpoint, str) or (
            endpoint and urlsplit(endpoint).scheme not in ("http", "https")
        ):
            bad.append("endpoint")
        if bad:
            raise ServerError(f"credentials answer lacks a valid {', '.join(bad)}", 200)
        return cls(
            access_key=strings["access_key"],
            secret_key=strings["secret_key"],
            bucket_name=strings["bucket_name"],
            endpoint=endpoint,
        )


def _shown(text: str) -> str:
    """Server text as printed: control and invisible characters become spaces."""
    return without_control(text, " ")


def _text(value: object, limit: int) -> str:
    return truncated(value, limit) if isinstance(value, str) else ""


def _tags(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    tags = (tag for tag in value if isinstance(tag, str))
    return [truncated(tag, LIMITS.tag) for tag in itertools.islice(tags, LIMITS.tags)]


def _strings(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    kept = (
        (k, v)
        for k, v in value.items()
        if isinstance(v, str) or (isinstance(v, int | float) and not isinstance(v, bool))
    )
    return {
        truncated(str(k), LIMITS.item_key): truncated(str(v), LIMITS.item_value)
        for k, v in itertools.islice(kept, LIMITS.items)
    }


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        try:
            number = float(value)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _numbers(value: object) -> dict[str, float]:
    if not isinstance(value, dict):
        return {}
    kept = ((k, n) for k, v in value.items() if (n := _number(v)) is not None)
    return {truncated(str(k), LIMITS.item_key): n for k, n in itertools.islice(kept, LIMITS.items)}


def _size(value: object) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number >= 0 and number == int(number) else None


def entry_from(item: dict[str, Any], meta: dict[str, Any]) -> LogEntry | None:
    """One `LogEntry` from a listing item and its metadata; None without a usable key."""
    key = item.get("key")
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_CHARS:
        return None
    is_folder = item.get("isFolder")
    if not isinstance(is_folder, bool):
        is_folder = key.endswith("/")
    name = item.get("name")
    if not isinstance(name, str) or not name or len(name) > len(key):
        name = key.rstrip("/").rsplit("/", 1)[-1]
    modified = item.get("lastModified")
    return LogEntry(
        key=key,
        name=name,
        is_folder=is_folder,
        size=None if is_folder else _size(item.get("size")),
        last_modified=modified[:40] if isinstance(modified, str) and modified else None,
        title=_text(meta.get("title"), LIMITS.title),
        description=_text(meta.get("description"), LIMITS.description),
        tags=_tags(meta.get("tags")),
        string_metadata=_strings(meta.get("string_metadata")),
        numeric_metadata=_numbers(meta.get("numeric_metadata")),
    )


def merge_listing(listing: object, metadata: object) -> list[LogEntry]:
    """Join the S3 listing with the metadata page by exact key, in listing order.

    Listing items without a usable key are skipped; metadata for unlisted keys is
    ignored; later metadata for the same key wins.
    """
    if not isinstance(listing, list):
        raise ServerError("listing answer is not a JSON array", 200)
    meta_by_key: dict[str, dict[str, Any]] = {}
    if isinstance(metadata, list):
        for doc in metadata:
            if isinstance(doc, dict) and isinstance(doc.get("log_key"), str):
                meta_by_key[doc["log_key"]] = doc
    entries = (
        entry_from(item, meta_by_key.get(str(item.get("key")), {}))
        for item in listing
        if isinstance(item, dict)
    )
    return [entry for entry in entries if entry is not None]


def entry_from_json(doc: object) -> LogEntry | None:
    """A `LogEntry` back from `LogEntry.to_json` (the cache index), None if unusable."""
    if not isinstance(doc, dict):
        return None
    listing = {
        "key": doc.get("key"),
        "name": doc.get("name"),
        "isFolder": doc.get("is_folder"),
        "size": doc.get("size"),
        "lastModified": doc.get("last_modified"),
    }
    return entry_from(listing, doc)


def format_listing(prefix: str, entries: Iterable[LogEntry]) -> str:
    """The seed's `print_logs` text: header, rule, entries, rule, folder and file counts
    (sizes in binary units and counts in the singular for one, unlike the seed)."""
    entries = list(entries)
    folders = sum(1 for e in entries if e.is_folder)
    lines = [f'Logs under "{_shown(prefix)}"', DELIMITER, *map(str, entries), DELIMITER]
    lines.append(f"{plural(folders, 'folder')}, {plural(len(entries) - folders, 'file')}")
    return "\n".join(lines)
