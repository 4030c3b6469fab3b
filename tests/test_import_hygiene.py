"""The core (clients, logs, server) never imports Textual or Rich, and the CLI starts fast."""

import subprocess
import sys

import pytest

CORE_MODULES = [
    "perda_tui.cli.main",
    "perda_tui.config",
    "perda_tui.clients.dataserver",
    "perda_tui.clients.scrutiny",
    "perda_tui.clients.drms",
    "perda_tui.logs",
    "perda_tui.server",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'rich'}); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_cli_imports_no_heavy_library() -> None:
    code = (
        "import sys, perda_tui.cli.main; "
        "heavy = {'textual', 'rich', 'numpy', 'pandas', 'pyarrow', 'boto3', 'httpx'}; "
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


@pytest.mark.parametrize(
    ("package", "name", "module", "light"),
    [
        ("perda_tui.logs", "Log", "perda_tui.logs.log", "numpy"),
        (
            "perda_tui.clients.dataserver",
            "ServerClient",
            "perda_tui.clients.dataserver.client",
            "httpx",
        ),
    ],
)
def test_package_names_load_on_first_use(package: str, name: str, module: str, light: str) -> None:
    """`import package` loads no submodule behind its names (nor `light`); the first access
    to a name imports its module and keeps it; unknown names raise AttributeError."""
    code = (
        f"import sys, {package} as p; "
        f"print({module!r} in sys.modules, {light!r} in sys.modules, {name!r} in dir(p)); "
        f"value = p.{name}; "
        f"print({module!r} in sys.modules, value is sys.modules[{module!r}].{name}, "
        f"vars(p)[{name!r}] is value, hasattr(p, 'no_such_name'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False", "True", "True", "True", "True", "False"]


def test_reopening_a_parsed_log_loads_no_parser(tmp_path) -> None:
    """A log mapped from the parsed cache needs neither the CSV parser nor pyarrow, nor what
    only writing or warning needs (logging, tempfile): each costs start-up time."""
    path = tmp_path / "log.csv"
    path.write_text("PER Log v2.0\nValue a: 1\n" + "".join(f"{t},1,{t}.5\n" for t in range(50)))
    cache = tmp_path / "cache"
    heavy = [
        "perda_tui.logs.reader",
        "perda_tui.logs.prelude",
        "pyarrow",
        "pandas",
        "logging",
        "tempfile",
        "shutil",
        "perda_tui.clients.dataserver.client",
        "httpx",
    ]
    code = (
        "import sys; from perda_tui.parsed_cache import open_log; "
        f"log = open_log({str(path)!r}, {str(cache)!r}); "
        "print(log.sample_count, int(log['a'].values.sum() * 2)); "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    for run in ("parse", "reopen"):
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        counted, loaded = [*result.stdout.splitlines(), ""][:2]
        assert counted == f"50 {sum(2 * t + 1 for t in range(50))}"
        if run == "reopen":
            assert loaded == ""


#: What reopening a parsed log and drawing its first chart may load of the app: mapping the
#: parsed form and drawing, nothing of the parser, the UI, the config or the HTTP client.
REOPEN_AND_DRAW_MODULES = {
    "perda_tui",
    "perda_tui.charts",
    *(f"perda_tui.charts.{m}" for m in ("backend", "envelope", "model", "raster", "series")),
    "perda_tui.charts.ticks",
    "perda_tui.clients",
    "perda_tui.clients.dataserver",
    *(f"perda_tui.clients.dataserver.{m}" for m in ("errors", "keys", "locks")),
    "perda_tui.lazy",
    "perda_tui.logs",
    *(f"perda_tui.logs.{m}" for m in ("clock", "columnar", "errors", "log", "pyramid")),
    "perda_tui.logs.signal",
    "perda_tui.logs.store",
    "perda_tui.parsed_cache",
    "perda_tui.private_files",
    "perda_tui.progress",
    "perda_tui.text",
    "perda_tui.units",
}


def test_reopening_and_drawing_loads_only_mapping_and_drawing(tmp_path) -> None:
    """Process start to first chart of a parsed log (the cache bench's path) imports only
    the modules that map the parsed form and draw, and none of Textual, Rich, logging,
    tempfile, shutil or asyncio: every import there is start-up time."""
    path = tmp_path / "log.csv"
    path.write_text("PER Log v2.0\nValue a: 1\n" + "".join(f"{t},1,{t}.5\n" for t in range(50)))
    cache = tmp_path / "cache"
    stdlib = ["textual", "rich", "logging", "tempfile", "shutil", "asyncio", "subprocess"]
    code = (
        "import sys; from perda_tui.parsed_cache import open_log; "
        f"log = open_log({str(path)!r}, {str(cache)!r}); "
        "from perda_tui.charts.backend import draw; "
        "from perda_tui.charts.envelope import Envelope; "
        "from perda_tui.charts.model import Chart; "
        "from perda_tui.charts.series import envelope_series; "
        "s = log['a']; t = s.timestamps; "
        "times, lo, hi = Envelope(s).decimate(t[0], t[-1], 40); "
        "text = draw(Chart([envelope_series('a', times * 1.0, lo, hi)]), 40, 10).plain(); "
        "print(int(any(chr(0x2801) <= c <= chr(0x28FF) for c in text))); "
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] == 'perda_tui'))); "
        f"print(' '.join(m for m in {stdlib!r} if m in sys.modules))"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)  # parses
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    drawn, app, library = [*result.stdout.splitlines(), ""][:3]
    assert drawn == "1"  # the chart has braille dots: the data was drawn
    assert set(app.split()) <= REOPEN_AND_DRAW_MODULES, set(app.split()) - REOPEN_AND_DRAW_MODULES
    assert library == ""
