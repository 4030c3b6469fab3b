"""Give memory freed by the C allocator back to the system."""

from __future__ import annotations

import ctypes
import ctypes.util


def return_free_memory() -> bool:
    """Ask glibc's allocator to return its free memory to the system (`malloc_trim(0)`);
    False where there is no such call (another C library).

    Arrays freed by Python stay in the allocator's heaps, counted as the process's
    resident memory: four 5M-row logs swapped for their mapped forms free ~320 MB of
    which ~100 MB left the process without this, and all of it with it.
    """
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return False
    if trim is None:
        return False
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)
    return True
