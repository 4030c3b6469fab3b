"""Log metadata in SQLite: title, description, tags and key/value metadata per S3 key."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS log_metadata (
    log_key TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    string_metadata TEXT NOT NULL DEFAULT '{}',
    numeric_metadata TEXT NOT NULL DEFAULT '{}'
)
"""
FIELDS = ("title", "description", "tags", "string_metadata", "numeric_metadata")


def normalise(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only well-typed fields of a metadata document (e.g. a `NAME.meta.json`)."""
    tags = metadata.get("tags")
    strings = metadata.get("string_metadata")
    numbers = metadata.get("numeric_metadata")
    return {
        "title": metadata.get("title") if isinstance(metadata.get("title"), str) else "",
        "description": (
            metadata.get("description") if isinstance(metadata.get("description"), str) else ""
        ),
        "tags": [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
        "string_metadata": (
            {k: v for k, v in strings.items() if isinstance(v, str)}
            if isinstance(strings, dict)
            else {}
        ),
        "numeric_metadata": (
            {
                k: v
                for k, v in numbers.items()
                if isinstance(v, int | float) and not isinstance(v, bool)
            }
            if isinstance(numbers, dict)
            else {}
        ),
    }


class MetadataStore:
    """SQLite-backed metadata, safe to share between the server's worker threads."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        with self._lock, self._db:
            self._db.execute(SCHEMA)

    def put(self, log_key: str, metadata: Mapping[str, Any]) -> None:
        """Insert or replace the metadata of one log."""
        doc = normalise(metadata)
        row = (
            log_key,
            doc["title"],
            doc["description"],
            json.dumps(doc["tags"]),
            json.dumps(doc["string_metadata"]),
            json.dumps(doc["numeric_metadata"]),
        )
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO log_metadata VALUES (?, ?, ?, ?, ?, ?)", row)

    def delete(self, log_key: str) -> None:
        """Forget the metadata of one log (no error when there is none)."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM log_metadata WHERE log_key = ?", (log_key,))

    def get(self, log_key: str) -> dict[str, Any] | None:
        """The metadata document of one log, or None."""
        rows = self._select("WHERE log_key = ?", (log_key,))
        return rows[0] if rows else None

    def page(self, path: str) -> list[dict[str, Any]]:
        """Metadata of the direct children of `path` (a folder prefix, '' for the root)."""
        rows = self._select(
            "WHERE substr(log_key, 1, ?) = ? AND instr(substr(log_key, ? + 1), '/') = 0 "
            "AND length(log_key) > ? ORDER BY log_key",
            (len(path), path, len(path), len(path)),
        )
        return rows

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()

    def _select(self, where: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        query = f"SELECT log_key, {', '.join(FIELDS)} FROM log_metadata {where}"
        with self._lock:
            rows = self._db.execute(query, params).fetchall()
        return [
            {
                "log_key": key,
                "title": title,
                "description": description,
                "tags": json.loads(tags),
                "string_metadata": json.loads(strings),
                "numeric_metadata": json.loads(numbers),
            }
            for key, title, description, tags, strings, numbers in rows
        ]
