"""Terminal line charts for the plot screen, the device and archive screens and the CLI.

`model` (what a chart is: `Chart`, `Series`, `ChartTheme`, `Cells`), `series` (shaping
points, min/max envelopes and log signals into series, with gaps), `ticks` (1-2-5 and
wall-clock ticks), `envelope` (min/max decimation pyramids of long signals), `raster`
(braille dots) and `backend` (frame, axes, legend, panels and cursors: `draw` into cells,
`render` to text). Numpy only, no plotting library; no Textual here.
"""
