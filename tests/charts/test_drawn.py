"""A gallery of charts drawn cell for cell (characters, colours and runs) as recorded in
`drawn_charts.json`: several series on both axes, stacked panels, markers, cursors,
NaN gaps, series off the axes, highlight order, empty series, a single point, a
live-device chart and a plot-screen chart.

The data use exact arithmetic only (no sin or random generators), so the recording does
not depend on the platform's maths library. `python -m tests.charts.test_drawn` records
the gallery again (after a deliberate change to how charts look).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from perda_tui.charts.backend import draw
from perda_tui.charts.model import Cells, Chart, ChartTheme, Series
from perda_tui.charts.series import envelope_series, line_series

# odd data (inf, NaN) draws without numpy's warnings on the way
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

RECORDING = Path(__file__).with_name("drawn_charts.json")
THEME = ChartTheme.ansi16()


def wave(x: np.ndarray, period: float, phase: float = 0.0) -> np.ndarray:
    """A triangle wave from -1 to 1."""
    return 4 * np.abs((x / period + phase) % 1.0 - 0.5) - 1


def noise(count: int, seed: int) -> np.ndarray:
    """`count` values in [0, 1) from a linear congruential generator (integers: exact)."""
    state = (np.arange(count, dtype=np.int64) * 1103515245 + 12345 + seed * 7919) % 2**31
    return (state * 69069 % 2**31) / 2**31


def device_history(slots: int, points: int = 180) -> list[tuple[np.ndarray, np.ndarray]]:
    """What the device screen charts: `slots` paths of `points` samples at 6 per second."""
    t = np.arange(points) / 6.0 - points / 6.0
    return [(t, wave(t, 7.0 + slot, slot / 8) * (1 + slot)) for slot in range(slots)]


def device() -> Chart:
    series = [
        line_series(f"/var/path/value{slot}", x, y, slot=slot)
        for slot, (x, y) in enumerate(device_history(8))
    ]
    return Chart(series=series, x_range=(-30.0, 0.0), x_label="seconds")


def device_gaps() -> Chart:
    series = []
    for slot, (x, y) in enumerate(device_history(6)):
        y = y.copy()
        y[40 + 10 * slot : 55 + 10 * slot] = math.nan  # values that were null
        keep = (np.arange(len(x)) % 60 < 45) if slot % 2 else np.ones(len(x), dtype=bool)
        series.append(line_series(f"/p{slot}", x[keep] + slot, y[keep], slot=slot))
    return Chart(series=series, x_range=(-30.0, 0.0), x_label="seconds", highlight=2)


def both_axes() -> Chart:
    x = np.linspace(0, 60, 400)
    return Chart(
        [
            line_series("ams.pack.voltage", x, 560 - 20 * wave(x, 31.0), unit="V"),
            line_series("speed", x, 50 + 25 * wave(x, 11.0), slot=1, unit="km/h"),
            line_series(
                "ams.pack.current", x, 120 * wave(x, 7.0), slot=2, right_axis=True, unit="A"
            ),
            line_series("torque", x, 80 * wave(x, 13.0, 0.3), slot=3, right_axis=True, unit="Nm"),
            line_series("v2", x, 550 + 10 * noise(len(x), 1), slot=4, unit="V"),
        ],
        title="Lap 3",
        x_label="time (s)",
        cursor=12.5,
        cursor_b=40.0,
        highlight=2,
    )


def stacked() -> Chart:
    x = np.linspace(0, 20, 300)
    return Chart(
        [
            line_series("small", x, wave(x, 5.0), unit="V"),
            line_series("large", x, 1000 + 500 * wave(x, 3.0), slot=1, right_axis=True, unit="A"),
            line_series("ramp", x, x, slot=2),
            line_series("noisy", x, noise(len(x), 2), slot=5),
        ],
        stacked=True,
        cursor=5.0,
        cursor_b=15.0,
        x_label="seconds",
    )


def stacked_eight() -> Chart:
    series = [line_series(f"s{i}", x, y, slot=i) for i, (x, y) in enumerate(device_history(8))]
    return Chart(series, stacked=True, highlight=3)


def markers(*, is_stacked: bool = False) -> Chart:
    x = np.linspace(0, 10, 300)
    series = [line_series(f"s{i}", x, wave(x, 4.0, i / 4) + i, slot=i) for i in range(4)]
    return Chart(series, markers=True, stacked=is_stacked, highlight=1)


def crossing(highlight: int | None) -> Chart:
    """Five series over the same cells: the cells take the colour of the one drawn last."""
    x = np.linspace(0, 10, 120)
    series = [
        line_series(f"s{slot}", x, wave(x, 2.0 + slot / 4) * (slot % 3), slot=slot)
        for slot in range(5)
    ]
    return Chart(series, highlight=highlight, x_range=(0.0, 10.0))


def off_axis() -> Chart:
    x = np.linspace(-50.0, 150.0, 201)
    spikes = x / 10
    spikes[[20, 80, 81, 150]] = [1e300, -1e308, math.inf, -math.inf]
    return Chart(
        [
            line_series("partly", x, wave(x, 23.0)),
            line_series("later", x + 500, x, slot=1),
            line_series("spikes", x, spikes, slot=2),
            line_series("right NaN", x, np.full(len(x), math.nan), slot=3, right_axis=True),
            line_series("huge", x, 1e200 * wave(x, 17.0), slot=4, right_axis=True),
        ],
        x_range=(0.0, 100.0),
        cursor=-5.0,
        cursor_b=100.0,
    )


def small_series() -> Chart:
    return Chart(
        [
            line_series("empty", [], []),
            line_series("one", [4.0], [2.0], slot=1),
            line_series("two", [1.0, 9.0], [0.0, 3.0], slot=2),
            line_series("unsorted", [7.0, 2.0, 5.0, 2.0], [1.0, 3.0, math.nan, 0.5], slot=3),
            line_series("lone", [0.0, 1.0, 2.0, 3.0], [1.0, math.nan, 2.5, math.nan], slot=4),
        ],
        x_label="x",
    )


def envelopes() -> Chart:
    times = np.arange(0.0, 100.0, 0.5)
    series = []
    for slot in range(3):
        low = wave(times, 9.0 + slot) * 10 - noise(len(times), slot) * 3
        high = low + noise(len(times), slot + 10) * 5
        low[60 + slot * 20 : 70 + slot * 20] = math.nan
        high[60 + slot * 20 : 70 + slot * 20] = math.nan
        series.append(envelope_series(f"e{slot}", times, low, high, slot=slot, gap=3.0))
    return Chart(series, cursor=30.0, clock_origin=datetime(2026, 4, 1, 17, 6, 37))


def plot_screen(points: int = 20_000) -> Chart:
    """Four long noisy series as the plot screen draws them (raw points, no decimation)."""
    x = np.arange(points) / 100.0
    series = [
        line_series(
            f"pcm.signal{slot}",
            x,
            50 * wave(x, 62.0 / (slot + 1), slot / 5) + 5 * noise(points, slot),
            slot=slot,
            right_axis=slot == 3,
            unit="V" if slot < 3 else "A",
        )
        for slot in range(4)
    ]
    return Chart(series, cursor=50.0, x_label="time", time_format="minutes")


def labels_only() -> Chart:
    x = np.arange(10.0)
    return Chart(
        [line_series("a", x, x * x), line_series("b", x, -x, slot=1, right_axis=True)],
        legend=False,
        y_label="speed [m/s]",
        y2_label="volts",
    )


#: Name: (chart, width, height, theme).
GALLERY: dict[str, Callable[[], tuple[Chart, int, int, ChartTheme]]] = {
    "device": lambda: (device(), 68, 23, THEME),
    "device_wide": lambda: (device(), 120, 30, THEME),
    "device_gaps": lambda: (device_gaps(), 68, 23, THEME),
    "device_one": lambda: (Chart([device().series[0]], x_range=(-30.0, 0.0)), 68, 23, THEME),
    "both_axes": lambda: (both_axes(), 90, 24, THEME),
    "both_axes_rgb": lambda: (
        both_axes(),
        70,
        16,
        ChartTheme(palette=((255, 0, 0), (0, 255, 0), (0, 0, 255), 3, 4), text=(9, 9, 9)),
    ),
    "stacked": lambda: (stacked(), 70, 30, THEME),
    "stacked_eight": lambda: (stacked_eight(), 60, 26, THEME),
    "stacked_too_many": lambda: (stacked_eight(), 60, 12, THEME),
    "markers": lambda: (markers(), 80, 20, THEME),
    "markers_stacked": lambda: (markers(is_stacked=True), 80, 24, THEME),
    "crossing_none": lambda: (crossing(None), 40, 10, THEME),
    "crossing_0": lambda: (crossing(0), 40, 10, THEME),
    "crossing_3": lambda: (crossing(3), 40, 10, THEME),
    "off_axis": lambda: (off_axis(), 70, 18, THEME),
    "small_series": lambda: (small_series(), 50, 14, THEME),
    "only_empty": lambda: (Chart([line_series("none", [], [])], message="nothing"), 40, 8, THEME),
    "message": lambda: (Chart(x_range=(0.0, 10.0), message="Space adds a signal"), 40, 10, THEME),
    "envelopes": lambda: (envelopes(), 100, 20, THEME),
    "labels_only": lambda: (labels_only(), 50, 12, THEME),
    "tiny": lambda: (device(), 9, 4, THEME),
    "plot_screen": lambda: (plot_screen(), 200, 50, THEME),
}


def as_json(cells: Cells) -> list[list[list[object]]]:
    """The runs of `cells` as JSON values (colours as given: names, indexes or [r, g, b])."""
    return [[[text, fg, bg] for text, fg, bg in row] for row in cells.rows]


def drawn(name: str) -> list[list[list[object]]]:
    chart, width, height, theme = GALLERY[name]()
    return json.loads(json.dumps(as_json(draw(chart, width, height, theme=theme))))


@pytest.fixture(scope="module")
def recorded() -> dict[str, list[list[list[object]]]]:
    return dict(json.loads(RECORDING.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", list(GALLERY))
def test_charts_are_drawn_as_recorded(
    name: str, recorded: dict[str, list[list[list[object]]]]
) -> None:
    want, got = recorded[name], drawn(name)
    # the characters first (a readable failure), then the colours and runs
    assert ["".join(str(run[0]) for run in row) for row in got] == [
        "".join(str(run[0]) for run in row) for row in want
    ]
    assert got == want


def test_the_gallery_draws_something_of_every_kind() -> None:
    """Every line of the gallery is drawn somewhere, in each of its colours."""
    assert {"device", "stacked", "markers", "off_axis", "plot_screen"} <= set(GALLERY)
    series: list[Series] = [s for name in GALLERY for s in GALLERY[name]()[0].series]
    assert any(len(s.x) == 0 for s in series) and any(len(s.x) == 1 for s in series)
    assert any(np.isnan(s.y).any() for s in series)


def record() -> None:
    """Draw the gallery and write it to `RECORDING` (a chart a line)."""
    lines = [
        f"{json.dumps(name)}: {json.dumps(drawn(name), ensure_ascii=False)}" for name in GALLERY
    ]
    RECORDING.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


if __name__ == "__main__":
    record()
