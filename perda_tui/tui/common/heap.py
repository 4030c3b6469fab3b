"""When the app tidies Python's heap: while keys rest, never inside a key's redraw.

Python's automatic full collection scans every object the app holds (~100,000 once
Textual, numpy and a screen are up) and stalls the frame it lands in by 50-250 ms.
Screens call `settle_heap` when their keys rest: a full collection now and, with
`freeze`, the survivors moved out of later collections' sight (`gc.freeze`), so the
automatic ones scan only what was made since. `release_heap`, when a screen that froze
much goes away, lets frozen objects be collected again; the next screen at rest freezes
what then lives.
"""

from __future__ import annotations

import gc


def settle_heap(*, freeze: bool) -> None:
    """Collect the garbage now; with `freeze`, freeze what survives."""
    gc.collect()
    if freeze:
        gc.freeze()


def heap_frozen() -> bool:
    """Whether objects are frozen out of the collector's sight."""
    return gc.get_freeze_count() > 0


def release_heap() -> None:
    """Let every frozen object be collected again."""
    gc.unfreeze()
