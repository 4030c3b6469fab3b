"""`perda-tui locate`: where the config file, the cache and exports live."""

from __future__ import annotations

import argparse

from perda_tui.config import config_path, load_settings


def locate_command(args: argparse.Namespace) -> int:
    """Print the config file, cache folder and export folder in effect."""
    settings = load_settings(args)
    print(f"config: {config_path()}")
    print(f"cache:  {settings.cache_dir}")
    print(f"export: {settings.export_dir}")
    return 0
