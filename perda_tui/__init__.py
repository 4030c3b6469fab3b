"""perda-tui: car logs, live device status and DRMS archives in the terminal."""

__version__ = "0.1.0"
