"""Fuzzy search over names and descriptions."""

import pytest

from perda_tui.logs import Log
from perda_tui.samples.writer import write_sample_log


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Log:
    return Log.load(write_sample_log(tmp_path_factory.mktemp("s") / "s.csv", 3000))


def test_front_wheel_speed_finds_the_front_wheels(sample: Log) -> None:
    names = [s.name for s in sample.search("front wheel speed", top_n=5)]
    assert set(names[:2]) == {"pcm.wheelSpeeds.frontRight", "pcm.wheelSpeeds.frontLeft"}


def test_description_words_match(sample: Log) -> None:
    assert sample.search("max cell temperature")[0].name == "ams.cells.temp_max"
    assert sample.search("pack volt")[0].name == "ams.pack.voltage"


def test_exact_name_comes_first_and_top_n_limits(sample: Log) -> None:
    assert sample.search("gps.lon")[0].name == "gps.lon"
    assert len(sample.search("cell voltage", top_n=3)) == 3


def test_nothing_matches_nonsense_or_blank(sample: Log) -> None:
    assert sample.search("   ") == []
    assert sample.search("zzqqxxj") == []
