"""`Signal`: one variable of a log as time-sorted numpy arrays, with stats and arithmetic."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from perda_tui.logs.pyramid import Level

SECONDS_PER_UNIT = {"us": 1e-6, "ms": 1e-3}
#: One side of an arithmetic operation between signals: values or a number.
Operand = np.ndarray | float | np.number


@dataclass(frozen=True)
class SignalStats:
    """Summary of a signal (or a window of it). NaN / None where undefined (no samples)."""

    count: int
    min: float
    max: float
    mean: float
    std: float
    first_time: int | None
    last_time: int | None
    rate_hz: float


class Signal:
    """Timestamps (int64, raw units of the log) and values (float64), sorted by time.

    `pyramid` is the min/max pyramid stored with a parsed log (`perda_tui.logs.pyramid`),
    None when it is to be built on first use (and for every window or derived signal).
    `out_of_order` counts the samples that came before their predecessor's time as read
    (in the file, or as given to the constructor), before they were sorted; 0 for windows
    and derived signals.
    """

    __slots__ = (
        "description",
        "id",
        "name",
        "out_of_order",
        "pyramid",
        "time_unit",
        "timestamps",
        "values",
    )

    def __init__(
        self,
        timestamps: ArrayLike,
        values: ArrayLike,
        name: str = "",
        description: str = "",
        id: int | None = None,
        time_unit: str = "us",
    ) -> None:
        if time_unit not in SECONDS_PER_UNIT:
            raise ValueError(f"time_unit must be 'us' or 'ms', not {time_unit!r}")
        t = np.asarray(timestamps, dtype=np.int64).reshape(-1)
        v = np.asarray(values, dtype=np.float64).reshape(-1)
        if t.size != v.size:
            raise ValueError(f"{t.size} timestamps but {v.size} values")
        self.out_of_order = int(np.count_nonzero(t[1:] < t[:-1])) if t.size > 1 else 0
        if self.out_of_order:
            order = np.argsort(t, kind="stable")
            t, v = t[order], v[order]
        self.timestamps = t
        self.values = v
        self.name = name
        self.description = description
        self.id = id
        self.time_unit = time_unit
        self.pyramid: tuple[Level, ...] | None = None

    @property
    def seconds_per_unit(self) -> float:
        """1e-6 for microsecond timestamps, 1e-3 for milliseconds."""
        return SECONDS_PER_UNIT[self.time_unit]

    def __len__(self) -> int:
        return int(self.timestamps.size)

    def __repr__(self) -> str:
        return f"Signal({self.name!r}, id={self.id}, {len(self)} samples, {self.time_unit})"

    @classmethod
    def _from_sorted(
        cls,
        timestamps: np.ndarray,
        values: np.ndarray,
        name: str,
        description: str,
        id: int | None,
        time_unit: str,
        out_of_order: int = 0,
    ) -> Signal:
        """For arrays already int64/float64 and in time order (the parser's output, a
        window, a derived signal): no copy, no re-check."""
        signal = cls.__new__(cls)
        signal.timestamps, signal.values = timestamps, values
        signal.name, signal.description, signal.id = name, description, id
        signal.time_unit = time_unit
        signal.out_of_order = out_of_order
        signal.pyramid = None
        return signal

    def _like(self, timestamps: np.ndarray, values: np.ndarray, name: str | None = None) -> Signal:
        """A window (same identity) or, with `name`, a derived signal."""
        if name is None:
            return self._from_sorted(
                timestamps, values, self.name, self.description, self.id, self.time_unit
            )
        return self._from_sorted(timestamps, values, name, "", None, self.time_unit)

    def _window(self, start: float | None, end: float | None) -> slice:
        """Indices of start <= t <= end. Bounds are made integers first (t >= x <=> t >=
        ceil(x)), so searchsorted does not convert every timestamp to float."""
        lo = 0 if start is None else self._index(math.ceil, start, "left")
        hi = len(self) if end is None else self._index(math.floor, end, "right")
        return slice(lo, max(lo, hi))

    def _index(
        self, rounding: Callable[[float], int], bound: float, side: Literal["left", "right"]
    ) -> int:
        if math.isnan(bound):
            raise ValueError("a window bound is NaN")
        if math.isinf(bound):
            return 0 if bound < 0 else len(self)
        key = min(max(rounding(bound), -(2**63)), 2**63 - 1)
        return int(np.searchsorted(self.timestamps, np.int64(key), side=side))

    def trim(self, start: float | None = None, end: float | None = None) -> Signal:
        """Samples with start <= t <= end (raw units); a view, no copy."""
        window = self._window(start, end)
        return self._like(self.timestamps[window], self.values[window])

    def stats(self, start: float | None = None, end: float | None = None) -> SignalStats:
        """Count, min, max, mean, std (population), first/last time and mean rate in Hz."""
        window = self._window(start, end)
        t, v = self.timestamps[window], self.values[window]
        if t.size == 0:
            nan = math.nan
            return SignalStats(0, nan, nan, nan, nan, None, None, nan)
        first, last = int(t[0]), int(t[-1])
        span = (last - first) * self.seconds_per_unit
        rate = (t.size - 1) / span if span > 0 else math.nan
        return SignalStats(
            count=int(t.size),
            min=float(v.min()),
            max=float(v.max()),
            mean=float(v.mean()),
            std=float(v.std()),
            first_time=first,
            last_time=last,
            rate_hz=rate,
        )

    def _combine(
        self,
        other: object,
        op: Callable[[Operand, Operand], np.ndarray],
        symbol: str,
        reverse: bool = False,
    ) -> Signal:
        """Apply `op` pointwise; two signals are aligned on the union of their timestamps
        with linear interpolation (flat outside each signal's range)."""
        if isinstance(other, Signal):
            if other.time_unit != self.time_unit:
                raise ValueError("cannot combine signals with different time units")
            if len(self) == 0 or len(other) == 0:
                return self._like(
                    np.empty(0, np.int64), np.empty(0), f"({self.name} {symbol} {other.name})"
                )
            t = np.union1d(self.timestamps, other.timestamps)
            a = np.interp(t, self.timestamps, self.values)
            b = np.interp(t, other.timestamps, other.values)
            return self._like(t, op(a, b), f"({self.name} {symbol} {other.name})")
        if not isinstance(other, int | float | np.number):
            return NotImplemented
        with np.errstate(divide="ignore", invalid="ignore"):
            values = op(other, self.values) if reverse else op(self.values, other)
        name = f"({other} {symbol} {self.name})" if reverse else f"({self.name} {symbol} {other})"
        return self._like(self.timestamps, values, name)

    def __add__(self, other: object) -> Signal:
        return self._combine(other, operator.add, "+")

    def __radd__(self, other: object) -> Signal:
        return self._combine(other, operator.add, "+", reverse=True)

    def __sub__(self, other: object) -> Signal:
        return self._combine(other, operator.sub, "-")

    def __rsub__(self, other: object) -> Signal:
        return self._combine(other, operator.sub, "-", reverse=True)

    def __mul__(self, other: object) -> Signal:
        return self._combine(other, operator.mul, "*")

    def __rmul__(self, other: object) -> Signal:
        return self._combine(other, operator.mul, "*", reverse=True)

    def __truediv__(self, other: object) -> Signal:
        return self._combine(other, _divide, "/")

    def __rtruediv__(self, other: object) -> Signal:
        return self._combine(other, _divide, "/", reverse=True)

    def __neg__(self) -> Signal:
        return self._like(self.timestamps, -self.values, f"-{self.name}")

    def __abs__(self) -> Signal:
        return self._like(self.timestamps, np.abs(self.values), f"abs({self.name})")


def _divide(a: Operand, b: Operand) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.true_divide(a, b)
