"""The benchmark suite's README table update (the figures themselves are `make bench`)."""

from pathlib import Path

import pytest

from bench.common import BenchResult
from bench.suite import TABLE_END, TABLE_START, markdown, update_readme


def test_update_readme_replaces_only_the_table(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\nbefore\n{TABLE_START}\nold table\n{TABLE_END}\nafter\n")
    table = markdown([BenchResult("parse", 0.7, "s", "<= 1 s", True, "note")])
    update_readme(table, readme)
    text = readme.read_text()
    assert text == f"# x\nbefore\n{TABLE_START}\n{table}{TABLE_END}\nafter\n"
    assert "| parse | 0.7 s | <= 1 s | ok | note |" in text


def test_update_readme_without_markers_is_an_error(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# no table here\n")
    with pytest.raises(ValueError, match="bench:start"):
        update_readme("| t |\n", readme)
