"""DRMS server configurations: the registry (`jsoc`, `kis`) and custom CGI base URLs."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from perda_tui.clients.drms.errors import UnsupportedOperationError

#: The CGI programs a server may offer, by config field.
CGI_FIELDS = (
    "cgi_show_series",
    "cgi_jsoc_info",
    "cgi_jsoc_fetch",
    "cgi_check_address",
    "cgi_show_series_wrapper",
)

#: Which CGIs each high-level operation needs (all of them), as drms `check_supported`.
OPERATION_CGIS: dict[str, tuple[str, ...]] = {
    "info": ("cgi_jsoc_info",),
    "query": ("cgi_jsoc_info",),
    "email": ("cgi_check_address",),
    "export": ("cgi_jsoc_info", "cgi_jsoc_fetch"),
}


@dataclass(frozen=True)
class ServerConfig:
    """Where a DRMS server's CGIs live; a CGI set to None does not exist on that server."""

    name: str
    cgi_baseurl: str
    cgi_show_series: str | None = "show_series"
    cgi_jsoc_info: str | None = "jsoc_info"
    cgi_jsoc_fetch: str | None = None
    cgi_check_address: str | None = None
    cgi_show_series_wrapper: str | None = None
    show_series_wrapper_dbhost: str | None = None
    http_download_baseurl: str | None = None
    encoding: str = "latin-1"

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a DRMS server config needs a name")
        _check_http_url(self.cgi_baseurl)
        if self.http_download_baseurl is not None:
            _check_http_url(self.http_download_baseurl)

    def url(self, cgi_field: str) -> str:
        """Full URL of one CGI (`cgi_jsoc_info`, ...); `UnsupportedOperationError` if absent."""
        if cgi_field not in CGI_FIELDS:
            raise ValueError(f"unknown CGI field {cgi_field!r}")
        cgi = getattr(self, cgi_field)
        if not cgi:
            name = cgi_field.removeprefix("cgi_")
            raise UnsupportedOperationError(
                f"DRMS server {self.name} has no {name} CGI; choose a server that offers it"
            )
        return urljoin(self.cgi_baseurl, cgi)

    def supports(self, operation: str) -> bool:
        """Whether `series`, `info`, `query`, `email` or `export` works on this server."""
        if operation == "series":
            return bool(self.cgi_show_series or self.cgi_show_series_wrapper)
        if operation not in OPERATION_CGIS:
            raise ValueError(f"unknown DRMS operation {operation!r}")
        return all(getattr(self, cgi) for cgi in OPERATION_CGIS[operation])

    def require(self, operation: str) -> None:
        """Raise `UnsupportedOperationError` unless `supports(operation)`."""
        if not self.supports(operation):
            raise UnsupportedOperationError(
                f"DRMS server {self.name} does not support {operation}; choose another server"
            )


def _check_http_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")


JSOC = ServerConfig(
    name="JSOC",
    cgi_baseurl="http://jsoc.stanford.edu/cgi-bin/ajax/",
    cgi_jsoc_fetch="jsoc_fetch",
    cgi_check_address="checkAddress.sh",
    cgi_show_series_wrapper="showextseries",
    show_series_wrapper_dbhost="hmidb2",
    http_download_baseurl="http://jsoc.stanford.edu/",
)
KIS = ServerConfig(name="KIS", cgi_baseurl="http://drms.leibniz-kis.de/cgi-bin/")

_registry: dict[str, ServerConfig] = {"jsoc": JSOC, "kis": KIS}


def register_server(config: ServerConfig) -> None:
    """Add a configuration under its lower-cased name (an existing name is an error)."""
    key = config.name.lower()
    if key in _registry:
        raise ValueError(f"DRMS server {key!r} is already registered")
    _registry[key] = config


def registered_servers() -> dict[str, ServerConfig]:
    """A copy of the registry, id → config."""
    return dict(_registry)


def custom_server(cgi_baseurl: str, name: str = "custom") -> ServerConfig:
    """A JSOC-like server at another CGI base URL; files download from that host's root."""
    base = cgi_baseurl if cgi_baseurl.endswith("/") else cgi_baseurl + "/"
    _check_http_url(base)
    return ServerConfig(
        name=name,
        cgi_baseurl=base,
        cgi_jsoc_fetch="jsoc_fetch",
        cgi_check_address="checkAddress.sh",
        http_download_baseurl=urljoin(base, "/"),
    )


def resolve_server(server: str | ServerConfig) -> ServerConfig:
    """A config from a registered id (any case), an http(s) CGI base URL, or a config."""
    if isinstance(server, ServerConfig):
        return server
    key = server.strip()
    if key.lower() in _registry:
        return _registry[key.lower()]
    if key.lower().startswith(("http://", "https://")):
        return custom_server(key)
    known = ", ".join(sorted(_registry))
    raise ValueError(f"unknown DRMS server {server!r}: use one of {known} or a CGI base URL")
