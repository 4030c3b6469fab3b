"""The plot screen's analysis views: math-channel prompt, health table, histogram,
spectrum, XY density and track map (opened by `AnalysisKeys`)."""
