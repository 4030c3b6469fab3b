"""The demo's sample logs are generated once per generator version."""

from __future__ import annotations

from pathlib import Path

import pytest

from perda_tui.cli import demo
from perda_tui.samples import trees


def test_sample_logs_are_reused_then_regenerated_when_the_generator_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[Path] = []

    def generate(folder: Path) -> None:
        runs.append(folder)
        folder.mkdir(parents=True)
        (folder / "run.csv").write_text(f"generation {len(runs)}\n")

    monkeypatch.setattr(trees, "generate_sample_tree", generate)
    folder = demo.sample_logs(tmp_path)
    assert (folder / "run.csv").read_text() == "generation 1\n"
    assert demo.sample_logs(tmp_path) == folder
    assert len(runs) == 1

    monkeypatch.setattr(demo, "generator_fingerprint", lambda: "a newer generator")
    folder = demo.sample_logs(tmp_path)
    assert (folder / "run.csv").read_text() == "generation 2\n"
    assert not folder.with_name(folder.name + ".tmp").exists()


def test_the_fingerprint_follows_the_generator_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import perda_tui.samples

    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "trees.py").write_text("PLANS = ()\n")
    monkeypatch.setattr(perda_tui.samples, "__file__", str(tmp_path / "__init__.py"))
    before = demo.generator_fingerprint()
    assert demo.generator_fingerprint() == before
    (tmp_path / "trees.py").write_text("PLANS = ('a new run',)\n")
    assert demo.generator_fingerprint() != before
