"""`AnalysisKeys`: the plot screen's analysis bindings (math channels, health, histogram,
spectrum, XY, track map), kept apart from the chart's own keys.

`PlotScreen` inherits from it; the actions use only the `PlotContext` methods below.
"""

from __future__ import annotations

from textual.screen import Screen


class AnalysisKeys(Screen[None]):
    """Analysis key bindings of the plot screen (filled in by the analysis work)."""
