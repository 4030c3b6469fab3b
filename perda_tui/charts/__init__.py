"""Terminal line charts for the plot screen, the device and archive screens and the CLI.

`model` (what a chart is: `Chart`, `Series`, `ChartTheme`, `Cells`), `series` (shaping
points, min/max envelopes and log signals into series, with gaps), `ticks` (1-2-5 and
wall-clock ticks), `envelope` (min/max decimation pyramids of long signals) and
`backend`, the one module that calls plotext (`draw` into cells, `render` to text).
No Textual here.
"""
