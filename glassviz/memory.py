"""The process's heap (glibc's malloc): keeping freed memory for the next tensor during heavy
loops, and handing it back to the system afterwards.

PyTorch's CPU tensors come from ``malloc``.  glibc serves a block above its mmap threshold
(128 KiB, rising with use to at most 32 MiB) from fresh ``mmap`` pages and unmaps it on free.
One BOTAN training step on an N = 4096 KA3D configuration (E = 166k edges within r < 2) makes
and frees about 150 tensors of E x 64 float32 (42 MB each), so every one of them pays its
first-touch page faults again, and those cost more than the arithmetic: measured here
(``benchmarks/train_step.py``, fresh processes, one core busy with MD) 4.7 s per step on one
thread and 2.8 s on two as glibc does it, 2.4 s and 1.2 s with the freed blocks kept in the heap
and reused (NT-GNN: 3.8 -> 2.3 s and 2.7 -> 1.7 s).  :func:`reusing_freed_memory` does that for the length of a
loop; :func:`keep_freed_memory` does it for the rest of a worker process's life (batch workers:
two processes analysing N = 4096 snapshots spent ~20 % of their time in the kernel zeroing
fresh pages; with the heap reused, 8-10 -> 12.4 snapshots/s, and one process 5.2 -> 6.3);
:func:`release_memory` gives the heap back (the server calls it when a session ends).

Both do nothing where the C library is not glibc.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import threading

# mallopt(3) parameters and glibc's defaults for them
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_DEFAULT_THRESHOLD = 128 * 1024
# above any tensor of a training step (the largest are E x 64 float32, 42 MB at N = 4096), so that
# they come from the heap; up to this much freed memory stays there for reuse
_KEEP = 1 << 30

_lock = threading.Lock()
_depth = 0
_kept = False  # keep_freed_memory() was called: the setting is this process's for good


@functools.cache  # find_library runs ldconfig: once per process
def _libc():
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt  # noqa: B018 - glibc only
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def _thresholds(libc, size: int) -> None:
    """Blocks up to ``size`` bytes come from the heap; up to that much free memory stays there."""
    libc.mallopt(_M_MMAP_THRESHOLD, size)
    libc.mallopt(_M_TRIM_THRESHOLD, size)


def release_memory() -> None:
    """Collect garbage and hand the heap's free memory back to the system (``malloc_trim``)."""
    gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


# a batch's limit: a snapshot's arrays (N = 4096: up to ~120 MB for the coarse-graining pairs at
# xi = 3) come from the heap; a model batch's edge tensors (8 x 42 MB) stay on mmap, since heaps
# holding them grew with every batch (serial predict, peak RSS 2.8 -> 3.4 GB over 50 -> 200
# snapshots with 1 GiB here; flat at 1.8 GB with 256 MiB)
BATCH_BLOCKS = 256 << 20


def keep_freed_memory() -> None:
    """For the rest of this process, blocks up to 256 MiB come from the heap and up to 256 MiB
    of freed memory stays there for the next allocation (a worker process that does nothing
    but analyse snapshots)."""
    global _kept
    libc = _libc()
    if libc is None:
        return
    with _lock:
        _kept = True
        _thresholds(libc, BATCH_BLOCKS)


@contextlib.contextmanager
def reusing_freed_memory(limit: int = _KEEP):
    """Within the block, blocks up to ``limit`` bytes (default 1 GiB) come from the heap and
    up to that much freed memory stays there for the next allocation; afterwards glibc's
    default thresholds are set again (128 KiB; the threshold no longer adapts by itself) and
    the heap is trimmed.  Nested and concurrent uses share the first one's setting, undone by
    the last to leave."""
    global _depth
    libc = _libc()
    if libc is None:
        yield
        return
    with _lock:
        if _depth == 0 and not _kept:
            _thresholds(libc, limit)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and not _kept:
                _thresholds(libc, _DEFAULT_THRESHOLD)
                libc.malloc_trim(0)
