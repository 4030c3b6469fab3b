"""Spectrum: resampling, Hann window, amplitude scaling and dominant frequencies."""

from __future__ import annotations

import numpy as np
import pytest

from perda_tui.analysis.spectrum import PEAKS, _peaks, fast_length, hann, spectrum

# each test runs with the kernels interpreted and compiled (tests/analysis/conftest.py)
pytestmark = pytest.mark.usefixtures("kernels")


def test_two_sines_on_jittered_timestamps() -> None:
    rng = np.random.default_rng(5)
    t = np.arange(20_000) * 1_000 + rng.integers(0, 50, 20_000)  # ~1 kHz for 20 s, µs
    seconds = t * 1e-6
    values = 3 + 2.0 * np.sin(2 * np.pi * 50 * seconds) + 0.5 * np.sin(2 * np.pi * 120 * seconds)
    result = spectrum(t, values, 1e-6)
    assert result.points == 19_683  # 3**9: the FFT-friendly count below the ~20,000 samples
    assert result.rate_hz == pytest.approx((result.points - 1) / ((t[-1] - t[0]) * 1e-6))
    (f1, a1), (f2, a2) = result.peaks[:2]
    assert f1 == pytest.approx(50, abs=0.1) and a1 == pytest.approx(2.0, rel=0.05)
    assert f2 == pytest.approx(120, abs=0.1) and a2 == pytest.approx(0.5, rel=0.1)
    assert result.magnitudes[0] < 0.01  # the mean (3) is removed


@pytest.mark.parametrize("seed", range(3))
def test_resampling_is_interp_bit_for_bit(seed: int) -> None:
    """The uniform grid and its values are numpy's: the spectrum of np.interp on it."""
    rng = np.random.default_rng(seed)
    t = np.sort(rng.integers(0, 10**7, 5_000))
    t[100:110] = t[100]  # repeated timestamps
    values = rng.normal(size=t.size)
    result = spectrum(t, values, 1e-6)
    grid = np.arange(result.points, dtype=np.float64) * ((t[-1] - t[0]) / (result.points - 1))
    uniform = np.interp(grid + t[0], t, values)
    window = np.hanning(result.points)
    expected = np.abs(np.fft.rfft((uniform - uniform.mean()) * window)) * (2.0 / window.sum())
    np.testing.assert_array_equal(result.magnitudes, expected)


def test_reference_on_uniform_samples() -> None:
    t = np.arange(1024) * 10_000  # 100 Hz, µs
    values = np.cos(2 * np.pi * 12.5 * t * 1e-6)
    result = spectrum(t, values, 1e-6)
    window = np.hanning(1024)
    expected = np.abs(np.fft.rfft((values - values.mean()) * window)) * 2 / window.sum()
    np.testing.assert_allclose(result.magnitudes, expected, atol=1e-12)
    np.testing.assert_allclose(result.frequencies, np.fft.rfftfreq(1024, 0.01))


def test_fast_lengths_against_brute_force() -> None:
    def smooth(m: int) -> bool:
        for factor in (2, 3, 5):
            while m % factor == 0:
                m //= factor
        return m == 1

    best = 1
    for n in range(1, 3000):
        best = n if smooth(n) else best
        assert fast_length(n) == best


def test_too_few_samples() -> None:
    with pytest.raises(ValueError, match="at least 4 samples"):
        spectrum(np.arange(3), np.zeros(3), 1e-6)
    with pytest.raises(ValueError, match="one timestamp"):
        spectrum(np.zeros(5, np.int64), np.zeros(5), 1e-6)


@pytest.mark.parametrize("points", [4, 5, 6, 7, 1_023, 1_024, 19_683, 1_000_000])
def test_hann_is_numpys_bit_for_bit(points: int) -> None:
    np.testing.assert_array_equal(hann(points).view(np.int64), np.hanning(points).view(np.int64))


def test_peaks_are_the_highest_local_maxima() -> None:
    rng = np.random.default_rng(8)
    for size in (2, 3, 6, 40, 5_000):
        m = rng.random(size)
        f = np.arange(size) * 0.5
        inner = [i for i in range(1, size - 1) if m[i] > m[i - 1] and m[i] >= m[i + 1]]
        expected = sorted(inner, key=lambda i: -m[i])[:PEAKS]
        assert _peaks(f, m) == tuple((f[i], m[i]) for i in expected)
