"""glassviz.memory: large blocks come from the heap, and are reused, only inside
reusing_freed_memory; outside it glibc maps them afresh (what made training steps slow)."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest

from glassviz.memory import _libc, release_memory, reusing_freed_memory


class _MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                "fsmblks", "uordblks", "fordblks", "keepcost")]


def _mapped_bytes() -> int:
    """Bytes glibc holds in separately mmap-ed blocks (mallinfo2().hblkhd)."""
    libc = _libc()
    if libc is None or not hasattr(libc, "mallinfo2"):
        pytest.skip("not glibc >= 2.33")
    libc.mallinfo2.restype = _MallInfo2
    return libc.mallinfo2().hblkhd


def test_large_blocks_come_from_the_heap_only_inside_the_block():
    size = 48 * 1024 * 1024  # the size of one edge tensor of a training step (E ~ 190k, 64 floats)
    base = _mapped_bytes()
    a = np.ones(size // 8)
    assert _mapped_bytes() - base >= size  # glibc's default: its own mapping
    del a
    with reusing_freed_memory():
        with reusing_freed_memory():  # nested uses share the setting
            b = np.ones(size // 8)
            assert _mapped_bytes() - base < size
            del b
        c = np.ones(size // 8)
        assert _mapped_bytes() - base < size  # still inside the outer block
        del c
    d = np.ones(size // 8)
    assert _mapped_bytes() - base >= size  # the defaults are back
    del d
    release_memory()


def test_the_setting_is_undone_when_the_block_raises():
    size = 48 * 1024 * 1024
    base = _mapped_bytes()
    with pytest.raises(RuntimeError):
        with reusing_freed_memory():
            raise RuntimeError("stop")
    a = np.ones(size // 8)
    assert _mapped_bytes() - base >= size
    del a
