"""Line numbers of malformed data rows, found by a vectorised scan (only when there are any).

pyarrow's fast reader reports that rows were bad, not where. A data row has two commas
or is blank (a blank line is read as an all-null row); every other line was skipped by
the reader. Rows the reader kept are numbered in file order, so the k-th kept row is the
k-th line of the right shape.
"""

from __future__ import annotations

from pathlib import Path

SCAN_BYTES = 1 << 20


def locate_bad_lines(
    path: Path, offset: int, first_line: int, null_rows: list[int], want: int = 10
) -> list[int]:
    """The first `want` bad line numbers: wrong field count, or a kept row in `null_rows`."""
    import numpy as np

    pending = sorted(null_rows)
    found: list[int] = []
    line_no, rows_seen = first_line, 0
    with path.open("rb") as stream:
        stream.seek(offset)
        carry = b""
        while len(found) < want:
            chunk = stream.read(SCAN_BYTES)
            data = carry + chunk
            if not data:
                break
            arr = np.frombuffer(data, dtype=np.uint8)
            ends = np.flatnonzero(arr == 10)
            if not chunk:  # last line without a newline
                ends = np.append(ends, arr.size)
            if ends.size == 0:
                carry = data
                continue
            starts = np.concatenate(([0], ends[:-1] + 1))
            commas = np.concatenate(([0], np.cumsum(arr == 44)))
            count = commas[np.minimum(ends, arr.size)] - commas[starts]
            length = ends - starts
            cr = (length > 0) & (arr[np.maximum(ends - 1, 0)] == 13)
            shaped = (count == 2) | (length - cr == 0)
            numbers = line_no + np.arange(ends.size)
            found.extend(numbers[~shaped][:want].tolist())
            kept = numbers[shaped]
            while pending and pending[0] < rows_seen + kept.size:
                found.append(int(kept[pending.pop(0) - rows_seen]))
            rows_seen += kept.size
            line_no += ends.size
            carry = data[int(ends[-1]) + 1 :] if chunk else b""
    return sorted(found)[:want]
