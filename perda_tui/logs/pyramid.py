"""Min/max pyramids of a signal: the min and max of fixed blocks of samples, level by level.

Level 0 holds one (min, max) per `BLOCK` samples, each next level one per `FACTOR` blocks
of the previous one; levels stop once too few blocks are left to be worth it. The chart's
`Envelope` answers wide windows from them instead of reading every sample. They are built
once per signal, or loaded with a parsed log from the cache (`perda_tui.logs.store`), so a
reopened log draws without touching its samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

#: Samples per block at the finest level, and the factor between levels.
BLOCK = 256
FACTOR = 16
#: A level is only worth it if a chart column spans at least this many of its blocks.
BLOCKS_PER_COLUMN = 4


@dataclass(frozen=True)
class Level:
    """One level: raw time of each block's first sample, its min and max (NaN ignored)."""

    starts: np.ndarray
    mins: np.ndarray
    maxs: np.ndarray
    size: int  # samples per block


def level_lengths(samples: int) -> list[int]:
    """How many blocks each level of a signal of `samples` samples has (finest first)."""
    if samples < BLOCK * BLOCKS_PER_COLUMN:
        return []
    lengths = [-(-samples // BLOCK)]
    while lengths[-1] >= FACTOR * BLOCKS_PER_COLUMN:
        lengths.append(-(-lengths[-1] // FACTOR))
    return lengths


class Sampled(Protocol):
    """What `levels` reads of a `Signal`."""

    timestamps: np.ndarray
    values: np.ndarray
    pyramid: tuple[Level, ...] | None


def levels(signal: Sampled) -> list[Level]:
    """The signal's pyramid: the stored one if it came with the log, else built now."""
    stored = signal.pyramid
    return list(stored) if stored is not None else build(signal.timestamps, signal.values)


def build(timestamps: np.ndarray, values: np.ndarray) -> list[Level]:
    """Every level for these samples (none for short signals, which need no pyramid)."""
    values = np.asarray(values, dtype=np.float64)
    count = len(level_lengths(len(values)))
    if not count:
        return []
    built = [_first(values, np.asarray(timestamps))]
    while len(built) < count:
        built.append(_coarser(built[-1]))
    return built


def _reduce(mins: np.ndarray, maxs: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Min and max of every `size` consecutive entries (the last group may be shorter)."""
    full = len(mins) // size * size
    low = np.fmin.reduce(mins[:full].reshape(-1, size), axis=1)
    high = np.fmax.reduce(maxs[:full].reshape(-1, size), axis=1)
    if full < len(mins):
        low = np.append(low, np.fmin.reduce(mins[full:]))
        high = np.append(high, np.fmax.reduce(maxs[full:]))
    return low, high


def _first(values: np.ndarray, timestamps: np.ndarray) -> Level:
    mins, maxs = _reduce(values, values, BLOCK)
    return Level(timestamps[::BLOCK].copy(), mins, maxs, BLOCK)


def _coarser(level: Level) -> Level:
    mins, maxs = _reduce(level.mins, level.maxs, FACTOR)
    return Level(level.starts[::FACTOR].copy(), mins, maxs, level.size * FACTOR)
