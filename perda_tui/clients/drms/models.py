"""Typed views of DRMS answers, built defensively from untrusted JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TIME_TYPES = frozenset({"time"})
INTEGER_TYPES = frozenset({"short", "int", "longlong"})
REAL_TYPES = frozenset({"float", "double"})


def text(data: Mapping[str, Any], key: str) -> str:
    """`data[key]` as a string ("" when missing or null)."""
    value = data.get(key)
    return "" if value is None else str(value)


def items(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """The objects in list `data[key]` (anything else is skipped)."""
    value = data.get(key)
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


@dataclass(frozen=True)
class SeriesSummary:
    """One entry of a series list."""

    name: str
    note: str = ""
    primekeys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Keyword:
    """A keyword of a series: DRMS type name, units and description."""

    name: str
    type: str
    units: str = ""
    note: str = ""
    recscope: str = ""
    defval: str = ""

    @property
    def is_time(self) -> bool:
        """A DRMS time (`T_REC`, ...)."""
        return self.type in TIME_TYPES

    @property
    def is_integer(self) -> bool:
        """short, int or longlong."""
        return self.type in INTEGER_TYPES

    @property
    def is_numeric(self) -> bool:
        """Integer or real (float, double): can be plotted."""
        return self.type in INTEGER_TYPES or self.type in REAL_TYPES


@dataclass(frozen=True)
class Segment:
    """A data segment (file) of each record."""

    name: str
    type: str = ""
    units: str = ""
    protocol: str = ""
    dims: str = ""
    note: str = ""


@dataclass(frozen=True)
class Link:
    """A link from this series to records of another."""

    name: str
    target: str = ""
    kind: str = ""
    note: str = ""


@dataclass(frozen=True)
class SeriesStructure:
    """What `series_struct` says about a series."""

    name: str
    note: str
    primekeys: tuple[str, ...]
    keywords: tuple[Keyword, ...]
    segments: tuple[Segment, ...]
    links: tuple[Link, ...]
    retention: str = ""
    first_record: str = ""
    last_record: str = ""

    @classmethod
    def from_json(cls, name: str, data: Mapping[str, Any]) -> SeriesStructure:
        """Parse a `jsoc_info?op=series_struct` answer (status already checked)."""
        interval = data.get("Interval")
        interval = interval if isinstance(interval, Mapping) else {}
        primekeys = data.get("primekeys")
        return cls(
            name=name,
            note=text(data, "note"),
            primekeys=tuple(str(k) for k in primekeys) if isinstance(primekeys, list) else (),
            keywords=tuple(
                Keyword(
                    name=text(k, "name"),
                    type=text(k, "type"),
                    units=text(k, "units"),
                    note=text(k, "note"),
                    recscope=text(k, "recscope"),
                    defval=text(k, "defval"),
                )
                for k in items(data, "keywords")
            ),
            segments=tuple(
                Segment(
                    name=text(s, "name"),
                    type=text(s, "type"),
                    units=text(s, "units"),
                    protocol=text(s, "protocol"),
                    dims=text(s, "dims"),
                    note=text(s, "note"),
                )
                for s in items(data, "segments")
            ),
            links=tuple(
                Link(
                    name=text(link, "name"),
                    target=text(link, "target"),
                    kind=text(link, "kind"),
                    note=text(link, "note"),
                )
                for link in items(data, "links")
            ),
            retention=text(data, "retention"),
            first_record=text(interval, "FirstRecord"),
            last_record=text(interval, "LastRecord"),
        )

    def keyword(self, name: str) -> Keyword | None:
        """The keyword called `name` (case-insensitive), if the series has it."""
        wanted = name.lower()
        return next((k for k in self.keywords if k.name.lower() == wanted), None)

    @property
    def numeric_keywords(self) -> tuple[Keyword, ...]:
        """Keywords that can be plotted."""
        return tuple(k for k in self.keywords if k.is_numeric)
