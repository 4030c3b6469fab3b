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
