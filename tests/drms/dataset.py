"""The archive served by the local DRMS server: series, their structure and record values.

Records are generated on demand from the time index, so `hmi.M_45s[]` (millions of records)
costs nothing until listed. Values are deterministic functions of the record index.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

EPOCH = datetime(2010, 5, 1)
LAST = datetime(2026, 1, 1)
MAX_LIST = 100_000
_TIME = re.compile(
    r"^(\d{4})[.-](\d{2})[.-](\d{2})(?:[_T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:_?(?:TAI|UTC|Z))?$"
)
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RECORDSET = re.compile(r"^\s*([\w.]+)\s*((?:\[[^\]]*\])*)\s*(?:\{([^}]*)\})?\s*$")


class RecordSetError(ValueError):
    """A record-set query the server cannot parse (answered with status 1)."""


@dataclass(frozen=True)
class Series:
    """One series: name, description, cadence (s), segment, and its DATAMEAN curve."""

    name: str
    note: str
    cadence: int
    segment: str
    units: str
    base: float
    amplitude: float

    @property
    def first_index(self) -> int:
        return 0

    @property
    def last_index(self) -> int:
        return int((LAST - EPOCH).total_seconds()) // self.cadence

    def time(self, index: int) -> datetime:
        return EPOCH + timedelta(seconds=index * self.cadence)

    def t_rec(self, index: int) -> str:
        return self.time(index).strftime("%Y.%m.%d_%H:%M:%S_TAI")

    def keyword_value(self, keyword: str, index: int) -> str:
        """A keyword of record `index`, formatted as jsoc_info does (always a string)."""
        phase = 2 * math.pi * index * self.cadence / 86400
        wobble = ((index * 7919) % 101 - 50) / 50
        values = {
            "T_REC": lambda: self.t_rec(index),
            "T_OBS": lambda: (self.time(index) + timedelta(seconds=0.5)).strftime(
                "%Y.%m.%d_%H:%M:%S.50_TAI"
            ),
            "DATAMEAN": lambda: f"{self.base + self.amplitude * math.sin(phase) + wobble:.6f}",
            "DATARMS": lambda: (
                "MISSING" if index % 50 == 49 else f"{abs(self.amplitude) * 3 + wobble:.6f}"
            ),
            "QUALITY": lambda: "0x00000400" if index % 17 == 16 else "0x00000000",
            "CAMERA": lambda: "2" if self.cadence < 700 else "1",
            "EXPTIME": lambda: "0.135",
            "TELESCOP": lambda: self.name.split(".")[0].upper(),
            "*recnum*": lambda: str(self.recnum(index)),
            "*sunum*": lambda: str(self.sunum(index)),
        }
        return values[keyword]() if keyword in values else "Invalid KeyLink"

    def recnum(self, index: int) -> int:
        return 1_000_000 + index

    def sunum(self, index: int) -> int:
        return 800_000_000 + index // 8

    def segment_path(self, index: int, segment: str) -> str:
        return f"/SUM{index % 90 + 1}/D{self.sunum(index)}/S{index % 8:05d}/{segment}.fits"

    def structure(self) -> dict:
        """The `series_struct` answer."""
        keywords = [
            ("T_REC", "time", "TAI", "[T_REC] Slot time"),
            ("T_OBS", "time", "TAI", "[T_OBS] Nominal observation time"),
            ("DATAMEAN", "double", self.units, "[DATAMEAN] Mean value of the data"),
            ("DATARMS", "double", self.units, "[DATARMS] RMS of the data"),
            ("QUALITY", "int", "none", "[QUALITY] Level 1 quality word (bit mask)"),
            ("CAMERA", "int", "none", "[CAMERA] Camera used: 1 side, 2 front"),
            ("EXPTIME", "double", "s", "[EXPTIME] Exposure duration"),
            ("TELESCOP", "string", "none", "[TELESCOP] Instrument"),
        ]
        return {
            "note": self.note,
            "retention": 10000,
            "unitsize": 8,
            "archive": 1,
            "tapegroup": 1,
            "primekeys": ["T_REC"],
            "primekeysinfo": [{"name": "T_REC", "slotted": 1, "step": f"{self.cadence}s"}],
            "dbindex": ["T_REC"],
            "keywords": [
                {
                    "name": name,
                    "type": kind,
                    "recscope": "variable",
                    "defval": "-4712.01.01_11:59_TAI" if kind == "time" else "0",
                    "units": units,
                    "note": note,
                }
                for name, kind, units, note in keywords
            ],
            "segments": [
                {
                    "name": self.segment,
                    "type": "int",
                    "units": self.units,
                    "protocol": "fits",
                    "dims": "4096x4096",
                    "note": f"{self.segment} image",
                }
            ],
            "links": [],
            "Interval": {
                "FirstRecord": f"{self.name}[{self.t_rec(self.first_index)}]",
                "FirstRecnum": self.recnum(self.first_index),
                "LastRecord": f"{self.name}[{self.t_rec(self.last_index)}]",
                "LastRecnum": self.recnum(self.last_index),
                "MaxRecnum": self.recnum(self.last_index),
            },
            "runtime": 0.012,
            "status": 0,
        }


SERIES = {
    s.name.lower(): s
    for s in (
        Series(
            "hmi.M_45s",
            "Line-of-sight magnetograms with a cadence of 45 seconds.",
            45,
            "magnetogram",
            "Gauss",
            -1.5,
            2.0,
        ),
        Series(
            "hmi.M_720s",
            "Line-of-sight magnetograms with a cadence of 720 seconds.",
            720,
            "magnetogram",
            "Gauss",
            -1.2,
            1.8,
        ),
        Series(
            "hmi.V_45s",
            "Dopplergrams with a cadence of 45 seconds.",
            45,
            "Dopplergram",
            "m/s",
            3313.1,
            900.0,
        ),
        Series(
            "hmi.Ic_45s",
            "Continuum intensity with a cadence of 45 seconds.",
            45,
            "continuum",
            "DN/s",
            49500.0,
            120.0,
        ),
        Series(
            "mdi.fd_M_96m_lev182",
            "MDI full-disk 96-minute magnetograms, level 1.8.2.",
            5760,
            "data",
            "Gauss",
            -0.8,
            1.1,
        ),
    )
}


def parse_time(text: str) -> datetime:
    match = _TIME.match(text.strip())
    if not match:
        raise RecordSetError(f"invalid time {text!r}")
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    return datetime(y, mo, d, h, mi, s)


def parse_duration(text: str) -> float:
    match = _DURATION.match(text.strip())
    if not match:
        raise RecordSetError(f"invalid duration {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


@dataclass(frozen=True)
class RecordSet:
    """The records a query selects: indexes `range(start, stop, step)` and segment names."""

    series: Series
    indexes: range
    segments: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.indexes)


def resolve(query: str) -> RecordSet:
    """Parse `series[T_REC spec]{segments}`; `KeyError` for an unknown series."""
    match = _RECORDSET.match(query)
    if not match:
        raise RecordSetError(f"cannot parse record set {query!r}")
    name, brackets, segments = match.groups()
    series = SERIES[name.lower()]
    specs = re.findall(r"\[([^\]]*)\]", brackets or "")
    if len(specs) > 1:
        raise RecordSetError(f"{series.name} has one prime key, got {len(specs)}")
    indexes = _select(series, specs[0].strip() if specs else "")
    segs = tuple(s for s in re.split(r"[\s,]+", segments or "") if s) or (series.segment,)
    return RecordSet(series, indexes, segs)


def _select(series: Series, spec: str) -> range:
    last = series.last_index + 1
    if spec == "":
        return range(0, last)
    if spec == "^":
        return range(0, 1)
    if spec == "$":
        return range(last - 1, last)
    if spec.startswith(":#"):
        index = int(spec[2:]) - series.recnum(0)
        return range(index, index + 1) if 0 <= index < last else range(0)
    step = 1
    if "@" in spec:
        spec, step_text = spec.split("@", 1)
        step = max(1, round(parse_duration(step_text) / series.cadence))
    if "/" in spec:
        start_text, duration_text = spec.split("/", 1)
        start = _ceil_index(series, parse_time(start_text))
        stop = _ceil_index(
            series, parse_time(start_text) + timedelta(seconds=parse_duration(duration_text))
        )
    elif interval := re.fullmatch(r"(\d{4}\.[^-]+)-(\d{4}\..+)", spec):
        start_text, end_text = interval.groups()
        start = _ceil_index(series, parse_time(start_text))
        stop = _ceil_index(series, parse_time(end_text)) + 1
    else:
        moment = parse_time(spec)
        start = _ceil_index(series, moment)
        stop = start + 1 if series.time(start) == moment else start
    return range(max(start, 0), min(stop, last), step)


def _ceil_index(series: Series, moment: datetime) -> int:
    return -(-int((moment - EPOCH).total_seconds()) // series.cadence)
