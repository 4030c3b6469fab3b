"""Analysis over the log engine, without Textual: math channels, data health, spectra,
XY and track maps, laps and run comparison. Each module has one job; import it directly.
"""
