"""Copy the SVG snapshots to a folder as `<screen>_<size>.svg` (`make screenshots`).

`test_snapshots_login/test_login[80x24].svg` becomes `login_80x24.svg`; the screen
(from the folder) prefixes test names that lack it, extra parameters are kept
(`test_snapshots_device/test_disconnected[80x24].svg` becomes `device_disconnected_80x24.svg`).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

SNAPSHOTS = Path(__file__).with_name("__snapshots__")
_NAME = re.compile(r"test_(?P<test>[^\[]+)(?:\[(?P<params>[^\]]*)\])?\.svg")


def screenshot_name(snapshot: Path) -> str | None:
    """The screenshot file name for one snapshot file (None if it is not a test SVG)."""
    match = _NAME.fullmatch(snapshot.name)
    if match is None:
        return None
    screen = snapshot.parent.name.removeprefix("test_snapshots_")
    test = match["test"] if match["test"].startswith(screen) else f"{screen}_{match['test']}"
    parts = [test, *re.split(r"[^A-Za-z0-9]+", match["params"] or "")]
    return "_".join(part for part in parts if part) + ".svg"


def export(out_dir: Path, snapshots: Path = SNAPSHOTS) -> list[Path]:
    """Copy every snapshot SVG into `out_dir`; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for snapshot in sorted(snapshots.glob("test_snapshots_*/*.svg")):
        name = screenshot_name(snapshot)
        if name is not None:
            written.append(Path(shutil.copyfile(snapshot, out_dir / name)))
    return written


def main(argv: list[str]) -> int:
    """`python -m tests.tui.export_screenshots OUT_DIR`."""
    out_dir = Path(argv[0] if argv else "screenshots")
    for path in export(out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
