"""The text before the data rows: header line, `Value` mapping block, and non-log sniffing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from perda_tui.logs.errors import LogParseError

CHUNK = 1 << 16
SNIFF = 4096
MAX_LINE = 1 << 20
RECORDING_RE = re.compile(r"PER Log:\s*(.*?)(?:\s+v\d+\.\d+)?$")
TITLE_RE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
MAGIC = {
    b"\x1f\x8b": "gzip-compressed data",
    b"PK\x03\x04": "a ZIP archive",
    b"PAR1": "a Parquet file",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"SQLite format 3": "an SQLite database",
}


@dataclass
class Mapping:
    """One declared signal: id, C++ name and description."""

    id: int
    name: str
    description: str


@dataclass
class Prelude:
    """What the header and mapping block say, and where the data rows begin."""

    header: str
    time_unit: str
    recording_time: datetime | None
    mappings: dict[int, Mapping]
    data_offset: int
    first_data_line: int
    warnings: list[str] = field(default_factory=list)


def _is_text(line: bytes) -> bool:
    """UTF-8 (a character cut off at the very end allowed) without control characters
    other than tab and CR."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(line) - 3:
            return False
        text = line[: exc.start].decode("utf-8")
    return not any(ord(c) < 32 and c not in "\t\r" for c in text)


def _looks_binary(sample: bytes) -> bool:
    """Judge the first two non-blank lines: the header must be clean text; the next line
    too, NUL bytes aside (a zero-filled tail after a power loss is still a log)."""
    lines = [ln for ln in sample.split(b"\n") if ln.replace(b"\x00", b"").strip()][:2]
    if not lines:
        return False
    rest_ok = all(_is_text(ln.replace(b"\x00", b"")) for ln in lines[1:])
    return not (_is_text(lines[0]) and rest_ok)


def _describe_non_log(sample: bytes, name: str) -> str | None:
    """A sentence saying what the file is when it is clearly not a PER log, else None."""
    for magic, what in MAGIC.items():
        if sample.startswith(magic):
            return f"{name} is {what}, not a PER log"
    if _looks_binary(sample):
        return f"{name} holds binary data (starts with {sample[:8].hex(' ')}), not a PER log"
    text = sample.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")):
        title = TITLE_RE.search(sample)
        shown = f' titled "{title.group(1).decode(errors="replace").strip()[:80]}"' if title else ""
        return (
            f"{name} is an HTML page{shown} (an error page from a server or proxy?), not a PER log"
        )
    if text.startswith((b"{", b"[")):
        first = text.splitlines()[0].decode(errors="replace")[:80]
        return f"{name} is a JSON document ({first}), not a PER log"
    return None


def parse_header(header: str) -> tuple[str, datetime | None]:
    """Time unit ("us" when the header ends in v2.0, else "ms") and recording time."""
    unit = "us" if header.rstrip().endswith("v2.0") else "ms"
    match = RECORDING_RE.search(header.strip())
    recorded = None
    if match:
        try:
            recorded = datetime.strptime(match.group(1).strip(), "%a %b %d %H:%M:%S %Y")
        except ValueError:
            recorded = None
    return unit, recorded


def parse_mapping(text: str) -> Mapping | None:
    """`Value Desc (cpp.name): id` or `Value cpp.name: id` (after the prefix); None if malformed."""
    name_part, sep, id_part = text.strip().rpartition(": ")
    try:
        ident = int(id_part)
    except ValueError:
        return None
    if not sep:
        return None
    open_at, close_at = name_part.rfind("("), name_part.rfind(")")
    if 0 <= open_at < close_at:
        name = name_part[open_at + 1 : close_at].strip()
        description = name_part[:open_at].strip()
    else:
        name, description = name_part.strip(), ""
    return Mapping(ident, name, description) if name else None


def read_prelude(path: Path) -> Prelude:
    """Read the header and mapping block; raise `LogParseError` for files that are not logs."""
    with path.open("rb") as stream:
        buffer = bytearray(stream.read(CHUNK))
        if not buffer:
            raise LogParseError(f"{path.name} is empty (0 bytes), not a PER log")
        verdict = _describe_non_log(bytes(buffer[:SNIFF]), path.name)
        if verdict:
            raise LogParseError(verdict)
        lines: list[bytearray] = []
        offset = 0
        at_eof = False
        while True:
            end = buffer.find(b"\n", offset)
            if end < 0:
                if at_eof:
                    end = len(buffer)
                    if offset == end:
                        break
                else:
                    if len(buffer) - offset > MAX_LINE:
                        raise LogParseError(
                            f"{path.name}: line {len(lines) + 1} is longer than {MAX_LINE:,} "
                            "bytes, not a PER log"
                        )
                    more = stream.read(CHUNK)
                    at_eof = not more
                    buffer += more
                    continue
            line = buffer[offset:end]
            if lines and not line.startswith(b"Value "):
                break
            lines.append(line)
            offset = min(end + 1, len(buffer))
    return _interpret(path, lines, offset)


def _interpret(path: Path, lines: list[bytearray], data_offset: int) -> Prelude:
    header = lines[0].decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r")
    unit, recorded = parse_header(header)
    prelude = Prelude(header, unit, recorded, {}, data_offset, len(lines) + 1)
    if "PER Log" not in header and len(lines) == 1:
        prelude.warnings.append(f'line 1 is not a PER log header: "{header[:80]}"')
    for number, raw in enumerate(lines[1:], start=2):
        text = raw.decode("utf-8", errors="replace").rstrip("\r")
        mapping = parse_mapping(text[len("Value ") :])
        if mapping is None:
            prelude.warnings.append(f'line {number}: malformed mapping line ignored: "{text[:80]}"')
            continue
        previous = prelude.mappings.get(mapping.id)
        if previous is not None:
            prelude.warnings.append(
                f"line {number}: id {mapping.id} declared again as {mapping.name} "
                f"(was {previous.name}); the later declaration wins"
            )
        prelude.mappings[mapping.id] = mapping
    return prelude
