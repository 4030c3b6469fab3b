"""DRMS archive client (JSOC, KIS or any NetDRMS site): the seed's `HttpJsonClient` on httpx,
plus typed helpers (`DrmsArchive`) and the export lifecycle (`ExportJob`)."""

from perda_tui.clients.drms.archive import DrmsArchive, EmailCheck, parse_drms_times, series_name
from perda_tui.clients.drms.client import HttpJsonClient
from perda_tui.clients.drms.config import (
    JSOC,
    KIS,
    ServerConfig,
    custom_server,
    register_server,
    registered_servers,
    resolve_server,
)
from perda_tui.clients.drms.errors import (
    DownloadCancelledError,
    DrmsConnectionError,
    DrmsDownloadError,
    DrmsError,
    DrmsExportError,
    DrmsHttpError,
    DrmsQueryError,
    DrmsResponseError,
    DrmsStatusError,
    DrmsTimeoutError,
    ExportTimeoutError,
    UnsupportedOperationError,
)
from perda_tui.clients.drms.export import (
    DownloadProgress,
    ExportFile,
    ExportJob,
    ExportStatus,
    safe_filename,
)
from perda_tui.clients.drms.models import Keyword, Link, Segment, SeriesStructure, SeriesSummary

__all__ = [
    "JSOC",
    "KIS",
    "DownloadCancelledError",
    "DownloadProgress",
    "DrmsArchive",
    "DrmsConnectionError",
    "DrmsDownloadError",
    "DrmsError",
    "DrmsExportError",
    "DrmsHttpError",
    "DrmsQueryError",
    "DrmsResponseError",
    "DrmsStatusError",
    "DrmsTimeoutError",
    "EmailCheck",
    "ExportFile",
    "ExportJob",
    "ExportStatus",
    "ExportTimeoutError",
    "HttpJsonClient",
    "Keyword",
    "Link",
    "Segment",
    "SeriesStructure",
    "SeriesSummary",
    "ServerConfig",
    "UnsupportedOperationError",
    "custom_server",
    "parse_drms_times",
    "register_server",
    "registered_servers",
    "resolve_server",
    "safe_filename",
    "series_name",
]
