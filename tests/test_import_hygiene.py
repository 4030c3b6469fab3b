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
