"""Sizes shared by the compare and laps screens."""

#: Below this many rows the tables give the charts more room (CSS class `-short`).
SHORT = 32
