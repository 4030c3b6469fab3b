"""Arrays backed by unlinked files: memory the kernel can write back and reclaim.

The parser's per-signal buffers for a big log go here when it is parsed into the parsed
cache: their pages are shared file pages, which the kernel writes back to disk and frees
under memory pressure (and which RLIMIT_DATA does not count), instead of anonymous memory
that must stay resident. The file is unlinked at once: nothing is left behind, and its
space is freed with the last view of the array.
"""

from __future__ import annotations

import mmap
import os
import tempfile
from pathlib import Path

import numpy as np


def file_backed_empty(folder: Path, count: int, dtype: type[np.generic]) -> np.ndarray:
    """A writable, uninitialised array of `count` items backed by a new unlinked file in
    `folder` (sparse: pages never written take no disk space)."""
    size = max(count, 1) * np.dtype(dtype).itemsize
    fd, name = tempfile.mkstemp(prefix="scratch-", dir=folder)
    try:
        os.unlink(name)
        os.ftruncate(fd, size)
        mapped = mmap.mmap(fd, size)
    finally:
        os.close(fd)
    return np.frombuffer(mapped, dtype=dtype, count=count)
