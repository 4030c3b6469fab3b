"""`DrmsArchive`: typed helpers over `HttpJsonClient` for series, structures and records."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from perda_tui.clients.drms.client import HttpJsonClient, split_arg
from perda_tui.clients.drms.config import ServerConfig
from perda_tui.clients.drms.errors import DrmsQueryError, DrmsResponseError
from perda_tui.clients.drms.models import SeriesStructure, SeriesSummary, items, text

if TYPE_CHECKING:
    import pandas as pd

#: checkAddress.sh status meaning "valid and registered for exports".
EMAIL_REGISTERED = 2
_SERIES_NAME = re.compile(r"^\s*([\w.]+)")


@dataclass(frozen=True)
class EmailCheck:
    """The answer of checkAddress.sh for one address."""

    status: int | None
    message: str

    @property
    def registered(self) -> bool:
        """True only for status 2 (valid and registered), as drms `check_email`."""
        return self.status == EMAIL_REGISTERED


def series_name(recordset: str) -> str:
    """The series part of a record-set query (`hmi.M_45s[...]{...}` → `hmi.M_45s`)."""
    match = _SERIES_NAME.match(recordset)
    if not match:
        raise ValueError(f"not a record-set query: {recordset!r}")
    return match.group(1)


def check_query(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Raise `DrmsQueryError` unless the answer has status 0."""
    if data.get("status") != 0:
        raise DrmsQueryError(data, "DRMS query failed.")
    return data


class DrmsArchive:
    """The operations the archive screen needs, returning typed values and raising on errors."""

    def __init__(self, client: HttpJsonClient | str | ServerConfig = "jsoc") -> None:
        self.client = client if isinstance(client, HttpJsonClient) else HttpJsonClient(client)
        self._structures: dict[str, SeriesStructure] = {}

    @property
    def server(self) -> ServerConfig:
        """The server configuration in use."""
        return self.client.server

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()

    def series(self, regex: str | None = None) -> list[SeriesSummary]:
        """Series whose name matches `regex`, with descriptions (the wrapper when available)."""
        self.server.require("series")
        if self.server.cgi_show_series_wrapper:
            wrapper = self.client.show_series_wrapper(regex, info=True)
            entries = wrapper.get("seriesList")
            if not isinstance(entries, list):
                raise DrmsQueryError(wrapper, "show_series_wrapper returned no seriesList")
            return [_wrapper_entry(entry) for entry in entries]
        data = check_query(self.client.show_series(regex))
        return [
            SeriesSummary(
                name=text(entry, "name"),
                note=text(entry, "note"),
                primekeys=tuple(split_arg(text(entry, "primekeys"))),
            )
            for entry in items(data, "names")
        ]

    def structure(self, series: str) -> SeriesStructure:
        """Prime keys, keywords, segments and links of a series (cached per name)."""
        self.server.require("info")
        name = series_name(series)
        key = name.lower()  # series names are case-insensitive; drms asks in lower case
        if key not in self._structures:
            data = check_query(self.client.series_struct(key))
            self._structures[key] = SeriesStructure.from_json(name, data)
        return self._structures[key]

    def count(self, recordset: str) -> int:
        """Number of records in a record set (`rs_summary`)."""
        self.server.require("query")
        data = check_query(self.client.rs_summary(recordset))
        try:
            return int(data["count"])
        except (KeyError, TypeError, ValueError) as exc:
            raise DrmsResponseError(
                f"rs_summary answer has no usable count: {data.get('count')!r}",
                url=self.server.url("cgi_jsoc_info"),
            ) from exc

    def records(
        self, recordset: str, keys: str | Iterable[str], n: int | None = None
    ) -> pd.DataFrame:
        """Keyword values as a DataFrame: numeric keywords as numbers, time keywords parsed.

        Time strings such as `2024.01.01_00:00:00_TAI` become naive datetimes (TAI is not
        converted); unparsable or `MISSING` values become NaN/NaT.
        """
        import pandas as pd

        self.server.require("query")
        wanted = split_arg(keys)
        data = check_query(self.client.rs_list(recordset, key=wanted, n=n))
        columns = {text(k, "name"): k.get("values") for k in items(data, "keywords")}
        try:
            frame = pd.DataFrame(
                {
                    name: list(values) if isinstance(values, list) else []
                    for name, values in columns.items()
                }
            )
        except ValueError as exc:  # keyword value lists of different lengths
            raise DrmsResponseError(
                f"rs_list answer for {recordset} is inconsistent: {exc}",
                url=self.server.url("cgi_jsoc_info"),
            ) from exc
        if frame.empty and not len(frame.columns):
            frame = pd.DataFrame(columns=wanted)
        structure = self.structure(recordset)
        for column in frame.columns:
            keyword = structure.keyword(column)
            if keyword is None:
                continue
            if keyword.is_time:
                frame[column] = parse_drms_times(frame[column])
            elif keyword.is_numeric:
                frame[column] = _to_number(frame[column], keyword.is_integer)
        return frame

    def check_email(self, email: str) -> EmailCheck:
        """Ask checkAddress.sh whether `email` may request exports."""
        self.server.require("email")
        data = self.client.check_address(email)
        status = data.get("status")
        return EmailCheck(
            status=_as_int(status),
            message=text(data, "msg") or text(data, "error"),
        )


def parse_drms_times(values: pd.Series) -> pd.Series:
    """DRMS time strings (`YYYY.MM.DD_hh:mm:ss[.f]_TAI`, ISO) as naive datetimes (NaT if bad)."""
    import pandas as pd

    cleaned = (
        values.astype(str)
        .str.replace(r"_?(TAI|UTC|UT|Z)$", "", regex=True)
        .str.replace(r"^(\d{4})\.(\d{2})\.(\d{2})_?", r"\1-\2-\3 ", regex=True)
        .str.strip()
    )
    try:
        return pd.to_datetime(cleaned, errors="coerce", format="mixed")
    except ValueError:  # explicit offsets that differ: compare them on UTC
        return pd.to_datetime(cleaned, errors="coerce", format="mixed", utc=True).dt.tz_localize(
            None
        )


def _to_number(values: pd.Series, integer: bool) -> pd.Series:
    import pandas as pd

    if integer:
        values = values.map(_hex_to_int)
    return pd.to_numeric(values, errors="coerce")


def _hex_to_int(value: object) -> object:
    """`0x...` strings (QUALITY and other bit masks) as integers; anything else unchanged."""
    if isinstance(value, str) and value.lower().startswith("0x"):
        try:
            return int(value, 16)
        except ValueError:
            return value
    return value


def _as_int(value: object) -> int | None:
    if not isinstance(value, int | float | str):
        return None
    try:
        return int(value)
    except (OverflowError, ValueError):
        return None


def _wrapper_entry(entry: object) -> SeriesSummary:
    if isinstance(entry, Mapping) and entry:
        name, info = next(iter(entry.items()))
        note = text(info, "description") if isinstance(info, Mapping) else ""
        return SeriesSummary(name=str(name), note=note)
    return SeriesSummary(name=str(entry))
