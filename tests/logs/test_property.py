"""Property: the block parser agrees with a naive line-by-line parser, bad rows included."""

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perda_tui.logs import Log, LogParseError
from perda_tui.logs import reader as reader_module

good_row = st.builds(
    lambda t, i, v: f"{t},{i},{v!r}",
    st.integers(-(10**12), 10**12),
    st.integers(1, 4),
    st.floats(allow_nan=False, width=64),
)
# non-ASCII rows too: blocks reuse their buffers, and each block's check must see only its bytes
bad_row = st.sampled_from(
    ["", "1,1", "1,1,1,1", "x,1,1", "1,y,1", "1,1,z", "1.5,1,1", " ", "1,,2", "1,1,é", "é"]
)
rows = st.lists(st.one_of(good_row, good_row, good_row, bad_row), min_size=1, max_size=120)


def naive(lines: list[str]) -> tuple[dict[int, list[tuple[int, float]]], list[int]]:
    """Reference parser: exactly three fields, integer time and id, float value."""
    groups: dict[int, list[tuple[int, float]]] = {}
    bad = []
    for number, line in enumerate(lines, start=3):
        fields = line.split(",")
        try:
            if len(fields) != 3:
                raise ValueError
            t, i, v = int(fields[0]), int(fields[1]), float(fields[2])
        except ValueError:
            bad.append(number)
            continue
        groups.setdefault(i, []).append((t, v))
    return groups, bad


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows, st.sampled_from([32, 100, 1 << 20]))
def test_parser_matches_naive_reference(tmp_path: Path, monkeypatch, lines, block) -> None:
    monkeypatch.setattr(reader_module, "BLOCK_BYTES", block)
    path = tmp_path / "p.csv"
    path.write_text("PER Log v2.0\nValue s: 1\n" + "\n".join(lines) + "\n")
    groups, bad = naive(lines)
    if not groups:
        with pytest.raises(LogParseError, match="no valid data points"):
            Log.load(path, parsing_errors_limit=0)
        return
    log = Log.load(path, parsing_errors_limit=0)
    assert log.parse_errors == len(bad)
    assert log.bad_lines == bad[:10]
    for ident, samples in groups.items():
        signal = log[ident]
        late = sum(b[0] < a[0] for a, b in pairwise(samples))
        assert signal.out_of_order == late
        samples.sort(key=lambda s: s[0])  # stable: equal times keep file order
        np.testing.assert_array_equal(signal.timestamps, [t for t, _ in samples])
        np.testing.assert_array_equal(signal.values, [v for _, v in samples])
