"""Shortening names in the middle: readable ends, never two identical shortenings."""

from __future__ import annotations

import pytest

from perda_tui.tui.common.text import ELLIPSIS, shorten_middle, shorten_names


def test_short_names_are_kept() -> None:
    assert shorten_middle("endurance.csv", 20) == "endurance.csv"
    assert shorten_names(["a", "bb"], 5) == ["a", "bb"]


def test_long_name_keeps_both_ends() -> None:
    short = shorten_middle("pcm.wheelSpeeds.frontLeft", 19)
    assert short == f"pcm.wheel{ELLIPSIS}frontLeft"
    assert short.startswith("pcm.") and short.endswith("frontLeft")


@pytest.mark.parametrize("width", [0, 1, 2])
def test_tiny_widths_never_overflow(width: int) -> None:
    assert len(shorten_middle("pcm.wheelSpeeds.frontLeft", width)) == width


def test_names_differing_in_the_middle_stay_distinct() -> None:
    names = [f"pcm.wheelSpeeds.{corner}.raw.filtered.value" for corner in ("fl", "fr", "rl")]
    short = shorten_names(names, 16)
    assert all(len(s) <= 16 for s in short)
    assert len(set(short)) == len(names)
    for s, corner in zip(short, ("fl", "fr", "rl"), strict=True):
        assert corner in s


def test_many_similar_names_never_collide() -> None:
    names = [f"run_2026-04-01_endurance_{i:03d}_driver_{d}.csv" for i in range(40) for d in "AB"]
    for width in (12, 16, 20, 30):
        short = shorten_names(names, width)
        assert len(set(short)) == len(names), width
        assert all(len(s) <= width for s in short)


def test_same_name_twice_is_shortened_the_same() -> None:
    assert shorten_names(["a.long.name.csv"] * 2, 8) == [shorten_middle("a.long.name.csv", 8)] * 2
