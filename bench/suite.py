"""Run every `bench/bench_*.py` module's `run()` and print one table (also as Markdown).

`python -m bench [NAME ...]` runs only the modules whose name contains one of NAME; a full
run also writes `bench/results.md` and the README's performance table.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from pathlib import Path

from bench.common import BenchResult

HEADER = ["figure", "measured", "target", "", "note"]
RESULTS_FILE = Path(__file__).with_name("results.md")
README = Path(__file__).parent.parent / "README.md"
#: The README's performance table stands between these two lines.
TABLE_START, TABLE_END = "<!-- bench:start -->", "<!-- bench:end -->"


def discover(filters: list[str]) -> list[str]:
    """Names of the benchmark modules to run, sorted."""
    names = sorted(
        f"bench.{info.name}"
        for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if info.name.startswith("bench_")
    )
    return [n for n in names if not filters or any(f in n for f in filters)]


def markdown(rows: list[BenchResult]) -> str:
    """The results as a Markdown table (the README's performance table)."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def update_readme(table: str, readme: Path = README) -> None:
    """Replace the README's performance table with `table`."""
    text = readme.read_text(encoding="utf-8")
    head, start, rest = text.partition(TABLE_START)
    _, end, tail = rest.partition(TABLE_END)
    if not start or not end:
        raise ValueError(f"{readme} has no {TABLE_START} ... {TABLE_END} block")
    readme.write_text(f"{head}{TABLE_START}\n{table}{TABLE_END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the table, write `bench/results.md`; exit 1 on a miss."""
    filters = sys.argv[1:] if argv is None else argv
    rows: list[BenchResult] = []
    failed: list[str] = []
    for name in discover(filters):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            rows.extend(importlib.import_module(name).run())
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others
            traceback.print_exc()
            failed.append(name)
    table = markdown(rows)
    print(table)
    if not filters:  # a full run: keep the table and put it in the README
        RESULTS_FILE.write_text(table, encoding="utf-8")
        update_readme(table)
    for name in failed:
        print(f"FAILED: {name}", file=sys.stderr)
    return 1 if failed or not all(row.ok for row in rows) else 0
