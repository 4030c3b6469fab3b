"""`import perda_tui.logs` stays light: pyarrow, pandas and rapidfuzz load on first use."""

import subprocess
import sys


def test_heavy_libraries_are_lazy() -> None:
    code = (
        "import sys; from perda_tui.logs import Log, Signal, decimate; "
        "print(','.join(sorted(m for m in ('pyarrow', 'pandas', 'rapidfuzz') if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_parsing_does_not_import_pandas(tmp_path) -> None:
    """pyarrow imports pandas (~0.3 s) on its first Python-to-Arrow conversion; the fast
    path (bad rows included: blank, short, long) never makes one."""
    path = tmp_path / "x.csv"
    path.write_text("PER Log v2.0\nValue a: 1\n1,1,1\n\n2,1\n3,1,1,1\n4,1,\n")
    code = (
        "import sys; from perda_tui.logs import Log; "
        f"Log.load({str(path)!r}); print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
