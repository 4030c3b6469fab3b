"""`perda-tui sample-logs OUT_DIR`: write the demo's sample-log tree to a folder."""

from __future__ import annotations

import argparse


def sample_logs_command(args: argparse.Namespace) -> int:
    """Generate the sample tree (`--rows` in the largest log, `--seed`) and list its files."""
    from perda_tui.samples.trees import generate_sample_tree
    from perda_tui.units import human_bytes

    if args.rows < 1:
        raise ValueError("--rows must be at least 1")
    for path in generate_sample_tree(args.out_dir, rows=args.rows, seed=args.seed):
        print(f"{human_bytes(path.stat().st_size):>10}  {path}")
    return 0
