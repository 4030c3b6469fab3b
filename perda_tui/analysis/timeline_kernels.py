"""Compiled loops of the alignment (`timeline`): a union of two timelines in one pass, and
`np.interp` of a signal at ascending points in one walk along its samples (at timestamps,
and at float64 points for the spectrum's uniform grid).

They take int64 timestamps in ascending order (repeats allowed) and keep every index
inside their arrays whatever they get; other input gives other numbers, never a read or
write out of bounds.
"""

from __future__ import annotations

import math

import numpy as np

from perda_tui.analysis.compiled import compiled

#: numba's types of the arrays read: contiguous, read-only (as a log's) or not.
STAMPS = "Array(int64, 1, 'C', readonly=True)"
VALUES = "Array(float64, 1, 'C', readonly=True)"
#: The arrays written.
OUT_STAMPS, OUT_VALUES = "int64[::1]", "float64[::1]"


@compiled(f"int64({STAMPS}, {STAMPS}, {OUT_STAMPS})")
def merge(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> int:
    """The ascending timestamps of `a` and of `b`, each once, into the head of `out`
    (`np.union1d`); how many."""
    if out.size < a.size + b.size:
        raise ValueError("merge: out is too small")
    i = j = n = last = 0
    while i < a.size and j < b.size:
        # branches, not a minimum: quicker when the timelines take turns
        x, y = a[i], b[j]
        if x < y:
            t = x
            i += 1
        elif y < x:
            t = y
            j += 1
        else:
            t = x
            i += 1
            j += 1
        if n == 0 or t != last:
            out[n] = last = t
            n += 1
    for t in a[i:] if j == b.size else b[j:]:  # the rest of the one left
        if n == 0 or t != last:
            out[n] = last = t
            n += 1
    return n


def _interpolate(xp: np.ndarray, fp: np.ndarray, x: np.ndarray, out: np.ndarray) -> None:
    """`np.interp(x, xp, fp)` into the head of `out`, bit for bit, for ascending `x`
    (int64 timestamps, or float64 points).

    As numpy's loop (`arr_interp`), on the timestamps as float64: at or past the last
    sample its value, before the first the first's; at a sample's time its value (the
    last's of repeated ones); between two samples the line through them, from the left
    one, or from the right one where that gives NaN, or their value if equal."""
    n = xp.size
    if fp.size != n or out.size < x.size or n == 0:
        raise ValueError("interpolate: sizes do not match")
    if x.size == 0:
        return
    # j: the last sample at or before the point (-1: none), found for the first point
    # by bisection, then walked along with the points
    lo, hi, first = 0, n, float(x[0])
    while lo < hi:
        mid = (lo + hi) // 2
        if float(xp[mid]) <= first:
            lo = mid + 1
        else:
            hi = mid
    j = lo - 1
    for i in range(x.size):
        at = float(x[i])
        while j < n - 1 and float(xp[j + 1]) <= at:
            j += 1
        if j < 0:
            out[i] = fp[0]
        elif j == n - 1 or float(xp[j]) == at:
            out[i] = fp[j]
        else:
            left, right = float(xp[j]), float(xp[j + 1])
            slope = (fp[j + 1] - fp[j]) / (right - left)
            value = slope * (at - left) + fp[j]
            if math.isnan(value):
                value = slope * (at - right) + fp[j + 1]
                if math.isnan(value) and fp[j] == fp[j + 1]:
                    value = fp[j]
            out[i] = value


#: `np.interp` at timestamps (`_interpolate`).
interpolate = compiled(f"void({STAMPS}, {VALUES}, {STAMPS}, {OUT_VALUES})")(_interpolate)
#: `np.interp` at float64 points (`_interpolate`).
interpolate_floats = compiled(f"void({STAMPS}, {VALUES}, {VALUES}, {OUT_VALUES})")(_interpolate)
