"""Magnitude spectrum of a signal in a window.

Method: the samples in the window are resampled to a uniform rate (about the inverse of
their median sample period: as many points as samples, rounded down to a product of 2, 3
and 5 so the FFT stays fast, at most `MAX_POINTS`) by linear interpolation (numpy's
`np.interp` loop, compiled: one walk along the samples); the mean is removed; a Hann
window is applied; `numpy.fft.rfft` gives the spectrum. Magnitudes are amplitudes:
`2 |X| / sum(window)`, so a sine of amplitude A shows a peak of about A. Dominant
frequencies are the highest local maxima above 0 Hz.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from perda_tui.analysis.timeline_kernels import interpolate_floats

#: Most points of one spectrum (longer windows are resampled to this many).
MAX_POINTS = 1 << 22
#: How many dominant frequencies are listed.
PEAKS = 5


@dataclass(frozen=True)
class Spectrum:
    """Amplitude per frequency (Hz) from 0 to the Nyquist frequency of `rate_hz`."""

    frequencies: np.ndarray
    magnitudes: np.ndarray
    rate_hz: float
    points: int
    peaks: tuple[tuple[float, float], ...]


def spectrum(timestamps: np.ndarray, values: np.ndarray, seconds_per_unit: float) -> Spectrum:
    """The amplitude spectrum of the samples (raw timestamps, ascending); ValueError with
    fewer than 4 samples or no time between them."""
    t = np.ascontiguousarray(timestamps, dtype=np.int64)
    v = np.ascontiguousarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    if not finite.all():
        t, v = t[finite], v[finite]
    if t.size < 4:
        raise ValueError(f"a spectrum needs at least 4 samples, not {t.size}")
    steps = np.diff(t)
    steps = steps[steps > 0]
    if steps.size == 0:
        raise ValueError("all samples share one timestamp")
    span = float(t[-1] - t[0])
    median = float(np.median(steps[:: max(1, steps.size // 100_001)]))
    points = fast_length(int(min(span // median + 1, t.size, MAX_POINTS)))
    period = span / (points - 1)
    grid = np.arange(points, dtype=np.float64)
    grid *= period
    grid += t[0]
    uniform = np.empty(points)
    interpolate_floats.sized(points)(t, v, grid, uniform)  # np.interp(grid, t, v), one walk
    uniform -= uniform.mean()
    window = hann(points)
    uniform *= window
    magnitudes = np.abs(np.fft.rfft(uniform))
    magnitudes *= 2.0 / window.sum()
    rate = 1.0 / (period * seconds_per_unit)
    frequencies = np.fft.rfftfreq(points, d=1.0 / rate)
    return Spectrum(frequencies, magnitudes, rate, points, _peaks(frequencies, magnitudes))


def fast_length(n: int) -> int:
    """The largest product of powers of 2, 3 and 5 not above `n` (n >= 1)."""
    best = 1
    five = 1
    while five <= n:
        three = five
        while three <= n:
            two = three
            while two * 2 <= n:
                two *= 2
            best = max(best, two)
            three *= 3
        five *= 5
    return best


def hann(points: int) -> np.ndarray:
    """`np.hanning(points)`, bit for bit, with half the cosines: the first half computed
    as numpy does, the second its mirror image (the window and cos are symmetric)."""
    n = np.arange(1 - points, 1, 2)  # numpy's n, up to the middle
    window = np.empty(points)
    half = window[: n.size]
    np.multiply(np.pi, n, out=half)
    half /= points - 1
    np.cos(half, out=half)
    half *= 0.5
    half += 0.5
    window[n.size :] = half[: points - n.size][::-1]
    return window


def _peaks(frequencies: np.ndarray, magnitudes: np.ndarray) -> tuple[tuple[float, float], ...]:
    """The `PEAKS` highest local maxima above 0 Hz as (frequency, amplitude)."""
    m = magnitudes
    if m.size < 3:
        return ()
    inner = np.flatnonzero((m[1:-1] > m[:-2]) & (m[1:-1] >= m[2:])) + 1
    if inner.size > PEAKS:  # the highest few, without sorting all the maxima
        inner = inner[np.argpartition(m[inner], -PEAKS)[-PEAKS:]]
    best = inner[np.argsort(m[inner], kind="stable")[::-1]]
    return tuple((float(frequencies[i]), float(m[i])) for i in best)
