"""The compare screen's parse budget: as many parses at once as memory allows."""

from __future__ import annotations

import threading
from pathlib import Path

from perda_tui.tui.compare.budget import (
    FALLBACK_BYTES,
    PEAK_PER_BYTE,
    ParseBudget,
    available_memory,
)


def test_available_memory_is_read_from_meminfo(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:  1000 kB\nMemFree:  10 kB\nMemAvailable:  512 kB\n")
    assert available_memory(meminfo) == 512 * 1024


def test_available_memory_without_meminfo_is_still_a_size(tmp_path: Path) -> None:
    broken = tmp_path / "meminfo"
    broken.write_text("MemAvailable: lots\n")
    for meminfo in (tmp_path / "missing", broken):
        assert available_memory(meminfo) > 0
    assert FALLBACK_BYTES > 0


def test_parses_start_while_their_logs_fit_in_the_budget() -> None:
    budget = ParseBudget(limit=100 * PEAK_PER_BYTE)
    with budget.hold(60):
        assert budget.fits(40)
        assert not budget.fits(41)
        with budget.hold(40):
            assert not budget.fits(1)
        assert budget.fits(40)
    assert budget.fits(100)


def test_a_log_bigger_than_the_budget_parses_alone() -> None:
    budget = ParseBudget(limit=10)
    assert budget.fits(1000)
    with budget.hold(1000):
        assert not budget.fits(0)
    assert budget.fits(1000)


def test_a_waiting_parse_starts_when_the_running_one_ends() -> None:
    budget = ParseBudget(limit=100 * PEAK_PER_BYTE)
    entered = threading.Event()

    def second() -> None:
        with budget.hold(80):
            entered.set()

    with budget.hold(80):
        waiter = threading.Thread(target=second)
        waiter.start()
        assert not budget.fits(80)  # so the second parse waits for this one
    assert entered.wait(10)
    waiter.join(10)
    assert budget.fits(100)
